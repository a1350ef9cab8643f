package dev.gatehouse.core.internal;

import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.jdbc.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * See {@link UserDirectory#jdbc(DataSource, Clock)}. Thread-safe; every call takes a connection
 * from the data source and returns it. A database that does not answer surfaces as
 * {@link dev.gatehouse.core.BackendUnavailableException}, naming the operation; a duplicate user as
 * {@link UserDirectory.DuplicateUserException}.
 */
public final class JdbcUserDirectory implements UserDirectory {

    /**
     * A user with one row per role granted in Gatehouse, directory role and group (kind
     * {@code local}, {@code role}, {@code group}), or one row with a null kind for a user with none.
     */
    private static final String SELECT = "SELECT u.id, u.username, u.domain, u.user_type, u.display_name, u.email, "
            + "u.disabled, u.created_at, u.last_login_at, m.kind, m.name FROM gh_users u "
            + "LEFT JOIN (SELECT user_id, 'local' AS kind, role AS name FROM gh_user_roles "
            + "UNION ALL SELECT user_id, kind, name FROM gh_user_directory_memberships) m ON m.user_id = u.id ";

    private static final String BACKEND = "user directory";

    private final DataSource dataSource;
    private final Clock clock;
    private final UserChangeListeners listeners = new UserChangeListeners();

    public JdbcUserDirectory(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<User> findById(UUID id) {
        return query("find user by id", SELECT + "WHERE u.id = ?", ps -> ps.setObject(1, id)).stream().findFirst();
    }

    @Override
    public Optional<User> findByUsername(String username, Optional<String> domain) {
        String u;
        String d;
        try {
            u = NewUser.normaliseName("username", username);
            d = domain.map(x -> NewUser.normaliseName("domain", x)).orElse("");
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return query("find user by name", SELECT + "WHERE u.username = ? AND u.domain = ?", ps -> {
            ps.setString(1, u);
            ps.setString(2, d);
        }).stream().findFirst();
    }

    @Override
    public User create(NewUser user) {
        try {
            return insert(user);
        } catch (Jdbc.ConstraintViolation e) {
            if (e.isUniqueViolation()) {
                throw new DuplicateUserException(user.username(), user.domain());
            }
            throw e;
        }
    }

    @Override
    public User findOrCreate(NewUser user) {
        Optional<User> existing = findByUsername(user.username(), user.domain());
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            return insert(user);
        } catch (Jdbc.ConstraintViolation e) {
            if (e.isUniqueViolation()) {
                // Another thread or node created it first: theirs is the one record.
                return findByUsername(user.username(), user.domain()).orElseThrow(() ->
                        new IllegalStateException("user " + user.username() + " was created concurrently and then deleted"));
            }
            throw e;
        }
    }

    private User insert(NewUser user) {
        User created = new User(UUID.randomUUID(), user.username(), user.domain(), user.type(), user.displayName(),
                user.email(), user.roles(), false, clock.instant(), Optional.empty());
        return Jdbc.inTransaction(dataSource, BACKEND, "create user", c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO gh_users (id, username, domain, user_type, "
                        + "display_name, email, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, FALSE, ?)")) {
                    ps.setObject(1, created.id());
                    ps.setString(2, created.username());
                    ps.setString(3, created.domain().orElse(""));
                    ps.setString(4, created.type().name());
                    ps.setString(5, created.displayName().orElse(null));
                    ps.setString(6, created.email().orElse(null));
                    ps.setObject(7, OffsetDateTime.ofInstant(created.createdAt(), ZoneOffset.UTC));
                    ps.executeUpdate();
                }
                insertRoles(c, created.id(), created.roles());
                return created;
        });
    }

    private static void insertRoles(Connection c, UUID id, Set<String> roles) throws SQLException {
        if (roles.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO gh_user_roles (user_id, role) VALUES (?, ?)")) {
            for (String role : roles) {
                ps.setObject(1, id);
                ps.setString(2, role);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public boolean updateProfile(UUID id, Optional<String> displayName, Optional<String> email) {
        return changed(id, update("update user profile", "UPDATE gh_users SET display_name = ?, email = ? WHERE id = ?", ps -> {
            ps.setString(1, displayName.orElse(null));
            ps.setString(2, email.orElse(null));
            ps.setObject(3, id);
        }));
    }

    @Override
    public boolean setRoles(UUID id, Set<String> roles) {
        Set<String> copy = Set.copyOf(roles);
        return changed(id, Jdbc.inTransaction(dataSource, BACKEND, "set user roles", c -> {
                if (!lock(c, id)) {
                    return false;
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM gh_user_roles WHERE user_id = ?")) {
                    ps.setObject(1, id);
                    ps.executeUpdate();
                }
                insertRoles(c, id, copy);
                return true;
        }));
    }

    @Override
    public boolean setDirectoryMemberships(UUID id, Set<String> directoryRoles, Set<String> groups) {
        Set<String> r = Set.copyOf(directoryRoles);
        Set<String> g = Set.copyOf(groups);
        return changed(id, Jdbc.inTransaction(dataSource, BACKEND, "set directory memberships", c -> {
                if (!lock(c, id)) {
                    return false;
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM gh_user_directory_memberships WHERE user_id = ?")) {
                    ps.setObject(1, id);
                    ps.executeUpdate();
                }
                if (!r.isEmpty() || !g.isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO gh_user_directory_memberships (user_id, kind, name) VALUES (?, ?, ?)")) {
                        for (String role : r) {
                            ps.setObject(1, id);
                            ps.setString(2, "role");
                            ps.setString(3, role);
                            ps.addBatch();
                        }
                        for (String group : g) {
                            ps.setObject(1, id);
                            ps.setString(2, "group");
                            ps.setString(3, group);
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                }
                return true;
        }));
    }

    /** Locks the user's row for the transaction; false if there is none. */
    private static boolean lock(Connection c, UUID id) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT id FROM gh_users WHERE id = ? FOR UPDATE")) {
            lock.setObject(1, id);
            try (ResultSet rs = lock.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public void addChangeListener(java.util.function.Consumer<UUID> listener) {
        listeners.add(listener);
    }

    private boolean changed(UUID id, boolean changed) {
        if (changed) {
            listeners.changed(id);
        }
        return changed;
    }

    @Override
    public boolean setDisabled(UUID id, boolean disabled) {
        return changed(id, update("disable user", "UPDATE gh_users SET disabled = ? WHERE id = ?", ps -> {
            ps.setBoolean(1, disabled);
            ps.setObject(2, id);
        }));
    }

    @Override
    public boolean recordLogin(UUID id, Instant at) {
        return update("record login", "UPDATE gh_users SET last_login_at = ? WHERE id = ?", ps -> {
            ps.setObject(1, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            ps.setObject(2, id);
        });
    }

    @Override
    public boolean delete(UUID id) {
        return changed(id, update("delete user", "DELETE FROM gh_users WHERE id = ?", ps -> ps.setObject(1, id)));
    }

    @Override
    public List<User> list(int offset, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        // Page over users first, then join roles, so that a user's roles never straddle a page.
        String sql = SELECT + "WHERE u.id IN (SELECT id FROM gh_users ORDER BY username, domain LIMIT ? OFFSET ?) "
                + "ORDER BY u.username, u.domain";
        return query("list users", sql, ps -> {
            ps.setInt(1, limit);
            ps.setInt(2, Math.max(0, offset));
        });
    }

    private record Memberships(Set<String> local, Set<String> directory, Set<String> groups) {}

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private boolean update(String what, String sql, Binder binder) {
        return Jdbc.withConnection(dataSource, BACKEND, what, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                return ps.executeUpdate() > 0;
            }
        });
    }

    private List<User> query(String what, String sql, Binder binder) {
        return Jdbc.withConnection(dataSource, BACKEND, what, c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                Map<UUID, User> users = new LinkedHashMap<>();
                Map<UUID, Memberships> memberships = new LinkedHashMap<>();
                while (rs.next()) {
                    UUID id = rs.getObject("id", UUID.class);
                    if (!users.containsKey(id)) {
                        users.put(id, row(rs, id));
                        memberships.put(id, new Memberships(new HashSet<>(), new HashSet<>(), new HashSet<>()));
                    }
                    String kind = rs.getString("kind");
                    if (kind != null) {
                        Memberships m = memberships.get(id);
                        (switch (kind) {
                            case "local" -> m.local;
                            case "role" -> m.directory;
                            default -> m.groups;
                        }).add(rs.getString("name"));
                    }
                }
                List<User> out = new ArrayList<>(users.size());
                for (User u : users.values()) {
                    Memberships m = memberships.get(u.id());
                    out.add(new User(u.id(), u.username(), u.domain(), u.type(), u.displayName(), u.email(),
                            m.local, u.disabled(), u.createdAt(), u.lastLoginAt(), m.directory, m.groups));
                }
                return out;
            }
          }
        });
    }

    private static User row(ResultSet rs, UUID id) throws SQLException {
        String domain = rs.getString("domain");
        OffsetDateTime lastLogin = rs.getObject("last_login_at", OffsetDateTime.class);
        return new User(id, rs.getString("username"),
                domain == null || domain.isEmpty() ? Optional.empty() : Optional.of(domain),
                new UserType(rs.getString("user_type")),
                Optional.ofNullable(rs.getString("display_name")),
                Optional.ofNullable(rs.getString("email")),
                Set.of(),
                rs.getBoolean("disabled"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                Optional.ofNullable(lastLogin).map(OffsetDateTime::toInstant));
    }
}
