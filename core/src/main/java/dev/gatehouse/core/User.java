package dev.gatehouse.core;

import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A user record in the {@link UserDirectory}. Username and domain are stored lower-case and are
 * unique together.
 *
 * <p>A user's roles come from two places, kept apart so that neither overwrites the other:
 * {@code roles}, granted in Gatehouse (by an admin, through the user endpoint), and
 * {@code directoryRoles}, derived from an external directory's groups (LDAP's role mapping),
 * replaced at each login through that directory and by its synchroniser. {@link #allRoles()} is
 * their union, and {@link Identity#of(User, String)} is the one place that turns a record into
 * the roles of an identity, for every kind of credential.
 *
 * @param roles roles granted in Gatehouse
 * @param disabled a disabled user is refused after its credentials check out
 * @param directoryRoles roles derived from the external directory, as last read from it
 * @param groups the external directory's groups the user was in (their DNs), as last read
 */
public record User(
        UUID id,
        String username,
        Optional<String> domain,
        UserType type,
        Optional<String> displayName,
        Optional<String> email,
        Set<String> roles,
        boolean disabled,
        Instant createdAt,
        Optional<Instant> lastLoginAt,
        Set<String> directoryRoles,
        Set<String> groups) {

    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(email, "email");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastLoginAt, "lastLoginAt");
        directoryRoles = Set.copyOf(directoryRoles);
        groups = Set.copyOf(groups);
    }

    /** A record with no roles or groups from an external directory. */
    public User(UUID id, String username, Optional<String> domain, UserType type, Optional<String> displayName,
            Optional<String> email, Set<String> roles, boolean disabled, Instant createdAt,
            Optional<Instant> lastLoginAt) {
        this(id, username, domain, type, displayName, email, roles, disabled, createdAt, lastLoginAt, Set.of(), Set.of());
    }

    /** The roles granted in Gatehouse and those derived from the directory, together. */
    public Set<String> allRoles() {
        if (directoryRoles.isEmpty()) {
            return roles;
        }
        if (roles.isEmpty()) {
            return directoryRoles;
        }
        Set<String> all = new HashSet<>(roles);
        all.addAll(directoryRoles);
        return Set.copyOf(all);
    }

    /** This record with other directory roles and groups. */
    public User withDirectoryMemberships(Set<String> directoryRoles, Set<String> groups) {
        return new User(id, username, domain, type, displayName, email, roles, disabled, createdAt, lastLoginAt,
                directoryRoles, groups);
    }

    /** This record with another last login time. */
    public User withLastLoginAt(Instant at) {
        return new User(id, username, domain, type, displayName, email, roles, disabled, createdAt, Optional.of(at),
                directoryRoles, groups);
    }
}
