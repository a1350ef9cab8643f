package dev.gatehouse.apikey;

import java.util.Objects;

/**
 * An {@link ApiKeyService} request that is refused: the caller asked for something that cannot be
 * done. {@link #reason()} tells a host's endpoint which HTTP status to answer with; the message is
 * safe to show and never contains a key. An outage is never an {@code ApiKeyException} but core's
 * {@link dev.gatehouse.core.BackendUnavailableException} (503).
 */
public final class ApiKeyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a request failed, with the HTTP status an endpoint would usually answer. */
    public enum Reason {
        /** The caller may not manage this user's keys or choose a key value (403). */
        FORBIDDEN,
        /** The name does not match the allowed pattern (400). */
        INVALID_NAME,
        /** The owner already has a key of that name (409). */
        NAME_TAKEN,
        /** A chosen key value or an imported digest is not well-formed (400). */
        INVALID_KEY,
        /** A chosen key value or imported digest is already stored (409). */
        KEY_TAKEN,
        /** The expiry time is not in the future (400). */
        INVALID_EXPIRY,
        /** No user with that id (404). */
        UNKNOWN_USER,
        /** 400: too many scopes asked for. */
        INVALID_SCOPES
    }

    private final Reason reason;

    /** A failure for {@code reason}; {@code message} must not contain a key. */
    public ApiKeyException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** A failure for {@code reason} caused by {@code cause}. */
    public ApiKeyException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the request failed. */
    public Reason reason() {
        return reason;
    }
}
