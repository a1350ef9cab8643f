package dev.gatehouse.session.internal;

import dev.gatehouse.core.Credentials;
import java.util.Objects;

/**
 * A session token as read from a request, with where it came from. {@code toString()} shows only
 * the token's length.
 *
 * @param token the token as sent; empty if {@link #problem} is set
 * @param fromBasic whether it came as the username of {@code Authorization: Basic} with an empty
 *     password
 * @param problem why the request's session-token header cannot be used (sent twice), or null
 */
record SessionCredentials(String token, boolean fromBasic, String problem) implements Credentials {

    SessionCredentials {
        Objects.requireNonNull(token, "token");
    }

    static SessionCredentials fromHeader(String token) {
        return new SessionCredentials(token, false, null);
    }

    static SessionCredentials fromBasic(String token) {
        return new SessionCredentials(token, true, null);
    }

    static SessionCredentials unusable(String problem) {
        return new SessionCredentials("", false, problem);
    }

    @Override
    public String toString() {
        return "SessionCredentials[" + token.length() + " characters, redacted" + (fromBasic ? ", from Basic" : "") + "]";
    }
}
