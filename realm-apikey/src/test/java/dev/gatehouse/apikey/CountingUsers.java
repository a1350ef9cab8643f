package dev.gatehouse.apikey;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts user lookups by id, the user-directory round trip the cache must avoid; can be switched to
 * fail lookups by id like a directory whose database is down.
 */
final class CountingUsers implements UserDirectory {

    final UserDirectory delegate;
    final AtomicInteger findById = new AtomicInteger();
    volatile boolean down;

    CountingUsers(UserDirectory delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<User> findById(UUID id) {
        findById.incrementAndGet();
        if (down) {
            throw new BackendUnavailableException("test user directory", "directory is down", null);
        }
        return delegate.findById(id);
    }

    @Override
    public Optional<User> findByUsername(String username, Optional<String> domain) {
        return delegate.findByUsername(username, domain);
    }

    @Override
    public User create(NewUser user) {
        return delegate.create(user);
    }

    @Override
    public User findOrCreate(NewUser user) {
        return delegate.findOrCreate(user);
    }

    @Override
    public boolean updateProfile(UUID id, Optional<String> displayName, Optional<String> email) {
        return delegate.updateProfile(id, displayName, email);
    }

    @Override
    public boolean setRoles(UUID id, Set<String> roles) {
        return delegate.setRoles(id, roles);
    }

    @Override
    public boolean setDirectoryMemberships(UUID id, Set<String> directoryRoles, Set<String> groups) {
        return delegate.setDirectoryMemberships(id, directoryRoles, groups);
    }

    @Override
    public void addChangeListener(java.util.function.Consumer<UUID> listener) {
        delegate.addChangeListener(listener);
    }

    @Override
    public boolean setDisabled(UUID id, boolean disabled) {
        return delegate.setDisabled(id, disabled);
    }

    @Override
    public boolean recordLogin(UUID id, Instant at) {
        return delegate.recordLogin(id, at);
    }

    @Override
    public boolean delete(UUID id) {
        return delegate.delete(id);
    }

    @Override
    public List<User> list(int offset, int limit) {
        return delegate.list(offset, limit);
    }
}
