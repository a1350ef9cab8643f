package dev.gatehouse.core;

import java.time.Duration;
import java.util.Objects;

/**
 * A backend did not answer: a database, a directory or a store was unreachable, refused the
 * connection, or exceeded its timeout. The one failure type for outages in every Gatehouse module:
 * the engine turns it into {@link AuthenticationResult.Unavailable} (HTTP 503 with
 * {@code Retry-After}), it never counts as a failed login, and a host maps it to 503 in its own
 * endpoints too.
 *
 * <p>Contract errors (a duplicate name, a bad argument, a missing record) are never reported with
 * this type. The message names the backend and the operation, never a credential or a value.
 */
public final class BackendUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What a caller is told to wait when the backend gave no better hint. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

    private final String backend;
    private final transient Duration retryAfter;

    /**
     * @param backend names the backend for logs and messages, e.g. {@code user directory} or
     *     {@code ldap://dc1:389}
     * @param message what could not be done, e.g. {@code cannot find user by id}
     */
    public BackendUnavailableException(String backend, String message, Throwable cause) {
        this(backend, message, DEFAULT_RETRY_AFTER, cause);
    }

    /** As {@link #BackendUnavailableException(String, String, Throwable)}, with a retry hint. */
    public BackendUnavailableException(String backend, String message, Duration retryAfter, Throwable cause) {
        super(Objects.requireNonNull(backend, "backend") + ": " + Objects.requireNonNull(message, "message"), cause);
        this.backend = backend;
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** The backend that did not answer. */
    public String backend() {
        return backend;
    }

    /** How long a caller should wait before retrying. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** This outage as a realm's verdict. */
    public AuthenticationResult.Unavailable toResult() {
        return new AuthenticationResult.Unavailable(backend, retryAfter);
    }
}
