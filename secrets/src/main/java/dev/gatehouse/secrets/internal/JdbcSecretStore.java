package dev.gatehouse.secrets.internal;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.jdbc.Jdbc;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.SecretMetadata;
import dev.gatehouse.secrets.SecretType;
import dev.gatehouse.secrets.Visibility;
import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.secrets.store.StoredSecret;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A store in an SQL database (H2 or PostgreSQL), tables {@code gh_secrets},
 * {@code gh_secret_project_keys} and {@code gh_secret_key_ring} from the scripts under
 * {@code META-INF/gatehouse/secrets/schema/}. Every node of a host shares it; {@link #replace} and
 * {@link #delete} are single statements {@code ... WHERE id = ? AND version = ?} naming the exact
 * record the caller read, so concurrent writers on different nodes cannot both win, a writer never
 * touches a record re-created under the same name, and a failed statement changes nothing.
 * Every statement runs through core's {@link Jdbc}: a write returns only after its commit, and a
 * database that does not answer is a {@link BackendUnavailableException}. Thread-safe.
 */
public final class JdbcSecretStore implements SecretStore {

    /** The backend name in failure messages. */
    static final String BACKEND = "secret store";

    private static final String COLUMNS = "id, org, name, secret_type, visibility, owner_id, projects, "
            + "password_protected, server_key_id, public_key, grants, version, created_at, updated_at, envelope, "
            + "sealed_version";

    private final DataSource dataSource;

    /** A store on {@code dataSource}; the tables must exist. */
    public JdbcSecretStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    private <T> T read(String what, Jdbc.Work<T> work) {
        return Jdbc.withConnection(dataSource, BACKEND, what, work);
    }

    private <T> T write(String what, Jdbc.Work<T> work) {
        return Jdbc.inTransaction(dataSource, BACKEND, what, work);
    }

    @Override
    public Optional<StoredSecret> find(String org, String name) {
        return read("read a secret", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM gh_secrets WHERE org = ? AND name = ?")) {
                s.setString(1, org);
                s.setString(2, name);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<StoredSecret> list(String org) {
        return read("list secrets", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM gh_secrets WHERE org = ? ORDER BY name")) {
                s.setString(1, org);
                return rows(s);
            }
        });
    }

    @Override
    public List<StoredSecret> listAll() {
        return read("list secrets", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM gh_secrets ORDER BY org, name")) {
                return rows(s);
            }
        });
    }

    private static List<StoredSecret> rows(PreparedStatement s) throws SQLException {
        List<StoredSecret> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    /** The row as a record; a row that no manager could have written is CORRUPTED, not a 500. */
    private static StoredSecret row(ResultSet rs) throws SQLException {
        try {
            return decodeRow(rs);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SecretException(Kind.CORRUPTED, "The row of secret " + rs.getString(2) + "/" + rs.getString(3)
                    + " is not a valid record: " + e.getMessage(), e);
        }
    }

    private static StoredSecret decodeRow(ResultSet rs) throws SQLException {
        Optional<String> keyId = rs.getBoolean(8) ? Optional.empty() : Optional.ofNullable(rs.getString(9));
        SecretMetadata m = SecretMetadata.of(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        SecretType.valueOf(rs.getString(4)), rs.getObject(6, UUID.class), keyId,
                        rs.getObject(13, OffsetDateTime.class).toInstant())
                .withVisibility(Visibility.valueOf(rs.getString(5)))
                .withProjects(Records.projectsFromText(rs.getString(7)))
                .withPublicKey(Optional.ofNullable(rs.getString(10)))
                .withGrants(Records.grantsFromText(rs.getString(11)))
                .withVersion(rs.getLong(12), rs.getObject(14, OffsetDateTime.class).toInstant());
        long sealedVersion = rs.getLong(16);
        return new StoredSecret(m, rs.wasNull() ? 0 : sealedVersion, rs.getBytes(15));
    }

    @Override
    public void insert(StoredSecret secret) {
        try {
            write("create a secret", c -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO gh_secrets (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    SecretMetadata m = secret.metadata();
                    s.setObject(1, m.id());
                    s.setString(2, m.org());
                    s.setString(3, m.name());
                    bindMutable(s, 4, secret);
                    s.setObject(13, OffsetDateTime.ofInstant(m.createdAt(), ZoneOffset.UTC));
                    s.setObject(14, OffsetDateTime.ofInstant(m.updatedAt(), ZoneOffset.UTC));
                    s.setBytes(15, secret.envelope());
                    bindSealedVersion(s, 16, secret);
                    s.executeUpdate();
                }
                return null;
            });
        } catch (Jdbc.ConstraintViolation e) {
            if (e.isUniqueViolation()) {
                throw new SecretException(Kind.ALREADY_EXISTS, "Secret already exists: " + secret.metadata().name());
            }
            throw e;
        }
    }

    /** Binds type .. version (9 parameters from {@code i}). */
    private static void bindMutable(PreparedStatement s, int i, StoredSecret secret) throws SQLException {
        SecretMetadata m = secret.metadata();
        s.setString(i, m.type().name());
        s.setString(i + 1, m.visibility().name());
        s.setObject(i + 2, m.owner());
        s.setString(i + 3, Records.projectsToText(m.projects()));
        s.setBoolean(i + 4, m.passwordProtected());
        s.setString(i + 5, m.serverKeyId().orElse(null));
        s.setString(i + 6, m.publicKey().orElse(null));
        s.setString(i + 7, Records.grantsToText(m.grants()));
        s.setLong(i + 8, m.version());
    }

    /** Format-1 envelopes (sealed version 0) keep the column NULL, as rows written before it existed. */
    private static void bindSealedVersion(PreparedStatement s, int i, StoredSecret secret) throws SQLException {
        if (secret.sealedVersion() == 0) {
            s.setNull(i, Types.BIGINT);
        } else {
            s.setLong(i, secret.sealedVersion());
        }
    }

    @Override
    public boolean replace(SecretMetadata expected, StoredSecret next) {
        SecretStore.requireSameRecord(expected, next);
        return write("update a secret", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE gh_secrets SET secret_type = ?, visibility = ?, "
                    + "owner_id = ?, projects = ?, password_protected = ?, server_key_id = ?, public_key = ?, grants = ?, "
                    + "version = ?, updated_at = ?, envelope = ?, sealed_version = ? WHERE id = ? AND version = ?")) {
                SecretMetadata m = next.metadata();
                bindMutable(s, 1, next);
                s.setObject(10, OffsetDateTime.ofInstant(m.updatedAt(), ZoneOffset.UTC));
                s.setBytes(11, next.envelope());
                bindSealedVersion(s, 12, next);
                s.setObject(13, expected.id());
                s.setLong(14, expected.version());
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean delete(SecretMetadata expected) {
        return write("delete a secret", c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM gh_secrets WHERE id = ? AND version = ?")) {
                s.setObject(1, expected.id());
                s.setLong(2, expected.version());
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<byte[]> findProjectKey(String org, String project) {
        return read("read a project key", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT wrapped_key FROM gh_secret_project_keys WHERE org = ? AND project = ?")) {
                s.setString(1, org);
                s.setString(2, project);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public byte[] insertProjectKeyIfAbsent(String org, String project, byte[] wrapped) {
        try {
            write("store a project key", c -> {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO gh_secret_project_keys (org, project, wrapped_key) VALUES (?, ?, ?)")) {
                    s.setString(1, org);
                    s.setString(2, project);
                    s.setBytes(3, wrapped);
                    s.executeUpdate();
                }
                return null;
            });
            return wrapped;
        } catch (Jdbc.ConstraintViolation e) {
            if (!e.isUniqueViolation()) {
                throw e;
            }
            // Another node created it first: use theirs. Project keys are never deleted, so it is there.
            return findProjectKey(org, project).orElseThrow(() -> new BackendUnavailableException(BACKEND,
                    "cannot read the project key of " + org + "/" + project + " that another node just stored", e));
        }
    }

    @Override
    public boolean replaceProjectKey(String org, String project, byte[] expected, byte[] wrapped) {
        return write("re-wrap a project key", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE gh_secret_project_keys SET wrapped_key = ? "
                    + "WHERE org = ? AND project = ? AND wrapped_key = ?")) {
                s.setBytes(1, wrapped);
                s.setString(2, org);
                s.setString(3, project);
                s.setBytes(4, expected);
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<ProjectKeyId> projectKeys() {
        return read("list project keys", c -> {
            List<ProjectKeyId> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT org, project FROM gh_secret_project_keys");
                    ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new ProjectKeyId(rs.getString(1), rs.getString(2)));
                }
            }
            return out;
        });
    }

    @Override
    public Optional<KeyRingRecord> findKeyRing() {
        return read("read the key ring", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT version, content FROM gh_secret_key_ring WHERE id = 1");
                    ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new KeyRingRecord(rs.getLong(1), rs.getBytes(2))) : Optional.empty();
            }
        });
    }

    @Override
    public boolean replaceKeyRing(long expectedVersion, byte[] content) {
        if (expectedVersion == 0) {
            try {
                return write("create the key ring", c -> {
                    try (PreparedStatement s = c.prepareStatement(
                            "INSERT INTO gh_secret_key_ring (id, version, content) VALUES (1, 1, ?)")) {
                        s.setBytes(1, content);
                        return s.executeUpdate() == 1;
                    }
                });
            } catch (Jdbc.ConstraintViolation e) {
                if (e.isUniqueViolation()) {
                    return false; // another node created it first
                }
                throw e;
            }
        }
        return write("update the key ring", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE gh_secret_key_ring SET version = ?, content = ? WHERE id = 1 AND version = ?")) {
                s.setLong(1, expectedVersion + 1);
                s.setBytes(2, content);
                s.setLong(3, expectedVersion);
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public String toString() {
        return "JdbcSecretStore";
    }
}
