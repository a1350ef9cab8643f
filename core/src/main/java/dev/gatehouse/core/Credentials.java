package dev.gatehouse.core;

import java.util.Optional;

/**
 * Credentials that a {@link Realm} read from a request and will verify. Realms may define their
 * own; Gatehouse ships {@link UsernamePassword} and {@link TokenCredentials}.
 *
 * <p>Implementations must not reveal the secret part in {@code toString()}.
 */
public interface Credentials {

    /**
     * The username these credentials claim, if they name one. The engine counts failures against
     * it, reduced by {@link Login#parse} (so every spelling of one login counts once), and refuses
     * a username longer than {@link Login#MAX_LENGTH} without asking the realm; credentials that
     * name no username are counted per client address. See {@link Throttling}.
     */
    default Optional<String> username() {
        return Optional.empty();
    }
}
