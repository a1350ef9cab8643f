package dev.gatehouse.apikey.internal;

import dev.gatehouse.apikey.ApiKey;
import dev.gatehouse.apikey.ApiKeyStore;
import dev.gatehouse.apikey.StoredApiKey;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.Permission;
import dev.gatehouse.core.jdbc.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * {@link ApiKeyStore#jdbc(DataSource)}: table {@code gh_api_keys} on H2 or PostgreSQL. Uniqueness of
 * digests and of names per owner is enforced by the database, so it holds across nodes.
 *
 * <p>Every write runs in {@link Jdbc#inTransaction}, which commits explicitly and returns only
 * after the commit returned: a write never depends on the auto-commit mode the host's pool hands
 * connections out in (with a pool in manual-commit mode, a bare statement would be rolled back
 * when the connection goes back, after the caller was told it was stored). Reads run in
 * {@link Jdbc#withConnection}. A duplicate digest or name is {@code false} from {@link #insert};
 * every other database failure is a {@link BackendUnavailableException}. Thread-safe.
 */
public final class JdbcApiKeyStore implements ApiKeyStore {

    /** Names this store in failures. */
    static final String BACKEND = "api-key store";

    private static final String COLUMNS =
            "id, user_id, name, digest, key_format, created_at, expires_at, last_used_at, scopes";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM gh_api_keys ";

    private final DataSource dataSource;

    /** A store over {@code dataSource}, whose schema must already be applied. */
    public JdbcApiKeyStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @Override
    public boolean insert(StoredApiKey stored) {
        ApiKey k = stored.key();
        try {
            return Jdbc.inTransaction(dataSource, BACKEND, "insert API key", c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO gh_api_keys (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setObject(1, k.id());
                    ps.setObject(2, k.owner());
                    ps.setString(3, k.name());
                    ps.setBytes(4, stored.digest());
                    ps.setString(5, k.format().name());
                    ps.setObject(6, time(k.createdAt()));
                    ps.setObject(7, k.expiresAt().map(JdbcApiKeyStore::time).orElse(null));
                    ps.setObject(8, k.lastUsedAt().map(JdbcApiKeyStore::time).orElse(null));
                    ps.setString(9, k.scopes().map(JdbcApiKeyStore::scopesColumn).orElse(null));
                    ps.executeUpdate();
                }
                return true;
            });
        } catch (Jdbc.ConstraintViolation e) {
            if (e.isUniqueViolation()) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public Optional<StoredApiKey> findByDigest(byte[] digest) {
        return query("find API key by digest", SELECT + "WHERE digest = ?", ps -> ps.setBytes(1, digest))
                .stream().findFirst();
    }

    @Override
    public Optional<StoredApiKey> findById(UUID id) {
        return query("find API key by id", SELECT + "WHERE id = ?", ps -> ps.setObject(1, id)).stream().findFirst();
    }

    @Override
    public List<StoredApiKey> findByOwner(UUID owner) {
        return query("list API keys", SELECT + "WHERE user_id = ? ORDER BY name", ps -> ps.setObject(1, owner));
    }

    @Override
    public Optional<StoredApiKey> delete(UUID id) {
        return deleteWhere("revoke API key", "id = ?", ps -> ps.setObject(1, id)).stream().findFirst();
    }

    @Override
    public List<StoredApiKey> deleteByOwner(UUID owner) {
        return deleteWhere("revoke API keys of a user", "user_id = ?", ps -> ps.setObject(1, owner));
    }

    @Override
    public int deleteExpired(Instant now) {
        return deleteExpiredKeys(now).size();
    }

    @Override
    public List<StoredApiKey> deleteExpiredKeys(Instant now) {
        return deleteWhere("delete expired API keys", "expires_at IS NOT NULL AND expires_at <= ?",
                ps -> ps.setObject(1, time(now)));
    }

    @Override
    public void recordLastUsed(Map<UUID, Instant> lastUsed) {
        if (lastUsed.isEmpty()) {
            return;
        }
        Jdbc.inTransaction(dataSource, BACKEND, "record API-key last-used times", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE gh_api_keys SET last_used_at = ? "
                    + "WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")) {
                for (Map.Entry<UUID, Instant> e : lastUsed.entrySet()) {
                    OffsetDateTime at = time(e.getValue());
                    ps.setObject(1, at);
                    ps.setObject(2, e.getKey());
                    ps.setObject(3, at);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Selects then deletes in one transaction, so the caller learns exactly what it deleted. */
    private List<StoredApiKey> deleteWhere(String what, String where, Binder binder) {
        return Jdbc.inTransaction(dataSource, BACKEND, what, c -> {
            List<StoredApiKey> rows = select(c, SELECT + "WHERE " + where + " FOR UPDATE", binder);
            if (!rows.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM gh_api_keys WHERE id = ?")) {
                    for (StoredApiKey k : rows) {
                        ps.setObject(1, k.id());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return rows;
        });
    }

    private List<StoredApiKey> query(String what, String sql, Binder binder) {
        return Jdbc.withConnection(dataSource, BACKEND, what, c -> select(c, sql, binder));
    }

    private static List<StoredApiKey> select(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<StoredApiKey> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row(rs));
                }
                return out;
            }
        }
    }

    private static StoredApiKey row(ResultSet rs) throws SQLException {
        ApiKey key = new ApiKey(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                ApiKey.KeyFormat.valueOf(rs.getString(5)), instant(rs, 6).orElseThrow(), instant(rs, 7),
                instant(rs, 8), scopes(rs.getString(9)));
        return new StoredApiKey(key, rs.getBytes(4));
    }

    /** Scopes as stored: their names, sorted, separated by single spaces; "" for a key that may do nothing. */
    private static String scopesColumn(Set<Permission> scopes) {
        return scopes.stream().map(Permission::name).sorted().collect(Collectors.joining(" "));
    }

    /** NULL is an unscoped key; a name that is no longer a permission name is dropped (it grants nothing). */
    private static Optional<Set<Permission>> scopes(String column) {
        if (column == null) {
            return Optional.empty();
        }
        Set<Permission> out = new LinkedHashSet<>();
        for (String name : column.trim().split(" +")) {
            if (!name.isEmpty()) {
                try {
                    out.add(Permission.of(name));
                } catch (IllegalArgumentException e) {
                    // fail closed: an unreadable scope grants nothing
                }
            }
        }
        return Optional.of(Set.copyOf(out));
    }

    private static Optional<Instant> instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? Optional.empty() : Optional.of(t.toInstant());
    }

    private static OffsetDateTime time(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    @Override
    public String toString() {
        return "JdbcApiKeyStore[" + dataSource.getClass().getSimpleName() + "]";
    }
}
