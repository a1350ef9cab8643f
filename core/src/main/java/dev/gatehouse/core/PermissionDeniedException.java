package dev.gatehouse.core;

import java.util.Objects;

/**
 * The caller's credential does not carry a permission the operation needs: the host answers 403.
 * The message names the missing permission and is safe to send to the client; it never carries
 * a credential.
 */
public final class PermissionDeniedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Permission permission;

    /** {@code permission} is missing from what {@code identity}'s credential grants. */
    public PermissionDeniedException(Permission permission, Identity identity) {
        super(message(Objects.requireNonNull(permission, "permission"), Objects.requireNonNull(identity, "identity")));
        this.permission = permission;
    }

    private static String message(Permission permission, Identity identity) {
        return "Permission " + permission.name() + " is not granted to this credential"
                + (identity.process().isPresent() ? " (it acts for a process)" : "");
    }

    /** The permission that was missing. */
    public Permission permission() {
        return permission;
    }
}
