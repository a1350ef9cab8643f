package dev.gatehouse.apikey;

import dev.gatehouse.core.BackendUnavailableException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts what reaches a store; can be switched to fail like a database that is down. */
class CountingStore implements ApiKeyStore {

    final ApiKeyStore delegate;
    final AtomicInteger digestLookups = new AtomicInteger();
    final AtomicInteger lastUsedBatches = new AtomicInteger();
    volatile boolean down;

    CountingStore(ApiKeyStore delegate) {
        this.delegate = delegate;
    }

    private void check() {
        if (down) {
            throw new BackendUnavailableException("test api-key store", "store is down", null);
        }
    }

    @Override
    public boolean insert(StoredApiKey key) {
        check();
        return delegate.insert(key);
    }

    @Override
    public Optional<StoredApiKey> findByDigest(byte[] digest) {
        digestLookups.incrementAndGet();
        check();
        return delegate.findByDigest(digest);
    }

    @Override
    public Optional<StoredApiKey> findById(UUID id) {
        check();
        return delegate.findById(id);
    }

    @Override
    public List<StoredApiKey> findByOwner(UUID owner) {
        check();
        return delegate.findByOwner(owner);
    }

    @Override
    public Optional<StoredApiKey> delete(UUID id) {
        check();
        return delegate.delete(id);
    }

    @Override
    public List<StoredApiKey> deleteByOwner(UUID owner) {
        check();
        return delegate.deleteByOwner(owner);
    }

    @Override
    public int deleteExpired(Instant now) {
        check();
        return delegate.deleteExpired(now);
    }

    @Override
    public void recordLastUsed(Map<UUID, Instant> lastUsed) {
        lastUsedBatches.incrementAndGet();
        check();
        delegate.recordLastUsed(lastUsed);
    }
}
