package dev.gatehouse.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What happened to one authentication attempt, for audit. Events carry the claimed username and
 * the client address, never a credential: a claimed username that has the shape of a credential
 * (an API key sent as a Basic username, say) arrives already redacted by {@link LogSafe#login}.
 * The username and the address are still chosen by the caller: a listener that logs them passes
 * them through {@link LogSafe#quote}, as the default listener does.
 */
public sealed interface AuthenticationEvent {

    Instant at();

    /**
     * The client's address: the container-reported peer, or what a {@link TrustedProxies trusted
     * proxy} reported.
     */
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
     * @param username the username claimed, if the credentials name one; redacted if it has the
     *     shape of a credential
     * @param reason the internal reason (never the credential); may quote what the caller sent, so
     *     log it through {@link LogSafe#text}
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
