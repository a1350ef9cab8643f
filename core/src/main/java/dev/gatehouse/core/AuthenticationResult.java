package dev.gatehouse.core;

import java.time.Duration;
import java.util.Objects;

/**
 * A realm's verdict on credentials it was asked to verify. Never {@code null}; an ordinary wrong
 * password is a {@link Rejected}, not an exception.
 *
 * <p>The engine maps each outcome to HTTP: {@link Authenticated} lets the request through,
 * {@link Rejected} becomes a 401, {@link Unavailable} a 503, and {@link NotMine} asks the next
 * realm.
 */
public sealed interface AuthenticationResult {

    /** The credentials checked out; {@code identity} is who is calling. */
    record Authenticated(Identity identity) implements AuthenticationResult {
        public Authenticated {
            Objects.requireNonNull(identity, "identity");
        }
    }

    /**
     * The credentials are wrong, expired, revoked or belong to a disabled user.
     *
     * @param reason what went wrong, for the audit log only: never sent to the client, never
     *     containing the credential itself
     * @param clientMessage what the client is told; the same for every reason that must not be
     *     told apart (unknown, revoked, expired), so that the response is not an oracle
     * @param conclusive whether the request is refused at once, without asking the realms after
     *     this one about other credentials it carries. A realm whose credentials take precedence
     *     (an API key over a session token, as in Concord) rejects conclusively, so that a bad key
     *     is never rescued by another credential on the same request.
     */
    record Rejected(String reason, String clientMessage, boolean conclusive) implements AuthenticationResult {
        /** The message clients get unless a realm has a more specific, non-revealing one. */
        public static final String INVALID_CREDENTIALS = "Invalid credentials";

        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(clientMessage, "clientMessage");
        }

        /** A rejection after which later realms may still authenticate the request. */
        public Rejected(String reason, String clientMessage) {
            this(reason, clientMessage, false);
        }

        /** A rejection whose client message is the generic {@value #INVALID_CREDENTIALS}. */
        public static Rejected because(String reason) {
            return new Rejected(reason, INVALID_CREDENTIALS, false);
        }

        /** A {@link #conclusive()} rejection with the generic {@value #INVALID_CREDENTIALS}. */
        public static Rejected conclusively(String reason) {
            return new Rejected(reason, INVALID_CREDENTIALS, true);
        }
    }

    /**
     * The backend that would verify the credentials did not answer (directory down, database
     * timeout). The engine answers 503 with {@code Retry-After}, unless another realm
     * authenticates the request.
     *
     * @param backend names the backend for the log, e.g. {@code ldap://dc1:389}
     */
    record Unavailable(String backend, Duration retryAfter) implements AuthenticationResult {
        public Unavailable {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(retryAfter, "retryAfter");
            if (retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
            }
        }
    }

    /**
     * On closer inspection the credentials are not this realm's (say, a bearer token of another
     * format). The engine asks the next realm; credentials that no realm takes are still a 401.
     */
    record NotMine() implements AuthenticationResult {
        private static final NotMine INSTANCE = new NotMine();

        /** The shared instance. */
        public static NotMine instance() {
            return INSTANCE;
        }
    }
}
