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
 * @param roles roles the external system grants (say, mapped from LDAP groups); stored as the
 *     record's {@link User#directoryRoles()}, replacing those of the last login, and never touching
 *     the roles granted in Gatehouse
 * @param attributes attributes copied into the identity
 * @param groups the external system's groups the user is in (DNs), stored as {@link User#groups()}
 */
public record ExternalUser(
        String username,
        Optional<String> domain,
        UserType type,
        Optional<String> displayName,
        Optional<String> email,
        Set<String> roles,
        Map<String, String> attributes,
        Set<String> groups) {

    public ExternalUser {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(email, "email");
        roles = Set.copyOf(roles);
        attributes = Map.copyOf(attributes);
        groups = Set.copyOf(groups);
    }

    /** A user named {@code username} of {@code type} with nothing else known. */
    public static ExternalUser of(String username, UserType type) {
        return new ExternalUser(username, Optional.empty(), type, Optional.empty(), Optional.empty(), Set.of(), Map.of(), Set.of());
    }

    public ExternalUser withDomain(String domain) {
        return new ExternalUser(username, Optional.ofNullable(domain), type, displayName, email, roles, attributes, groups);
    }

    public ExternalUser withDisplayName(String displayName) {
        return new ExternalUser(username, domain, type, Optional.ofNullable(displayName), email, roles, attributes, groups);
    }

    public ExternalUser withEmail(String email) {
        return new ExternalUser(username, domain, type, displayName, Optional.ofNullable(email), roles, attributes, groups);
    }

    public ExternalUser withRoles(Set<String> roles) {
        return new ExternalUser(username, domain, type, displayName, email, roles, attributes, groups);
    }

    public ExternalUser withAttributes(Map<String, String> attributes) {
        return new ExternalUser(username, domain, type, displayName, email, roles, attributes, groups);
    }

    public ExternalUser withGroups(Set<String> groups) {
        return new ExternalUser(username, domain, type, displayName, email, roles, attributes, groups);
    }
}
