package dev.gatehouse.core;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The values of a user record about to be created. Username and domain are normalised as
 * {@link Login#normalise(String)} does (strip, NFKC, lower case); a username is 1 to 255
 * characters without control characters.
 */
public record NewUser(
        String username,
        Optional<String> domain,
        UserType type,
        Optional<String> displayName,
        Optional<String> email,
        Set<String> roles) {

    /** Longest username or domain accepted. */
    public static final int MAX_NAME_LENGTH = 255;

    public NewUser {
        username = normaliseName("username", username);
        Objects.requireNonNull(domain, "domain");
        domain = domain.map(d -> normaliseName("domain", d));
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(email, "email");
        roles = Set.copyOf(roles);
    }

    /** A user of {@code type} named {@code username}, with no domain, profile or roles. */
    public static NewUser of(String username, UserType type) {
        return new NewUser(username, Optional.empty(), type, Optional.empty(), Optional.empty(), Set.of());
    }

    public NewUser withDomain(String domain) {
        return new NewUser(username, Optional.ofNullable(domain), type, displayName, email, roles);
    }

    public NewUser withDisplayName(String displayName) {
        return new NewUser(username, domain, type, Optional.ofNullable(displayName), email, roles);
    }

    public NewUser withEmail(String email) {
        return new NewUser(username, domain, type, displayName, Optional.ofNullable(email), roles);
    }

    public NewUser withRoles(Set<String> roles) {
        return new NewUser(username, domain, type, displayName, email, roles);
    }

    /**
     * Normalises and checks a username or domain: {@link Login#normalise(String)} (strip, Unicode
     * NFKC, lower case), the one normalisation the throttle uses too, so that a full-width or
     * padded spelling finds the same record.
     *
     * @throws IllegalArgumentException naming {@code what} if the value is blank, too long or
     *     holds control characters
     */
    public static String normaliseName(String what, String value) {
        Objects.requireNonNull(value, what);
        String v = Login.normalise(value);
        if (v.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (v.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(what + " is longer than " + MAX_NAME_LENGTH + " characters");
        }
        for (int i = 0; i < v.length(); i++) {
            if (Character.isISOControl(v.charAt(i))) {
                throw new IllegalArgumentException(what + " contains a control character");
            }
        }
        return v;
    }
}
