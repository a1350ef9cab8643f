package dev.gatehouse.apikey.internal;

import dev.gatehouse.apikey.ApiKeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects last-use times on the request path (a volatile read, and at most once a second per key
 * a map update) and writes them to the store in one batch per interval on a background thread.
 * Thread-safe.
 */
final class LastUsedRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LastUsedRecorder.class);
    static final long GRANULARITY_MILLIS = 1000;

    private final ApiKeyStore store;
    private final String realm;
    private final ConcurrentHashMap<UUID, Long> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;

    LastUsedRecorder(ApiKeyStore store, Duration interval, String realm) {
        this.store = store;
        this.realm = realm;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-apikey-last-used-" + realm);
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, interval.toMillis());
        flusher.scheduleWithFixedDelay(this::flushQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** The request-path half: a field read, and once a second per key a call to {@link #record}. */
    void touch(KeyVerifier.Entry entry, long nowMillis) {
        if (nowMillis - entry.lastRecordedMillis >= GRANULARITY_MILLIS) {
            record(entry, nowMillis);
        }
    }

    /** Kept out of {@link #touch} so that the hot path stays small enough to inline. */
    private void record(KeyVerifier.Entry entry, long nowMillis) {
        entry.lastRecordedMillis = nowMillis;
        pending.merge(entry.keyId, nowMillis, Math::max);
    }

    /** Writes what is pending in one batch; on failure the times stay pending for the next try. */
    synchronized void flush() {
        if (pending.isEmpty()) {
            return;
        }
        Map<UUID, Instant> batch = new HashMap<>();
        for (UUID id : pending.keySet()) {
            Long at = pending.remove(id);
            if (at != null) {
                batch.put(id, Instant.ofEpochMilli(at));
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            store.recordLastUsed(batch);
        } catch (RuntimeException e) {
            batch.forEach((id, at) -> pending.merge(id, at.toEpochMilli(), Math::max));
            throw e;
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("realm {}: could not write API-key last-used times; will retry: {}", realm, e.toString());
        }
    }

    @Override
    public void close() {
        flusher.shutdown();
        flushQuietly();
    }
}
