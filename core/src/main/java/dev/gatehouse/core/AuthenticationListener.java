package dev.gatehouse.core;

import dev.gatehouse.core.internal.LoggingAuthenticationListener;

/**
 * Receives every authentication event, for audit. Called on the request thread: keep it fast and
 * hand slow work (a remote audit log) to another thread. An exception thrown here is logged and
 * does not change the outcome. Implementations are thread-safe.
 */
@FunctionalInterface
public interface AuthenticationListener {

    void on(AuthenticationEvent event);

    /**
     * Whether this listener wants {@link AuthenticationEvent.Succeeded} events right now. Every
     * authenticated request would create one; a listener that discards them says so here, and the
     * engine then does not build them (about a tenth of a cached authentication's cost). Failures
     * and throttling are always delivered. Defaults to {@code true}.
     */
    default boolean receivesSuccesses() {
        return true;
    }

    /**
     * Whether this listener wants {@link AuthenticationEvent.Succeeded} events of the realm named
     * {@code realm} right now; the engine asks this one. An audit trail that records password
     * logins but not every API-key request says so here, so that the API-key hot path builds no
     * event. Defaults to {@link #receivesSuccesses()}.
     */
    default boolean receivesSuccesses(String realm) {
        return receivesSuccesses();
    }

    /**
     * The default listener: logs through SLF4J under {@code dev.gatehouse.audit}; successes at
     * DEBUG, failures and throttling at INFO. It logs usernames, realms, addresses and reasons,
     * never a credential.
     */
    static AuthenticationListener logging() {
        return LoggingAuthenticationListener.INSTANCE;
    }
}
