package dev.gatehouse.secrets;

import java.util.Objects;

/**
 * A secret operation failed for a reason the caller or the operator can act on. {@link #kind()}
 * says why, so that a host can map it to a status: NOT_FOUND 404; ALREADY_EXISTS and CONFLICT 409;
 * ACCESS_DENIED 403; INVALID_PASSWORD, INVALID_INPUT and CORRUPTED 400; TOO_LARGE 413;
 * THROTTLED ({@link ThrottledException}) 429 with {@code Retry-After};
 * KEY_UNAVAILABLE ({@link KeyUnavailableException}) 503. A store that does not answer is not one of
 * these: it raises {@link dev.gatehouse.core.BackendUnavailableException} (503 with
 * {@code Retry-After}). Messages never contain secret material. Immutable.
 */
public class SecretException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The message of every failed decryption with a store password, whatever the cause. */
    public static final String INVALID_PASSWORD_MESSAGE = "Invalid password or corrupted data";

    /** Why an operation failed. */
    public enum Kind {
        /** No such secret (or the caller may not know it exists). */
        NOT_FOUND,
        /** A secret of that name exists already in the organisation. */
        ALREADY_EXISTS,
        /** The access policy refused the operation. */
        ACCESS_DENIED,
        /** The store password is wrong, missing or the data was modified. */
        INVALID_PASSWORD,
        /** The secret changed since the caller read it (optimistic locking). */
        CONFLICT,
        /** The value is larger than the configured limit. */
        TOO_LARGE,
        /** A name, password or value is not acceptable; the message says which rule. */
        INVALID_INPUT,
        /**
         * An envelope or encrypted string does not open: truncated, modified or moved, or its header
         * asks for more Argon2id work than this node allows.
         */
        CORRUPTED,
        /**
         * Too many wrong store passwords: the attempt was refused without being checked
         * ({@link ThrottledException}, 429 with {@code Retry-After}).
         */
        THROTTLED,
        /**
         * The envelope names a server key that this node does not have, or this node lacks the key it
         * must seal with: a configuration problem of this node, not of the request
         * ({@link KeyUnavailableException}, 503).
         */
        KEY_UNAVAILABLE
    }

    private final Kind kind;

    /** An exception of {@code kind}; the message must not contain secret material. */
    public SecretException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** An exception of {@code kind} caused by {@code cause}. */
    public SecretException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** Why the operation failed. */
    public Kind kind() {
        return kind;
    }
}
