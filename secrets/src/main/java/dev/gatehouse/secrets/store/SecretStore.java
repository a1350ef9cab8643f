package dev.gatehouse.secrets.store;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretMetadata;
import dev.gatehouse.secrets.internal.FileSecretStore;
import dev.gatehouse.secrets.internal.InMemorySecretStore;
import dev.gatehouse.secrets.internal.JdbcSecretStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Where secrets live: an SPI that sees only {@link StoredSecret}s (sealed envelopes and non-secret
 * metadata) and wrapped project keys. Gatehouse ships three, built with {@link #inMemory()},
 * {@link #file(Path)} and {@link #jdbc(DataSource)}; others plug in through
 * {@link SecretStoreProvider}.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>Every method is atomic, and a write that returned has been made durable (committed, or
 *       forced to disk); a failing write leaves the previous record readable.
 *   <li>{@link #replace} and {@link #delete} are compare-and-sets on the exact record the caller
 *       read: its {@link SecretMetadata#id() id}, which a secret re-created under the same name
 *       never reuses, and its {@link SecretMetadata#version() version}, which never repeats for
 *       that id. Of two writers that read the same record, at most one succeeds; a writer that read
 *       a record which was since deleted or re-created changes nothing.
 *   <li>A store keeps what it is given ({@link StoredSecret#sealedVersion()} included) and returns
 *       it unchanged; {@link #find} returns only a record of the org and name asked for.
 *   <li>The key-ring record ({@link #findKeyRing}, {@link #replaceKeyRing}) is an opaque,
 *       versioned value shared by every node of the store, changed only by compare-and-set.
 *   <li>A store that cannot be reached (a database down, a disk that fails) raises
 *       {@link BackendUnavailableException}; contract outcomes (a duplicate name) are
 *       {@link SecretException}s.
 * </ul>
 *
 * Implementations must be thread-safe.
 */
public interface SecretStore extends AutoCloseable {

    /** A store that keeps everything in this JVM's memory: for tests and development. */
    static SecretStore inMemory() {
        return new InMemorySecretStore();
    }

    /**
     * A store in an SQL database (H2 or PostgreSQL) that every node of a host may share. The tables
     * must exist: apply them once at start-up with {@code SchemaMigrations.apply(dataSource, "secrets")}
     * (see {@link SchemaMigrations}) or the host's own migration tool, never per request.
     */
    static SecretStore jdbc(DataSource dataSource) {
        return new JdbcSecretStore(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * A store of one owner-only file per record under {@code directory}, created if missing; several
     * processes may share the directory (writes are serialised by a file lock).
     *
     * @throws BackendUnavailableException if the directory cannot be created
     */
    static SecretStore file(Path directory) {
        return new FileSecretStore(Objects.requireNonNull(directory, "directory"));
    }

    /** The secret {@code name} of {@code org}, if it exists. */
    Optional<StoredSecret> find(String org, String name);

    /** Every secret of {@code org}, ordered by name. */
    List<StoredSecret> list(String org);

    /** Every secret of every org: for re-encryption. */
    List<StoredSecret> listAll();

    /**
     * Adds a new secret.
     *
     * @throws SecretException {@link SecretException.Kind#ALREADY_EXISTS} ("Secret already exists: name")
     *     if {@code org} already has a secret of that name
     */
    void insert(StoredSecret secret);

    /**
     * Replaces the record {@code expected} (the same id and version as stored now) by {@code next}.
     *
     * @param expected the metadata of the record as the caller read it
     * @param next the new record: same id, org and name, a higher version
     * @return false if the record changed, was deleted or was re-created since it was read; nothing
     *     is written then
     * @throws IllegalArgumentException if {@code next} is another record than {@code expected}
     */
    boolean replace(SecretMetadata expected, StoredSecret next);

    /**
     * Deletes the record {@code expected} if it is still stored as the caller read it (same id and
     * version).
     *
     * @return false if it changed, was deleted or was re-created since it was read; nothing is
     *     deleted then
     */
    boolean delete(SecretMetadata expected);

    /** The wrapped data key of a project, if one was stored. */
    Optional<byte[]> findProjectKey(String org, String project);

    /**
     * Stores {@code wrapped} as the project's key unless one exists already (another node may win the
     * race), and returns the key that is stored now.
     */
    byte[] insertProjectKeyIfAbsent(String org, String project, byte[] wrapped);

    /** Replaces a project key that still equals {@code expected}: for re-wrapping under a new server key. */
    boolean replaceProjectKey(String org, String project, byte[] expected, byte[] wrapped);

    /** Every org and project that has a key: for re-wrapping. */
    List<ProjectKeyId> projectKeys();

    /** The cluster's key-ring record, if a node has written one. */
    Optional<KeyRingRecord> findKeyRing();

    /**
     * Writes the key-ring record if its version is still {@code expectedVersion} ({@code 0}: there
     * is none yet); the stored record then has version {@code expectedVersion + 1}.
     *
     * @return false if another node changed it first; nothing is written then
     */
    boolean replaceKeyRing(long expectedVersion, byte[] content);

    /**
     * The versioned key-ring record: which server keys every node holds and which one seals new
     * envelopes. Its content is written and read by the secret manager only; a store keeps the bytes.
     *
     * @param version incremented by every write, starting at 1
     * @param content the record, opaque to the store; not copied
     */
    record KeyRingRecord(long version, byte[] content) {
        /** @throws IllegalArgumentException if {@code version} is below 1 */
        public KeyRingRecord {
            Objects.requireNonNull(content, "content");
            if (version < 1) {
                throw new IllegalArgumentException("version must be at least 1, was " + version);
            }
        }
    }

    /** Checks that {@code next} is a later state of the record {@code expected}: for {@link #replace}. */
    static void requireSameRecord(SecretMetadata expected, StoredSecret next) {
        SecretMetadata n = next.metadata();
        if (!n.id().equals(expected.id()) || !n.org().equals(expected.org()) || !n.name().equals(expected.name())
                || n.version() <= expected.version()) {
            throw new IllegalArgumentException("replace needs a later version of the same record: expected "
                    + expected.qualifiedName() + " " + expected.id() + " v" + expected.version() + ", got "
                    + n.qualifiedName() + " " + n.id() + " v" + n.version());
        }
    }

    /**
     * Names a project's data key.
     *
     * @param org the organisation
     * @param project the project
     */
    record ProjectKeyId(String org, String project) {
        /** @throws NullPointerException if an argument is null */
        public ProjectKeyId {
            Objects.requireNonNull(org, "org");
            Objects.requireNonNull(project, "project");
        }
    }

    /** Releases what the store holds open. The default does nothing. */
    @Override
    default void close() {}
}
