package dev.gatehouse.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** The engine's answer for one request: let it through as someone, as no one, or refuse it. */
public sealed interface Decision {

    /** Let the request through as {@code identity}. */
    record Authenticated(Identity identity) implements Decision {
        public Authenticated {
            Objects.requireNonNull(identity, "identity");
        }
    }

    /** Let the request through without an identity ({@link AuthenticationMode#OPTIONAL} only). */
    record Anonymous() implements Decision {}

    /**
     * Refuse the request.
     *
     * @param status 400 (the request carries more than one credential), 401, 429 or 503
     * @param message safe to send to the client; never contains a credential
     * @param retryAfter for 429 and 503, when to try again
     */
    record Refused(int status, String message, Optional<Duration> retryAfter) implements Decision {
        public Refused {
            if (status != 400 && status != 401 && status != 429 && status != 503) {
                throw new IllegalArgumentException("status must be 400, 401, 429 or 503, was " + status);
            }
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }
}
