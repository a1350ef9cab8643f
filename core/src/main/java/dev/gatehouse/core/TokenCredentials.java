package dev.gatehouse.core;

import java.util.Objects;

/**
 * An opaque token (an API key, a session token, a bearer token). {@code toString()} shows only
 * the token's length.
 */
public record TokenCredentials(String token) implements Credentials {

    public TokenCredentials {
        Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
        return "TokenCredentials[" + token.length() + " characters, redacted]";
    }
}
