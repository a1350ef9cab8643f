package dev.gatehouse.core;

import dev.gatehouse.core.internal.InMemoryUserDirectory;
import dev.gatehouse.core.internal.JdbcUserDirectory;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The user records: who exists, of which type, with which roles, and whether they are disabled.
 * Realms reach it through {@link RealmContext#users()} (usually via {@link Accounts}); a host's
 * user endpoint calls it directly. Implementations are thread-safe.
 *
 * <p>Usernames and domains are case-insensitive: they are stored and compared in lower case.
 */
public interface UserDirectory {

    Optional<User> findById(UUID id);

    /** The user named {@code username} in {@code domain} (empty for none), case-insensitively. */
    Optional<User> findByUsername(String username, Optional<String> domain);

    /**
     * Creates the user.
     *
     * @throws DuplicateUserException if a user with that username and domain exists
     */
    User create(NewUser user);

    /**
     * Returns the user with the username and domain of {@code user}, creating it from
     * {@code user} if there is none. Concurrent calls for one user, on one node or several
     * sharing a database, create exactly one record.
     */
    User findOrCreate(NewUser user);

    /** Sets display name and email; returns false if there is no such user. */
    boolean updateProfile(UUID id, Optional<String> displayName, Optional<String> email);

    /**
     * Replaces the roles granted in Gatehouse ({@link User#roles()}); leaves the directory-derived
     * ones alone. Returns false if there is no such user.
     */
    boolean setRoles(UUID id, java.util.Set<String> roles);

    /**
     * Replaces the roles and groups derived from an external directory ({@link User#directoryRoles()},
     * {@link User#groups()}), as a directory login or synchroniser read them; leaves the roles
     * granted in Gatehouse alone. Returns false if there is no such user.
     */
    boolean setDirectoryMemberships(UUID id, java.util.Set<String> directoryRoles, java.util.Set<String> groups);

    /** Disables or enables the user; returns false if there is no such user. */
    boolean setDisabled(UUID id, boolean disabled);

    /** Records a successful login; returns false if there is no such user. */
    boolean recordLogin(UUID id, Instant at);

    /** Deletes the user; returns false if there was none. */
    boolean delete(UUID id);

    /**
     * Asks to hear of every change this directory object makes to a user (profile, roles, directory
     * memberships, disabled, deleted; not login times), after it is made, with the user's id.
     * {@link Accounts} and the built-in realms listen, so that a change made on this node reaches
     * their caches at once; a change made on another node sharing the database reaches them
     * within their revocation bound. The built-in directories notify; the default does nothing,
     * so a directory that cannot notify leaves caches to their bound.
     */
    default void addChangeListener(java.util.function.Consumer<UUID> listener) {
    }

    /** Users ordered by username then domain, {@code limit} at most, starting at {@code offset}. */
    List<User> list(int offset, int limit);

    /** A directory that lives in this JVM only: for tests, demos and single-node hosts. */
    static UserDirectory inMemory(Clock clock) {
        return new InMemoryUserDirectory(clock);
    }

    /**
     * A directory in a relational database (H2 or PostgreSQL). The tables must exist: apply
     * {@code SchemaMigrations.apply(dataSource, "core")} once, or run the
     * scripts under {@code META-INF/gatehouse/core/schema/} with the host's own migration tool.
     */
    static UserDirectory jdbc(DataSource dataSource, Clock clock) {
        return new JdbcUserDirectory(dataSource, clock);
    }

    /** Thrown by {@link #create(NewUser)} when the username is taken in that domain. */
    final class DuplicateUserException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public DuplicateUserException(String username, Optional<String> domain) {
            super("User already exists: " + username + domain.map(d -> "@" + d).orElse(""));
        }
    }
}
