package dev.gatehouse.secrets;

import java.util.List;
import java.util.Optional;

/**
 * Where secrets live: an SPI that sees only {@link StoredSecret}s (sealed envelopes and non-secret
 * metadata) and wrapped project keys. Gatehouse ships {@code memory}, {@code file} and {@code jdbc}
 * stores; others plug in through {@link SecretStoreProvider}.
 *
 * <p>Contract: every method is atomic; {@link #replace} is a compare-and-set on the version, so that
 * two concurrent updates cannot both win; a failing write leaves the previous record readable.
 * Failures are reported as {@link SecretException} of kind {@link SecretException.Kind#STORE_FAILURE}.
 * Implementations must be thread-safe.
 */
public interface SecretStore extends AutoCloseable {

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
            java.util.Objects.requireNonNull(org, "org");
            java.util.Objects.requireNonNull(project, "project");
        }
    }

    /** Releases what the store holds open. The default does nothing. */
    @Override
    default void close() {}
}
