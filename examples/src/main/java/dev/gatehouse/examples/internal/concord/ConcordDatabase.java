package dev.gatehouse.examples.internal.concord;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A Concord PostgreSQL database, read only: the session is {@code READ ONLY} and never commits. Reads
 * the tables and columns as Concord's Liquibase changelogs ({@code server/db/.../v*.xml}) define them,
 * and the older layouts where a column came later: {@code SECRETS.SECRET_SALT} and
 * {@code HASH_ALGORITHM} (1.98.1), {@code PROJECT_SECRETS} (1.103.0; before, {@code SECRETS.PROJECT_ID}),
 * {@code USERS.DOMAIN} (1.24.0), {@code IS_DISABLED} (1.12.0), {@code USER_EMAIL} (0.79.0). Not thread-safe.
 */
public final class ConcordDatabase implements AutoCloseable {

    record User(UUID id, String username, Optional<String> domain, Optional<String> displayName, Optional<String> email,
            String type, boolean disabled, Set<String> roles) {}

    record Org(UUID id, String name) {}

    record Project(UUID id, UUID orgId, String name, Optional<byte[]> secretKey) {}

    record Membership(UUID orgId, UUID userId) {}

    record ApiKey(UUID id, Optional<UUID> userId, String digest, Optional<String> name, Optional<Instant> expiredAt) {}

    record TeamGrant(UUID teamId, String level) {}

    /** A secret's row; {@code data} is {@code null} for a store other than {@code concord}. */
    record Secret(UUID id, UUID orgId, String name, String type, String encryptedBy, String storeType, String visibility,
            Optional<UUID> ownerId, byte[] data, Optional<byte[]> salt, String hashAlgorithm) {
        @Override
        public String toString() {
            return "Secret[" + id + ", " + name + "]";
        }
    }

    /** Receives secrets one by one, so that a large database is never held in memory. */
    @FunctionalInterface
    interface SecretSink {
        void accept(Secret secret);
    }

    private final Connection c;
    private final boolean hasSalt;
    private final boolean hasHash;
    private final boolean hasProjectSecrets;

    private ConcordDatabase(Connection c) throws SQLException {
        this.c = c;
        c.setAutoCommit(false); // a cursor for the secrets; nothing is ever committed
        c.setReadOnly(true);
        try (PreparedStatement ps = c.prepareStatement("SET TRANSACTION READ ONLY")) {
            ps.execute();
        }
        this.hasSalt = hasColumn("secrets", "secret_salt");
        this.hasHash = hasColumn("secrets", "hash_algorithm");
        this.hasProjectSecrets = hasColumn("project_secrets", "secret_id");
    }

    /** Opens {@code jdbcUrl} read only. */
    public static ConcordDatabase open(String jdbcUrl, Optional<String> user, Optional<char[]> password) throws SQLException {
        java.util.Properties p = new java.util.Properties();
        user.ifPresent(u -> p.setProperty("user", u));
        password.ifPresent(pw -> p.setProperty("password", new String(pw)));
        p.setProperty("readOnly", "true");
        Connection c = DriverManager.getConnection(jdbcUrl, p);
        try {
            return new ConcordDatabase(c);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Whether the database predates per-secret salts (then every secret uses {@code secretStoreSalt}). */
    boolean hasSecretSalts() {
        return hasSalt;
    }

    private boolean hasColumn(String table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.columns WHERE table_schema = "
                + "current_schema() AND table_name = ? AND column_name = ?")) {
            ps.setString(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Optional<String> opt(ResultSet rs, String col) throws SQLException {
        return Optional.ofNullable(rs.getString(col));
    }

    private static UUID uuid(ResultSet rs, String col) throws SQLException {
        Object o = rs.getObject(col);
        return o == null ? null : o instanceof UUID u ? u : UUID.fromString(o.toString());
    }

    List<User> users() throws SQLException {
        Map<UUID, Set<String>> roles = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT ur.user_id, r.role_name FROM user_roles ur "
                + "JOIN roles r ON r.role_id = ur.role_id ORDER BY r.role_name");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                roles.computeIfAbsent(uuid(rs, "user_id"), k -> new LinkedHashSet<>()).add(rs.getString("role_name"));
            }
        }
        boolean domain = hasColumn("users", "domain");
        boolean disabled = hasColumn("users", "is_disabled");
        boolean email = hasColumn("users", "user_email");
        List<User> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT user_id, username, display_name, user_type"
                + (domain ? ", domain" : "") + (disabled ? ", is_disabled" : "") + (email ? ", user_email" : "")
                + " FROM users ORDER BY user_id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                UUID id = uuid(rs, "user_id");
                out.add(new User(id, rs.getString("username"), domain ? opt(rs, "domain") : Optional.empty(),
                        opt(rs, "display_name"), email ? opt(rs, "user_email") : Optional.empty(),
                        Optional.ofNullable(rs.getString("user_type")).orElse("LOCAL"),
                        disabled && rs.getBoolean("is_disabled"), roles.getOrDefault(id, Set.of())));
            }
        }
        return out;
    }

    List<Org> orgs() throws SQLException {
        List<Org> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT org_id, org_name FROM organizations ORDER BY org_id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Org(uuid(rs, "org_id"), rs.getString("org_name")));
            }
        }
        return out;
    }

    List<Project> projects() throws SQLException {
        boolean key = hasColumn("projects", "secret_key");
        List<Project> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT project_id, org_id, project_name"
                + (key ? ", secret_key" : "") + " FROM projects ORDER BY project_id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Project(uuid(rs, "project_id"), uuid(rs, "org_id"), rs.getString("project_name"),
                        key ? Optional.ofNullable(rs.getBytes("secret_key")) : Optional.empty()));
            }
        }
        return out;
    }

    /** Org membership as Concord has it: through the org's teams. */
    List<Membership> memberships() throws SQLException {
        List<Membership> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT t.org_id, ut.user_id FROM user_teams ut "
                + "JOIN teams t ON t.team_id = ut.team_id ORDER BY t.org_id, ut.user_id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Membership(uuid(rs, "org_id"), uuid(rs, "user_id")));
            }
        }
        return out;
    }

    List<ApiKey> apiKeys() throws SQLException {
        boolean name = hasColumn("api_keys", "key_name");
        boolean expiry = hasColumn("api_keys", "expired_at");
        List<ApiKey> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT key_id, user_id, api_key" + (name ? ", key_name" : "")
                + (expiry ? ", expired_at" : "") + " FROM api_keys ORDER BY key_id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Timestamp t = expiry ? rs.getTimestamp("expired_at") : null;
                out.add(new ApiKey(uuid(rs, "key_id"), Optional.ofNullable(uuid(rs, "user_id")), rs.getString("api_key"),
                        name ? opt(rs, "key_name") : Optional.empty(), Optional.ofNullable(t).map(Timestamp::toInstant)));
            }
        }
        return out;
    }

    /** Each secret's projects ({@code PROJECT_SECRETS}, or {@code SECRETS.PROJECT_ID} before 1.103.0). */
    Map<UUID, Set<UUID>> secretProjects() throws SQLException {
        String sql = hasProjectSecrets ? "SELECT secret_id, project_id FROM project_secrets"
                : hasColumn("secrets", "project_id") ? "SELECT secret_id, project_id FROM secrets WHERE project_id IS NOT NULL"
                : null;
        Map<UUID, Set<UUID>> out = new HashMap<>();
        if (sql == null) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(uuid(rs, "secret_id"), k -> new LinkedHashSet<>()).add(uuid(rs, "project_id"));
            }
        }
        return out;
    }

    Map<UUID, List<TeamGrant>> teamGrants() throws SQLException {
        Map<UUID, List<TeamGrant>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT secret_id, team_id, access_level FROM secret_team_access "
                + "ORDER BY secret_id, team_id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(uuid(rs, "secret_id"), k -> new ArrayList<>())
                        .add(new TeamGrant(uuid(rs, "team_id"), rs.getString("access_level")));
            }
        }
        return out;
    }

    int countSecrets() throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM secrets"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Streams every secret, in id order, through a cursor. */
    void secrets(SecretSink sink) throws SQLException {
        String sql = "SELECT secret_id, org_id, secret_name, secret_type, encrypted_by, store_type, visibility, owner_id, "
                + "CASE WHEN store_type IS NULL OR store_type = 'concord' THEN secret_data END AS secret_data"
                + (hasSalt ? ", secret_salt" : "") + (hasHash ? ", hash_algorithm" : "") + " FROM secrets ORDER BY secret_id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(64);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new Secret(uuid(rs, "secret_id"), uuid(rs, "org_id"), rs.getString("secret_name"),
                            rs.getString("secret_type"), Optional.ofNullable(rs.getString("encrypted_by")).orElse("SERVER_KEY"),
                            Optional.ofNullable(rs.getString("store_type")).orElse("concord"),
                            Optional.ofNullable(rs.getString("visibility")).orElse("PUBLIC"),
                            Optional.ofNullable(uuid(rs, "owner_id")), rs.getBytes("secret_data"),
                            hasSalt ? Optional.ofNullable(rs.getBytes("secret_salt")) : Optional.empty(),
                            hasHash ? rs.getString("hash_algorithm") : null));
                }
            }
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            c.rollback();
        } finally {
            c.close();
        }
    }
}
