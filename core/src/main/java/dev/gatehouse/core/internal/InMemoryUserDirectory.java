package dev.gatehouse.core.internal;

import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** See {@link UserDirectory#inMemory(Clock)}. Thread-safe. */
public final class InMemoryUserDirectory implements UserDirectory {

    private final Clock clock;
    private final ConcurrentHashMap<UUID, User> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, UUID> byName = new ConcurrentHashMap<>();
    private final UserChangeListeners listeners = new UserChangeListeners();

    public InMemoryUserDirectory(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private static String key(String username, Optional<String> domain) {
        return NewUser.normaliseName("username", username) + "\u0000"
                + domain.map(d -> NewUser.normaliseName("domain", d)).orElse("");
    }

    @Override
    public Optional<User> findById(UUID id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public Optional<User> findByUsername(String username, Optional<String> domain) {
        String k;
        try {
            k = key(username, domain);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        UUID id = byName.get(k);
        return id == null ? Optional.empty() : findById(id);
    }

    @Override
    public synchronized User create(NewUser user) {
        String k = key(user.username(), user.domain());
        if (byName.containsKey(k)) {
            throw new DuplicateUserException(user.username(), user.domain());
        }
        return insert(k, user);
    }

    @Override
    public User findOrCreate(NewUser user) {
        Optional<User> existing = findByUsername(user.username(), user.domain());
        if (existing.isPresent()) {
            return existing.get();
        }
        synchronized (this) {
            String k = key(user.username(), user.domain());
            UUID id = byName.get(k);
            return id != null ? byId.get(id) : insert(k, user);
        }
    }

    private User insert(String k, NewUser user) {
        User created = new User(UUID.randomUUID(), user.username(), user.domain(), user.type(), user.displayName(),
                user.email(), user.roles(), false, clock.instant(), Optional.empty());
        byId.put(created.id(), created);
        byName.put(k, created.id());
        return created;
    }

    private boolean update(UUID id, UnaryOperator<User> change) {
        boolean changed = byId.computeIfPresent(id, (k, u) -> change.apply(u)) != null;
        if (changed) {
            listeners.changed(id);
        }
        return changed;
    }

    @Override
    public boolean updateProfile(UUID id, Optional<String> displayName, Optional<String> email) {
        return update(id, u -> new User(u.id(), u.username(), u.domain(), u.type(), displayName, email, u.roles(),
                u.disabled(), u.createdAt(), u.lastLoginAt(), u.directoryRoles(), u.groups()));
    }

    @Override
    public boolean setRoles(UUID id, Set<String> roles) {
        return update(id, u -> new User(u.id(), u.username(), u.domain(), u.type(), u.displayName(), u.email(), roles,
                u.disabled(), u.createdAt(), u.lastLoginAt(), u.directoryRoles(), u.groups()));
    }

    @Override
    public boolean setDisabled(UUID id, boolean disabled) {
        return update(id, u -> new User(u.id(), u.username(), u.domain(), u.type(), u.displayName(), u.email(),
                u.roles(), disabled, u.createdAt(), u.lastLoginAt(), u.directoryRoles(), u.groups()));
    }

    @Override
    public boolean setDirectoryMemberships(UUID id, Set<String> directoryRoles, Set<String> groups) {
        Set<String> r = Set.copyOf(directoryRoles);
        Set<String> g = Set.copyOf(groups);
        return update(id, u -> u.withDirectoryMemberships(r, g));
    }

    @Override
    public void addChangeListener(Consumer<UUID> listener) {
        listeners.add(listener);
    }

    @Override
    public boolean recordLogin(UUID id, Instant at) {
        return byId.computeIfPresent(id, (k, u) -> u.withLastLoginAt(at)) != null; // changes nothing a cache holds
    }

    @Override
    public synchronized boolean delete(UUID id) {
        User removed = byId.remove(id);
        if (removed == null) {
            return false;
        }
        byName.remove(key(removed.username(), removed.domain()));
        listeners.changed(id);
        return true;
    }

    @Override
    public List<User> list(int offset, int limit) {
        return byId.values().stream()
                .sorted(Comparator.comparing(User::username).thenComparing(u -> u.domain().orElse("")))
                .skip(Math.max(0, offset))
                .limit(Math.max(0, limit))
                .toList();
    }
}
