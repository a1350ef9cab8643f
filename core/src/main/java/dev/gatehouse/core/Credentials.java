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
     * The username these credentials claim, if they name one. The engine throttles failures per
     * username where there is one, and per client address otherwise.
     */
    default Optional<String> username() {
        return Optional.empty();
    }
}
