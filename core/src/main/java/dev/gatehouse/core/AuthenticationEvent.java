package dev.gatehouse.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What happened to one authentication attempt, for audit. Events carry the claimed username and
 * the client address, never a credential.
 */
public sealed interface AuthenticationEvent {

    Instant at();

    /** The client address as the container reports it. */
    String remoteAddress();

    /** A caller was authenticated. */
    record Succeeded(Instant at, String remoteAddress, Identity identity) implements AuthenticationEvent {
        public Succeeded {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(remoteAddress, "remoteAddress");
            Objects.requireNonNull(identity, "identity");
        }
    }

    /**
     * Credentials were presented and refused.
     *
     * @param realm the realm whose verdict decided, if one did
     * @param username the username claimed, if the credentials name one
     * @param reason the internal reason (never the credential)
     */
    record Failed(Instant at, String remoteAddress, Optional<String> realm, Optional<String> username, String reason)
            implements AuthenticationEvent {
        public Failed {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(remoteAddress, "remoteAddress");
            Objects.requireNonNull(realm, "realm");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** An attempt was refused without verification because of earlier failures. */
    record Throttled(Instant at, String remoteAddress, Optional<String> username, Duration retryAfter)
            implements AuthenticationEvent {
        public Throttled {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(remoteAddress, "remoteAddress");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }
}
