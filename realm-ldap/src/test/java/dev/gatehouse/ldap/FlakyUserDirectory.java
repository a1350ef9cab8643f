package dev.gatehouse.ldap;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A real in-memory user directory that a test can take "down": while it is down every call throws
 * {@link BackendUnavailableException}, as the JDBC directory does when its database does not
 * answer. Thread-safe.
 */
final class FlakyUserDirectory implements UserDirectory {

    private final UserDirectory delegate;
    volatile boolean down;

    FlakyUserDirectory(UserDirectory delegate) {
        this.delegate = delegate;
    }

    private void check() {
        if (down) {
            throw new BackendUnavailableException("user directory", "cannot reach the database (test)", null);
        }
    }

    @Override
    public Optional<User> findById(UUID id) {
        check();
        return delegate.findById(id);
    }

    @Override
    public Optional<User> findByUsername(String username, Optional<String> domain) {
        check();
        return delegate.findByUsername(username, domain);
    }

    @Override
    public User create(NewUser user) {
        check();
        return delegate.create(user);
    }

    @Override
    public User findOrCreate(NewUser user) {
        check();
        return delegate.findOrCreate(user);
    }

    @Override
    public boolean updateProfile(UUID id, Optional<String> displayName, Optional<String> email) {
        check();
        return delegate.updateProfile(id, displayName, email);
    }

    @Override
    public boolean setRoles(UUID id, Set<String> roles) {
        check();
        return delegate.setRoles(id, roles);
    }

    @Override
    public boolean setDirectoryMemberships(UUID id, Set<String> directoryRoles, Set<String> groups) {
        check();
        return delegate.setDirectoryMemberships(id, directoryRoles, groups);
    }

    @Override
    public void addChangeListener(java.util.function.Consumer<UUID> listener) {
        delegate.addChangeListener(listener);
    }

    @Override
    public boolean setDisabled(UUID id, boolean disabled) {
        check();
        return delegate.setDisabled(id, disabled);
    }

    @Override
    public boolean recordLogin(UUID id, Instant at) {
        check();
        return delegate.recordLogin(id, at);
    }

    @Override
    public boolean delete(UUID id) {
        check();
        return delegate.delete(id);
    }

    @Override
    public List<User> list(int offset, int limit) {
        check();
        return delegate.list(offset, limit);
    }
}
