package dev.gatehouse.apikey;

import dev.gatehouse.core.Identity;
import java.util.Objects;
import java.util.UUID;

/**
 * The host's rule for who may manage whose keys. Register one with
 * {@code Gatehouse.builder().service(ApiKeyPermissions.class, ...)} or
 * {@code ApiKeyRealm.Builder.permissions(...)}; the default is {@link #adminRole(String)} with role
 * {@code admin}. Implementations must be thread-safe and should not block.
 */
public interface ApiKeyPermissions {

    /** Whether {@code caller} may create, list and revoke keys of user {@code owner}. */
    boolean mayManageKeysOf(Identity caller, UUID owner);

    /**
     * Whether {@code caller} may choose the value of a key for {@code owner} (to import an
     * existing key, or a Concord digest) instead of having one generated.
     */
    boolean mayChooseKeyValue(Identity caller, UUID owner);

    /**
     * The default rule: holders of {@code role} may do everything; everybody else may manage their
     * own keys only and never choose a key's value.
     */
    static ApiKeyPermissions adminRole(String role) {
        Objects.requireNonNull(role, "role");
        return new ApiKeyPermissions() {
            @Override
            public boolean mayManageKeysOf(Identity caller, UUID owner) {
                return caller.hasRole(role) || caller.userId().equals(owner);
            }

            @Override
            public boolean mayChooseKeyValue(Identity caller, UUID owner) {
                return caller.hasRole(role);
            }

            @Override
            public String toString() {
                return "ApiKeyPermissions.adminRole(" + role + ")";
            }
        };
    }
}
