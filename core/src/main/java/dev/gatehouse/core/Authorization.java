package dev.gatehouse.core;

import java.util.Objects;

/**
 * The one check a host makes before an operation: does the caller's credential carry the
 * permission the operation needs? Call it next to the host's own rule about the user (roles,
 * ownership): a credential never grants more than its user may do, and the user's rights never
 * widen a limited credential. Stateless and thread-safe.
 *
 * <pre>{@code
 * Identity caller = AuthenticationFilter.identity(request).orElseThrow();
 * Authorization.require(caller, Permission.APIKEY_MANAGE);   // 403 for a process token
 * if (!caller.hasRole("admin") && !caller.userId().equals(owner)) { ... 403 ... }
 * }</pre>
 */
public final class Authorization {

    private Authorization() {}

    /**
     * Returns if {@code identity}'s credential grants {@code permission}.
     *
     * @throws PermissionDeniedException naming the permission otherwise; map it to 403
     */
    public static void require(Identity identity, Permission permission) {
        Objects.requireNonNull(identity, "identity");
        if (!identity.permits(permission)) {
            throw new PermissionDeniedException(permission, identity);
        }
    }

    /** {@link #require(Identity, Permission)} for the permission named {@code permission}. */
    public static void require(Identity identity, String permission) {
        require(identity, Permission.of(permission));
    }
}
