package dev.gatehouse.apikey.internal;

import dev.gatehouse.apikey.ApiKeyStore;
import dev.gatehouse.apikey.StoredApiKey;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** {@link ApiKeyStore#inMemory()}: three maps under one lock. Thread-safe. */
public final class InMemoryApiKeyStore implements ApiKeyStore {

    private final Map<UUID, StoredApiKey> byId = new LinkedHashMap<>();
    private final Map<ByteBuffer, UUID> byDigest = new HashMap<>();

    @Override
    public synchronized boolean insert(StoredApiKey key) {
        ByteBuffer digest = ByteBuffer.wrap(key.digest());
        if (byId.containsKey(key.id()) || byDigest.containsKey(digest)) {
            return false;
        }
        for (StoredApiKey k : byId.values()) {
            if (k.owner().equals(key.owner()) && k.key().name().equals(key.key().name())) {
                return false;
            }
        }
        byId.put(key.id(), key);
        byDigest.put(digest, key.id());
        return true;
    }

    @Override
    public synchronized Optional<StoredApiKey> findByDigest(byte[] digest) {
        UUID id = byDigest.get(ByteBuffer.wrap(digest.clone()));
        return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized Optional<StoredApiKey> findById(UUID id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized List<StoredApiKey> findByOwner(UUID owner) {
        List<StoredApiKey> out = new ArrayList<>();
        for (StoredApiKey k : byId.values()) {
            if (k.owner().equals(owner)) {
                out.add(k);
            }
        }
        out.sort(Comparator.comparing(k -> k.key().name()));
        return out;
    }

    @Override
    public synchronized Optional<StoredApiKey> delete(UUID id) {
        StoredApiKey removed = byId.remove(id);
        if (removed == null) {
            return Optional.empty();
        }
        byDigest.remove(ByteBuffer.wrap(removed.digest()));
        return Optional.of(removed);
    }

    @Override
    public synchronized List<StoredApiKey> deleteByOwner(UUID owner) {
        List<StoredApiKey> out = findByOwner(owner);
        out.forEach(k -> delete(k.id()));
        return out;
    }

    @Override
    public synchronized int deleteExpired(Instant now) {
        return deleteExpiredKeys(now).size();
    }

    @Override
    public synchronized List<StoredApiKey> deleteExpiredKeys(Instant now) {
        List<StoredApiKey> expired = new ArrayList<>();
        for (StoredApiKey k : byId.values()) {
            if (k.key().isExpiredAt(now)) {
                expired.add(k);
            }
        }
        expired.forEach(k -> delete(k.id()));
        return expired;
    }

    @Override
    public synchronized void recordLastUsed(Map<UUID, Instant> lastUsed) {
        lastUsed.forEach((id, at) -> {
            StoredApiKey k = byId.get(id);
            if (k != null && (k.key().lastUsedAt().isEmpty() || k.key().lastUsedAt().get().isBefore(at))) {
                byId.put(id, k.withLastUsedAt(Optional.of(at)));
            }
        });
    }

    @Override
    public synchronized String toString() {
        return "InMemoryApiKeyStore[" + byId.size() + " keys]";
    }
}
