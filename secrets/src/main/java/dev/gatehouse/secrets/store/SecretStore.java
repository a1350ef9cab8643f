package dev.gatehouse.secrets.store;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.secrets.SecretException;
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
 * <p>Contract: every method is atomic; {@link #replace} is a compare-and-set on the version, so that
 * two concurrent updates cannot both win; a failing write leaves the previous record readable. A
 * store that cannot be reached (a database down, a disk that fails) raises
 * {@link BackendUnavailableException} and has changed nothing it acknowledged. Implementations must
 * be thread-safe.
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
     * Replaces the secret with the same org and name if its version is still {@code expectedVersion}.
     *
     * @return false if it changed meanwhile or no longer exists; nothing is written then
     */
    boolean replace(StoredSecret secret, long expectedVersion);

    /** Deletes a secret; false if there was none. */
    boolean delete(String org, String name);

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
