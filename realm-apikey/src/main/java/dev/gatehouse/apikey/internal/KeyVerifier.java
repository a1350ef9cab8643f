package dev.gatehouse.apikey.internal;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.gatehouse.apikey.ApiKey;
import dev.gatehouse.apikey.ApiKeyStore;
import dev.gatehouse.apikey.StoredApiKey;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies presented keys. A key of the right prefix and length is hashed and probed in the
 * verified-key cache; anything else, and every miss, has its characters and checksum checked before
 * the negative cache or the store is asked; a well-formed miss costs one bounded store lookup and
 * one user lookup. Thread-safe.
 *
 * <p>Cache entries hold the key's metadata together with the owner's identity and status, so a
 * repeated key costs neither a store nor a user-directory lookup. An entry is reloaded in the
 * background once it is older than half the revocation bound, and expires when the state it
 * holds was read more than the bound ago; so another node's revocation, or a user disabled in the
 * directory, takes effect here within the bound. Unknown digests are remembered in a separate,
 * size-bounded negative cache for the same bound.
 *
 * <p>Lookups run on a bounded pool ({@code maxConcurrentLookups} threads, a short queue), never
 * inside the cache's own locks: a slow store cannot stall requests for other keys, a full pool is
 * a 503 at once, and a requester waits at most {@code lookupTimeout} for its lookup. Revoking a
 * key on this node also discards a lookup of it in flight, so its result is never cached.
 */
public final class KeyVerifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyVerifier.class);

    static final int QUEUED_LOOKUPS_PER_THREAD = 4;
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    static final int REFRESH_THREADS = 2;

    private static final AuthenticationResult.Rejected MALFORMED =
            AuthenticationResult.Rejected.conclusively("malformed API key (length, characters or checksum)");
    private static final AuthenticationResult.Rejected UNKNOWN =
            AuthenticationResult.Rejected.conclusively("unknown or revoked API key");

    /** The settings of one verifier, as {@link dev.gatehouse.apikey.ApiKeyRealm.Builder} documents them. */
    public record Settings(String realmName, GatehouseKeys keys, boolean acceptConcordKeys, Duration revocationBound,
            int cacheSize, int negativeCacheSize, int maxConcurrentLookups, Duration lookupTimeout,
            Duration lastUsedFlushInterval) {}

    private final Settings settings;
    private final ApiKeyStore store;
    private final UserDirectory users;
    private final Clock clock;
    private final AsyncLoadingCache<Digests.Key, Entry> cache;
    private final Cache<Digests.Key, Entry> verified; // the synchronous view of cache: hits only
    private final Cache<Digests.Key, Boolean> negative;
    private final ThreadPoolExecutor lookups;
    private final long lookupTimeoutNanos;
    private final LastUsedRecorder lastUsed;
    private final LongSupplier ticker;
    private final long boundNanos;
    private final ExecutorService refresher;

    /** A verifier; starts its background threads (stopped by {@link #close()}). */
    public KeyVerifier(Settings settings, ApiKeyStore store, UserDirectory users, Clock clock, LongSupplier ticker) {
        this.settings = settings;
        this.store = store;
        this.users = users;
        this.clock = clock;
        this.ticker = ticker;
        this.boundNanos = settings.revocationBound().toNanos();
        this.lookupTimeoutNanos = settings.lookupTimeout().toNanos();
        this.lastUsed = new LastUsedRecorder(store, settings.lastUsedFlushInterval(), settings.realmName());
        if (settings.cacheSize() > 0 && boundNanos > 0) {
            // Reloads block on JDBC: keep them off the common fork-join pool.
            // After close(), maintenance tasks are dropped quietly (CallerRunsPolicy discards them).
            this.refresher = new ThreadPoolExecutor(REFRESH_THREADS, REFRESH_THREADS, 0, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "gatehouse-apikey-refresh-" + settings.realmName());
                        t.setDaemon(true);
                        return t;
                    }, new ThreadPoolExecutor.CallerRunsPolicy());
            int n = settings.maxConcurrentLookups();
            this.lookups = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(n * QUEUED_LOOKUPS_PER_THREAD), r -> {
                        Thread t = new Thread(r, "gatehouse-apikey-lookup-" + settings.realmName());
                        t.setDaemon(true);
                        return t;
                    }, new ThreadPoolExecutor.AbortPolicy());
            lookups.allowCoreThreadTimeOut(true);
            this.cache = Caffeine.newBuilder()
                    // Maintenance (draining the read buffer) runs on the calling thread, amortised:
                    // handing it to a pool woke a parked thread every few hundred reads, a fifth of
                    // the cost of a cache hit. Loads and reloads go to their own pools below.
                    .executor(Runnable::run)
                    .maximumSize(settings.cacheSize())
                    .expireAfter(new BoundedStaleness(boundNanos))
                    .refreshAfterWrite(Duration.ofNanos(Math.max(1, boundNanos / 2)))
                    .ticker(ticker::getAsLong)
                    .buildAsync(new Loader());
            this.verified = cache.synchronous();
            this.negative = Caffeine.newBuilder()
                    .maximumSize(settings.negativeCacheSize())
                    .expireAfterWrite(settings.revocationBound())
                    .ticker(ticker::getAsLong)
                    .build();
        } else {
            this.refresher = null;
            this.lookups = null;
            this.cache = null;
            this.verified = null;
            this.negative = null;
        }
    }

    /** Whether {@code token} has a shape this verifier reads (its prefix, or a Concord key if enabled). */
    public boolean claims(String token) {
        return settings.keys().hasPrefix(token) || (settings.acceptConcordKeys() && ConcordKeys.isWellFormed(token));
    }

    /** The digest a key is stored under, or {@code null} if the key is not well-formed here. */
    public byte[] digestOf(String token) {
        byte[] ascii = settings.keys().wellFormedBytes(token);
        if (ascii != null) {
            return Digests.sha256(ascii);
        }
        if (settings.acceptConcordKeys() && ConcordKeys.isWellFormed(token)) {
            return ConcordKeys.digest(token);
        }
        return null;
    }

    /**
     * Verifies a presented key. Never throws; never asks the store (or remembers as unknown) a key
     * that is not well-formed.
     *
     * <p>The hot path is one SHA-256 and one cache probe: a key that has this format's prefix and
     * length is hashed and looked up among the verified keys first. Only a key found there skips
     * the character and checksum check, which it passed when it was verified (equal digests mean an
     * equal key); every other key is checked in full before the negative cache or the store sees it.
     */
    public AuthenticationResult verify(String token) {
        GatehouseKeys keys = settings.keys();
        Cache<Digests.Key, Entry> hot = verified;
        if (hot != null && token != null && token.length() == keys.length() && keys.hasPrefix(token)) {
            Digests.Key key = new Digests.Key(Digests.sha256(token.getBytes(StandardCharsets.US_ASCII)));
            Entry hit = hot.getIfPresent(key);
            if (hit != null) {
                long now = clock.millis();
                if (hit.authenticated != null && now < hit.expiresAtMillis && hit.format == ApiKey.KeyFormat.GATEHOUSE) {
                    lastUsed.touch(hit, now);
                    return hit.authenticated;
                }
                return decide(hit, ApiKey.KeyFormat.GATEHOUSE);
            }
            return verifyUncached(token, key);
        }
        return verifyUncached(token, null);
    }

    /**
     * Everything but a cache hit, kept out of {@link #verify} so that the hot path stays small
     * enough for the JIT to inline it into the engine's loop.
     *
     * @param key the digest of a token of the right prefix and length, if already computed
     */
    private AuthenticationResult verifyUncached(String token, Digests.Key key) {
        if (token == null) {
            return MALFORMED;
        }
        GatehouseKeys keys = settings.keys();
        if (keys.hasPrefix(token)) {
            if (token.length() != keys.length()) {
                return MALFORMED;
            }
            byte[] ascii = token.getBytes(StandardCharsets.US_ASCII);
            if (!keys.isWellFormed(ascii)) {
                return MALFORMED;
            }
            return verifyWellFormed(key != null ? key : new Digests.Key(Digests.sha256(ascii)),
                    ApiKey.KeyFormat.GATEHOUSE);
        }
        if (settings.acceptConcordKeys() && token.length() == ConcordKeys.LENGTH) {
            return ConcordKeys.isWellFormed(token)
                    ? verifyWellFormed(new Digests.Key(ConcordKeys.digest(token)), ApiKey.KeyFormat.CONCORD)
                    : MALFORMED;
        }
        return AuthenticationResult.NotMine.instance();
    }

    private AuthenticationResult verifyWellFormed(Digests.Key key, ApiKey.KeyFormat format) {
        Entry entry;
        try {
            entry = lookup(key);
        } catch (LookupFailedException e) {
            return new AuthenticationResult.Unavailable(e.getMessage(), RETRY_AFTER);
        }
        return decide(entry, format);
    }

    private AuthenticationResult decide(Entry entry, ApiKey.KeyFormat format) {
        if (entry == null || entry.format != format) {
            return UNKNOWN;
        }
        long now = clock.millis();
        if (now >= entry.expiresAtMillis) {
            return AuthenticationResult.Rejected.conclusively("API key " + entry.keyId + " expired");
        }
        if (entry.authenticated == null) {
            return AuthenticationResult.Rejected.conclusively(entry.refusal);
        }
        lastUsed.touch(entry, now);
        return entry.authenticated;
    }

    private Entry lookup(Digests.Key key) {
        if (cache == null) {
            Entry entry = load(key, ticker.getAsLong());
            if (entry == Entry.FAILED) {
                throw new LookupFailedException("API-key store or user directory unavailable");
            }
            return entry;
        }
        Entry entry = verified.getIfPresent(key);
        if (entry != null) {
            return entry;
        }
        if (negative.getIfPresent(key) != null) {
            return null;
        }
        CompletableFuture<Entry> pending;
        try {
            pending = cache.get(key); // one lookup per key, however many requests miss at once
        } catch (RejectedExecutionException e) {
            throw new LookupFailedException("API-key lookups: all " + settings.maxConcurrentLookups()
                    + " busy and the queue is full");
        }
        try {
            entry = pending.get(lookupTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new LookupFailedException("API-key lookup did not finish within " + settings.lookupTimeout());
        } catch (ExecutionException e) {
            throw new LookupFailedException("API-key store or user directory unavailable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LookupFailedException("API-key lookup interrupted");
        }
        if (entry == Entry.FAILED) {
            throw new LookupFailedException("API-key store or user directory unavailable");
        }
        if (entry == null) {
            negative.put(key, Boolean.TRUE);
        }
        return entry;
    }

    /**
     * Reads a key and its owner: the entry, {@code null} if the key is unknown, or
     * {@link Entry#FAILED} if the store or directory failed (a value, not an exception, so that a
     * failure is neither cached nor logged by the cache with a stack trace). Runs on the lookup
     * pool (misses) or the refresh pool (reloads).
     */
    private Entry load(Digests.Key key, long startedNanos) {
        try {
            Optional<StoredApiKey> found = store.findByDigest(key.bytes());
            if (found.isEmpty() || !Digests.same(found.get().digest(), key.bytes())) {
                return null;
            }
            ApiKey k = found.get().key();
            Optional<User> owner = users.findById(k.owner());
            return Entry.of(k, owner, settings.realmName(), startedNanos);
        } catch (RuntimeException e) {
            LOG.warn("realm {}: API-key lookup failed: {}", settings.realmName(), e.toString());
            return Entry.FAILED;
        }
    }

    /** Loads on the bounded lookup pool; reloads on the refresh pool. Never inside a cache lock. */
    private final class Loader implements AsyncCacheLoader<Digests.Key, Entry> {
        @Override
        public CompletableFuture<Entry> asyncLoad(Digests.Key key, Executor executor) {
            long started = ticker.getAsLong();
            return CompletableFuture.supplyAsync(() -> load(key, started), lookups);
        }

        /**
         * A failed reload keeps the old entry with its old read time, so it still expires when the
         * state it holds is older than the bound: an outage never stretches the bound.
         */
        @Override
        public CompletableFuture<Entry> asyncReload(Digests.Key key, Entry old, Executor executor) {
            long started = ticker.getAsLong();
            return CompletableFuture.supplyAsync(() -> {
                Entry fresh = load(key, started);
                return fresh == Entry.FAILED ? old : fresh;
            }, refresher);
        }
    }

    /**
     * Forgets a key on this node at once (after it was revoked here), including a lookup of it in
     * flight, whose result is then not cached.
     */
    public void invalidate(StoredApiKey key) {
        if (cache != null) {
            verified.invalidate(new Digests.Key(key.digest()));
            UUID id = key.id();
            verified.asMap().values().removeIf(e -> e.keyId.equals(id));
        }
    }

    /** Forgets every cached key of {@code owner} on this node at once. */
    public void invalidateOwner(UUID owner) {
        if (cache != null) {
            verified.asMap().values().removeIf(e -> e.owner.equals(owner));
        }
    }

    /** Forgets that {@code digest} was unknown (it was just created here). */
    public void forgetUnknown(byte[] digest) {
        if (negative != null) {
            negative.invalidate(new Digests.Key(digest));
        }
    }

    /** Writes pending last-used times now. */
    public void flushLastUsed() {
        lastUsed.flush();
    }

    /** How many unknown digests are remembered (bounded by the negative cache size). */
    public long negativeEntries() {
        if (negative == null) {
            return 0;
        }
        negative.cleanUp();
        return negative.estimatedSize();
    }

    /** How many verified keys are cached. */
    public long cachedEntries() {
        if (cache == null) {
            return 0;
        }
        verified.cleanUp();
        return verified.estimatedSize();
    }

    @Override
    public void close() {
        lastUsed.close();
        if (refresher != null) {
            refresher.shutdown();
            lookups.shutdown();
        }
    }

    /** A store or directory failure, or too many lookups at once: the realm answers 503. */
    static final class LookupFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LookupFailedException(String message) {
            super(message, null, false, false);
        }
    }

    /** A verified key with its owner's standing, as read at {@link #loadedAtNanos}. */
    static final class Entry {
        /** The outcome of a lookup that failed; expires at once, never served. */
        static final Entry FAILED = new Entry();

        final UUID keyId;
        final UUID owner;
        final ApiKey.KeyFormat format;
        final long expiresAtMillis;
        final AuthenticationResult.Authenticated authenticated;
        final String refusal;
        final long loadedAtNanos;
        /**
         * When this node last queued a last-used time for the key. Plain, not volatile: a stale
         * read costs at most one extra queued time, and the hot path stays a plain load.
         */
        long lastRecordedMillis;

        private Entry() {
            this.keyId = new UUID(0, 0);
            this.owner = new UUID(0, 0);
            this.format = null;
            this.expiresAtMillis = Long.MIN_VALUE;
            this.authenticated = null;
            this.refusal = "lookup failed";
            this.loadedAtNanos = Long.MIN_VALUE;
        }

        private Entry(ApiKey key, AuthenticationResult.Authenticated authenticated, String refusal, long loadedAtNanos) {
            this.keyId = key.id();
            this.owner = key.owner();
            this.format = key.format();
            this.expiresAtMillis = key.expiresAt().map(t -> t.toEpochMilli()).orElse(Long.MAX_VALUE);
            this.authenticated = authenticated;
            this.refusal = refusal;
            this.loadedAtNanos = loadedAtNanos;
        }

        static Entry of(ApiKey key, Optional<User> owner, String realm, long loadedAtNanos) {
            if (owner.isEmpty()) {
                return new Entry(key, null, "owner " + key.owner() + " of API key " + key.id() + " no longer exists",
                        loadedAtNanos);
            }
            User user = owner.get();
            if (user.disabled()) {
                return new Entry(key, null, "user '" + user.username() + "' is disabled (API key " + key.id() + ")",
                        loadedAtNanos);
            }
            Identity identity = Identity.of(user, realm).toBuilder()
                    .attributes(Map.of("apikey.id", key.id().toString(), "apikey.name", key.name()))
                    .build();
            return new Entry(key, new AuthenticationResult.Authenticated(identity), null, loadedAtNanos);
        }
    }

    /**
     * Expires an entry when the state it holds is older than the bound, counted from the moment its
     * load began (not when it was stored), so that a slow lookup does not stretch the bound.
     */
    private static final class BoundedStaleness implements Expiry<Digests.Key, Entry> {
        private final long boundNanos;

        BoundedStaleness(long boundNanos) {
            this.boundNanos = boundNanos;
        }

        private long remaining(Entry e, long now) {
            return e == Entry.FAILED ? 0 : Math.max(0, boundNanos - (now - e.loadedAtNanos));
        }

        @Override
        public long expireAfterCreate(Digests.Key key, Entry value, long currentTime) {
            return remaining(value, currentTime);
        }

        @Override
        public long expireAfterUpdate(Digests.Key key, Entry value, long currentTime, long currentDuration) {
            return remaining(value, currentTime);
        }

        @Override
        public long expireAfterRead(Digests.Key key, Entry value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
