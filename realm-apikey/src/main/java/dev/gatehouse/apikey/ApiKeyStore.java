package dev.gatehouse.apikey;

import dev.gatehouse.apikey.internal.InMemoryApiKeyStore;
import dev.gatehouse.apikey.internal.JdbcApiKeyStore;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Where API keys live: records of id, owner, name, SHA-256 digest and times, never a key. The SPI a
 * host replaces to keep keys elsewhere; Gatehouse ships {@link #inMemory()} and {@link #jdbc}.
 *
 * <p>Contract: digests are unique across the store and names are unique per owner, also under
 * concurrent inserts from several nodes; every method either does what it says or throws
 * {@link StoreUnavailableException} (the realm then answers 503, never 200). Implementations are
 * thread-safe.
 */
public interface ApiKeyStore {

    /**
     * Stores {@code key}.
     *
     * @return false if the owner already has a key of that name or the digest is already stored
     */
    boolean insert(StoredApiKey key);

    /** The key whose digest is {@code digest} (32 bytes), expired or not. */
    Optional<StoredApiKey> findByDigest(byte[] digest);

    /** The key with id {@code id}. */
    Optional<StoredApiKey> findById(UUID id);

    /** The keys of {@code owner}, ordered by name. */
    List<StoredApiKey> findByOwner(UUID owner);

    /** Deletes the key {@code id}; returns it, or empty if there was none. */
    Optional<StoredApiKey> delete(UUID id);

    /** Deletes every key of {@code owner}; returns the deleted keys. */
    List<StoredApiKey> deleteByOwner(UUID owner);

    /** Deletes the keys whose expiry is at or before {@code now}; returns how many. */
    int deleteExpired(Instant now);

    /**
     * Records last-use times, one batch for many keys; a time older than the stored one is
     * ignored, and ids that no longer exist are skipped.
     */
    void recordLastUsed(Map<UUID, Instant> lastUsed);

    /** A store that lives in this JVM only: for tests, demos and single-node hosts. */
    static ApiKeyStore inMemory() {
        return new InMemoryApiKeyStore();
    }

    /**
     * A store in the table {@code gh_api_keys} of an H2 or PostgreSQL database. Apply
     * {@link #applySchema(DataSource)} once first, or run the scripts under
     * {@code dev/gatehouse/apikey/schema/<h2|postgresql>/} with the host's migration tool. Use a
     * pooled {@code DataSource}: each call takes one connection.
     */
    static ApiKeyStore jdbc(DataSource dataSource) {
        return new JdbcApiKeyStore(dataSource);
    }

    /**
     * Creates or upgrades the {@code gh_api_keys} table (component {@code apikey} in
     * {@code gh_schema_history}).
     *
     * @throws IllegalStateException if the database is neither H2 nor PostgreSQL or a script fails
     */
    static void applySchema(DataSource dataSource) {
        SchemaMigrations.apply(dataSource, "apikey", ApiKeyStore.class.getClassLoader(),
                "dev/gatehouse/apikey/schema", List.of("V1__api_keys.sql"));
    }

    /** The store could not answer (database down, timeout). The message never contains a key. */
    final class StoreUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public StoreUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
