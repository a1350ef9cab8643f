package dev.gatehouse.apikey;

import dev.gatehouse.apikey.internal.InMemoryApiKeyStore;
import dev.gatehouse.apikey.internal.JdbcApiKeyStore;
import dev.gatehouse.core.BackendUnavailableException;
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
 * concurrent inserts from several nodes. Every method either does what it says or throws
 * {@link BackendUnavailableException} when the backing store did not answer (the realm then answers
 * 503, never 200 and never 401; the key service passes the exception on). A write that returns
 * normally is durable: it was committed before the method returned. Implementations are
 * thread-safe.
 */
public interface ApiKeyStore {

    /**
     * Stores {@code key}; when this returns true the key is committed.
     *
     * @return false if the owner already has a key of that name or the digest is already stored
     * @throws BackendUnavailableException if the store did not answer or could not commit; the key
     *     may or may not be stored then
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
     * Deletes the keys whose expiry is at or before {@code now} and returns them, so that each
     * expiry can be audited. The shipped stores implement it; the default throws
     * {@link UnsupportedOperationException}, and the key service then calls {@link #deleteExpired}
     * and audits the expiry as one event with the count.
     */
    default List<StoredApiKey> deleteExpiredKeys(Instant now) {
        throw new UnsupportedOperationException("deleteExpiredKeys");
    }

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
     * A store in the table {@code gh_api_keys} of an H2 or PostgreSQL database. Create the table
     * with {@code SchemaMigrations.apply(dataSource, "apikey")} once first (the {@code apikey} realm
     * type does that itself unless {@code applySchema=false}), or run the scripts under
     * {@code META-INF/gatehouse/apikey/schema/<h2|postgresql>/} with the host's migration tool. Use a
     * pooled {@code DataSource}: each call takes one connection. Writes are committed explicitly,
     * whatever auto-commit mode the pool hands connections out in; every failure but a duplicate is a
     * {@link BackendUnavailableException}.
     */
    static ApiKeyStore jdbc(DataSource dataSource) {
        return new JdbcApiKeyStore(dataSource);
    }
}
