package dev.gatehouse.core;

import dev.gatehouse.core.internal.AuthorizationParser;
import java.util.List;
import java.util.Objects;

/**
 * The {@code Authorization} header of a request, parsed strictly and once (RFC 9110 section
 * 11.6.2). Anything that is not exactly one of the accepted shapes is {@link Malformed}, which the
 * engine answers with a 401 that names the problem, before any realm is asked.
 *
 * <ul>
 *   <li>{@link Basic}: {@code Basic base64(username:password)} (RFC 7617, UTF-8);
 *   <li>{@link Bearer}: {@code Bearer token} (RFC 6750 section 2.1, token68 characters);
 *   <li>{@link Bare}: a single token68 value without a scheme, as Concord clients send API keys;
 *   <li>{@link Other}: any other scheme with its parameters, for plugin realms;
 *   <li>{@link Absent}: no header at all.
 * </ul>
 */
public sealed interface AuthorizationHeader {

    /** Longer values are refused: no credential Gatehouse knows needs more. */
    int MAX_LENGTH = 8192;

    /** No {@code Authorization} header. */
    record Absent() implements AuthorizationHeader {}

    /** The one {@link Absent} value. */
    Absent ABSENT = new Absent();

    /** HTTP Basic credentials. {@code toString()} hides the password. */
    record Basic(String username, Password password) implements AuthorizationHeader {
        public Basic {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        /** The same username and password as {@link Credentials}. */
        public UsernamePassword credentials() {
            return new UsernamePassword(username, password);
        }

        @Override
        public String toString() {
            return "Basic[username=" + username + ", password=<redacted>]";
        }
    }

    /** {@code Bearer <token>}. */
    record Bearer(String token) implements AuthorizationHeader {
        public Bearer {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String toString() {
            return "Bearer[" + token.length() + " characters, redacted]";
        }
    }

    /** A lone token without a scheme. */
    record Bare(String token) implements AuthorizationHeader {
        public Bare {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String toString() {
            return "Bare[" + token.length() + " characters, redacted]";
        }
    }

    /** A scheme this class does not interpret, with its raw parameters. */
    record Other(String scheme, String parameters) implements AuthorizationHeader {
        public Other {
            Objects.requireNonNull(scheme, "scheme");
            Objects.requireNonNull(parameters, "parameters");
        }

        @Override
        public String toString() {
            return "Other[scheme=" + scheme + ", parameters redacted]";
        }
    }

    /**
     * A header that is present but unusable.
     *
     * @param problem safe to send to the client: it never repeats the header's value
     */
    record Malformed(String problem) implements AuthorizationHeader {
        public Malformed {
            Objects.requireNonNull(problem, "problem");
        }
    }

    /**
     * Parses every value of the {@code Authorization} header of one request. Never throws.
     *
     * @param values the header's values in order; more than one is {@link Malformed}
     */
    static AuthorizationHeader parse(List<String> values) {
        return AuthorizationParser.parse(values);
    }
}
