package dev.gatehouse.ldap.internal;

import java.util.Locale;
import java.util.Optional;

/**
 * A login as typed, split into its parts: {@code user}, {@code user@domain} or <code>DOMAIN&#92;user</code>.
 * These are the filter arguments {@code {0}} (as typed), {@code {1}} (user part) and {@code {2}}
 * (domain part, empty when there is none).
 *
 * @param typed the login exactly as the client sent it
 * @param user the part naming the user
 * @param domain the domain, if the login named one
 */
public record LoginName(String typed, String user, Optional<String> domain) {

    /** Longer logins are refused before any directory is asked. */
    public static final int MAX_LENGTH = 256;

    /**
     * Splits {@code typed}.
     *
     * @return empty if the login is blank, too long, holds control characters or has an empty part
     */
    public static Optional<LoginName> parse(String typed) {
        if (typed == null || typed.isBlank() || typed.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        for (int i = 0; i < typed.length(); i++) {
            if (Character.isISOControl(typed.charAt(i))) {
                return Optional.empty();
            }
        }
        String user = typed;
        String domain = null;
        int backslash = typed.indexOf('\\');
        if (backslash >= 0) {
            domain = typed.substring(0, backslash);
            user = typed.substring(backslash + 1);
        } else {
            int at = typed.lastIndexOf('@');
            if (at >= 0) {
                user = typed.substring(0, at);
                domain = typed.substring(at + 1);
            }
        }
        if (user.isBlank() || (domain != null && domain.isBlank())) {
            return Optional.empty();
        }
        return Optional.of(new LoginName(typed, user, Optional.ofNullable(domain)));
    }

    /** The key the cache and the in-flight table use for this login. */
    public String key() {
        return typed.toLowerCase(Locale.ROOT);
    }

    /** The arguments {@code {0}}, {@code {1}}, {@code {2}} of a search filter template. */
    public String[] filterArguments() {
        return new String[] {typed, user, domain.orElse("")};
    }
}
