package dev.gatehouse.apikey;

import dev.gatehouse.core.Identity;
import dev.gatehouse.core.Permission;
import java.util.Objects;
import java.util.Set;
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
     * What {@code user} (the identity of a key's owner, or of a caller, as its roles stand now) may
     * do at all, in the host's permission names: a scoped key is never given a scope outside this
     * set, and at every authentication its scopes are narrowed to it, so that an owner who loses a
     * right loses it on their keys too (within the revocation bound). The default,
     * {@code {*}}, leaves the decision to the host's own checks; a host that names its scopes
     * (say, admin-only ones) maps roles to permissions here. Must be fast: it runs on every key
     * lookup (not on cache hits).
     */
    default Set<Permission> permissionsOf(Identity user) {
        return Set.of(Permission.ALL);
    }

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
