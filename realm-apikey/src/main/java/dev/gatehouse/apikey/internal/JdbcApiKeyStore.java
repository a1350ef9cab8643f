package dev.gatehouse.apikey.internal;

import dev.gatehouse.apikey.ApiKey;
import dev.gatehouse.apikey.ApiKeyStore;
import dev.gatehouse.apikey.StoredApiKey;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@link ApiKeyStore#jdbc(DataSource)}: table {@code gh_api_keys} on H2 or PostgreSQL. Uniqueness of
 * digests and of names per owner is enforced by the database, so it holds across nodes. Every
 * {@link SQLException} becomes a {@link StoreUnavailableException}. Thread-safe.
 */
public final class JdbcApiKeyStore implements ApiKeyStore {

    private static final String COLUMNS =
            "id, user_id, name, digest, key_format, created_at, expires_at, last_used_at";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM gh_api_keys ";

    private final DataSource dataSource;

    /** A store over {@code dataSource}, whose schema must already be applied. */
    public JdbcApiKeyStore(DataSource dataSource) {
        this.dataSource = java.util.Objects.requireNonNull(dataSource, "dataSource");
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @Override
    public boolean insert(StoredApiKey stored) {
        ApiKey k = stored.key();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO gh_api_keys (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, k.id());
            ps.setObject(2, k.owner());
            ps.setString(3, k.name());
            ps.setBytes(4, stored.digest());
            ps.setString(5, k.format().name());
            ps.setObject(6, time(k.createdAt()));
            ps.setObject(7, k.expiresAt().map(JdbcApiKeyStore::time).orElse(null));
            ps.setObject(8, k.lastUsedAt().map(JdbcApiKeyStore::time).orElse(null));
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (SchemaMigrations.isUniqueViolation(e)) {
                return false;
            }
            throw unavailable("insert API key", e);
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
        return deleteWhere("delete expired API keys", "expires_at IS NOT NULL AND expires_at <= ?",
                ps -> ps.setObject(1, time(now))).size();
    }

    @Override
    public void recordLastUsed(Map<UUID, Instant> lastUsed) {
        if (lastUsed.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE gh_api_keys SET last_used_at = ? "
                        + "WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")) {
            for (Map.Entry<UUID, Instant> e : lastUsed.entrySet()) {
                OffsetDateTime at = time(e.getValue());
                ps.setObject(1, at);
                ps.setObject(2, e.getKey());
                ps.setObject(3, at);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw unavailable("record API-key last-used times", e);
        }
    }

    /** Selects then deletes in one transaction, so the caller learns exactly what it deleted. */
    private List<StoredApiKey> deleteWhere(String what, String where, Binder binder) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                List<StoredApiKey> rows = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE " + where + " FOR UPDATE")) {
                    binder.bind(ps);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.add(row(rs));
                        }
                    }
                }
                if (!rows.isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM gh_api_keys WHERE id = ?")) {
                        for (StoredApiKey k : rows) {
                            ps.setObject(1, k.id());
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                }
                c.commit();
                return rows;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw unavailable(what, e);
        }
    }

    private List<StoredApiKey> query(String what, String sql, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<StoredApiKey> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw unavailable(what, e);
        }
    }

    private static StoredApiKey row(ResultSet rs) throws SQLException {
        ApiKey key = new ApiKey(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                ApiKey.KeyFormat.valueOf(rs.getString(5)), instant(rs, 6).orElseThrow(), instant(rs, 7),
                instant(rs, 8));
        return new StoredApiKey(key, rs.getBytes(4));
    }

    private static Optional<Instant> instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? Optional.empty() : Optional.of(t.toInstant());
    }

    private static OffsetDateTime time(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    private static StoreUnavailableException unavailable(String what, SQLException e) {
        return new StoreUnavailableException("cannot " + what + ": " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "JdbcApiKeyStore[" + dataSource.getClass().getSimpleName() + "]";
    }
}
