package dev.gatehouse.core;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The kind of account a user has: {@link #LOCAL}, {@link #LDAP}, {@link #SSO}, or one a plugin
 * defines with {@link #of(String)}. Names are upper-case letters, digits and {@code _}.
 */
public record UserType(String name) {

    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,31}");

    /** A user that exists only in the user directory (API keys, session tokens). */
    public static final UserType LOCAL = new UserType("LOCAL");
    /** A user from an LDAP or Active Directory server. */
    public static final UserType LDAP = new UserType("LDAP");
    /** A user from a single-sign-on provider. */
    public static final UserType SSO = new UserType("SSO");

    public UserType {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "user type must match " + NAME.pattern() + " (upper case), was: " + name);
        }
    }

    /**
     * The type named {@code name}, case-insensitively.
     *
     * @throws IllegalArgumentException if the name is not a valid type name
     */
    public static UserType of(String name) {
        return new UserType(name.toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return name;
    }
}
