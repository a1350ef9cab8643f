package dev.gatehouse.core;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a realm learnt about a user whose credentials an external system (LDAP, an identity
 * provider) has just confirmed. {@link Accounts#signIn} turns it into a user record and an
 * {@link Identity}.
 *
 * @param roles roles granted by the external system for this login (say, from LDAP groups); they
 *     are added to the identity, not stored in the user record
 * @param attributes attributes copied into the identity
 */
public record ExternalUser(
        String username,
        Optional<String> domain,
        UserType type,
        Optional<String> displayName,
        Optional<String> email,
        Set<String> roles,
        Map<String, String> attributes) {

    public ExternalUser {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(email, "email");
        roles = Set.copyOf(roles);
        attributes = Map.copyOf(attributes);
    }

    /** A user named {@code username} of {@code type} with nothing else known. */
    public static ExternalUser of(String username, UserType type) {
        return new ExternalUser(username, Optional.empty(), type, Optional.empty(), Optional.empty(), Set.of(), Map.of());
    }

    public ExternalUser withDomain(String domain) {
        return new ExternalUser(username, Optional.ofNullable(domain), type, displayName, email, roles, attributes);
    }

    public ExternalUser withDisplayName(String displayName) {
        return new ExternalUser(username, domain, type, Optional.ofNullable(displayName), email, roles, attributes);
    }

    public ExternalUser withEmail(String email) {
        return new ExternalUser(username, domain, type, displayName, Optional.ofNullable(email), roles, attributes);
    }

    public ExternalUser withRoles(Set<String> roles) {
        return new ExternalUser(username, domain, type, displayName, email, roles, attributes);
    }

    public ExternalUser withAttributes(Map<String, String> attributes) {
        return new ExternalUser(username, domain, type, displayName, email, roles, attributes);
    }
}
