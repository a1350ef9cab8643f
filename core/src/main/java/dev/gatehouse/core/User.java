package dev.gatehouse.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A user record in the {@link UserDirectory}. Username and domain are stored lower-case and are
 * unique together.
 *
 * @param roles roles granted in the directory itself (realms may add more per login)
 * @param disabled a disabled user is refused after its credentials check out
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
        Optional<Instant> lastLoginAt) {

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
    }
}
