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
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.ConstantTime;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.Permission;
import dev.gatehouse.apikey.ApiKeyPermissions;
import java.util.Set;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
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
 * size-bounded negative cache for the same bound; only a store that answered "no such key" puts
 * one there, never a failure.
 *
 * <p>Lookups run on a bounded pool ({@code maxConcurrentLookups} threads and
 * {@value #QUEUED_LOOKUPS_PER_THREAD} times as many queued), never inside the cache's own locks and
 * never on the request thread, also with the cache off. At most {@link #maxWaitingRequests()}
 * requests wait for lookups at once; beyond that, or with the pool and its queue full, a miss is
 * {@code Unavailable} at once. A waiting request waits once, at most {@code lookupTimeout}, and is
 * then {@code Unavailable} while its lookup goes on (and may still fill the cache). Every failure
 * of the store or the user directory is {@code Unavailable} (503), never a rejection, and leaves
 * nothing behind: the next request for the key asks the store again. Revoking a key on this node
 * also discards a lookup of it in flight, so its result is never cached.
 */
public final class KeyVerifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyVerifier.class);

    static final int QUEUED_LOOKUPS_PER_THREAD = 4;
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    static final int REFRESH_THREADS = 2;
    static final String BACKEND = "api-key store";

    private static final AuthenticationResult.Rejected MALFORMED =
            AuthenticationResult.Rejected.conclusively("malformed API key (length, characters or checksum)");
    private static final AuthenticationResult.Rejected UNKNOWN =
            AuthenticationResult.Rejected.conclusively("unknown or revoked API key");
    private static final AuthenticationResult.Unavailable BROKEN =
            new AuthenticationResult.Unavailable(BACKEND + " (lookup failed)", RETRY_AFTER);
    private static final AuthenticationResult.Unavailable INTERRUPTED =
            new AuthenticationResult.Unavailable(BACKEND + " (lookup interrupted)", RETRY_AFTER);

    /** The settings of one verifier, as {@link dev.gatehouse.apikey.ApiKeyRealm.Builder} documents them. */
    public record Settings(String realmName, GatehouseKeys keys, boolean acceptConcordKeys, Duration revocationBound,
            int cacheSize, int negativeCacheSize, int maxConcurrentLookups, Duration lookupTimeout,
            Duration lastUsedFlushInterval) {}

    private final Settings settings;
    private final ApiKeyPermissions permissions;
    private final ApiKeyStore store;
    private final UserDirectory users;
    private final Clock clock;
    private final AsyncLoadingCache<Digests.Key, Entry> cache;
    private final Cache<Digests.Key, Entry> verified; // the synchronous view of cache: hits only
    private final Cache<Digests.Key, Boolean> negative;
    private final ThreadPoolExecutor lookups;
    private final Semaphore waiting;
    private final int maxWaiting;
    private final long lookupTimeoutNanos;
    private final AuthenticationResult.Unavailable busy;
    private final AuthenticationResult.Unavailable timedOut;
    private final LastUsedRecorder lastUsed;
    private final LongSupplier ticker;
    private final long boundNanos;
    private final ExecutorService refresher;

    /** A verifier; starts its background threads (stopped by {@link #close()}). */
    public KeyVerifier(Settings settings, ApiKeyStore store, UserDirectory users, Clock clock, LongSupplier ticker) {
        this(settings, store, users, clock, ticker, ApiKeyPermissions.adminRole("admin"));
    }

    /** A verifier whose scoped keys are narrowed to what {@code permissions} says their owners may do. */
    public KeyVerifier(Settings settings, ApiKeyStore store, UserDirectory users, Clock clock, LongSupplier ticker,
            ApiKeyPermissions permissions) {
        this.permissions = permissions;
        this.settings = settings;
        this.store = store;
        this.users = users;
        this.clock = clock;
        this.ticker = ticker;
        this.boundNanos = settings.revocationBound().toNanos();
        this.lookupTimeoutNanos = settings.lookupTimeout().toNanos();
        this.lastUsed = new LastUsedRecorder(store, settings.lastUsedFlushInterval(), settings.realmName());
        int n = settings.maxConcurrentLookups();
        this.lookups = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(n * QUEUED_LOOKUPS_PER_THREAD),
                daemons("gatehouse-apikey-lookup-" + settings.realmName()), new ThreadPoolExecutor.AbortPolicy());
        lookups.allowCoreThreadTimeOut(true);
        // As many waiting requests as the pool runs and queues: requests that join another's lookup
        // of the same key count too, so a hung store holds at most this many request threads.
        this.maxWaiting = n * (1 + QUEUED_LOOKUPS_PER_THREAD);
        this.waiting = new Semaphore(maxWaiting);
        this.busy = new AuthenticationResult.Unavailable(BACKEND + " (all " + n + " lookups and their queue busy)",
                RETRY_AFTER);
        this.timedOut = new AuthenticationResult.Unavailable(BACKEND + " (no answer within "
                + settings.lookupTimeout() + ")", RETRY_AFTER);
        if (settings.cacheSize() > 0 && boundNanos > 0) {
            // Reloads block on JDBC: keep them off the common fork-join pool. A reload queues once
            // per cached key at most. After close(), reloads are dropped quietly (CallerRunsPolicy
            // discards tasks once the pool is shut down).
            this.refresher = new ThreadPoolExecutor(REFRESH_THREADS, REFRESH_THREADS, 0, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(), daemons("gatehouse-apikey-refresh-" + settings.realmName()),
                    new ThreadPoolExecutor.CallerRunsPolicy());
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
            users.addChangeListener(this::invalidateOwner); // a change made on this node counts at once
        } else {
            this.refresher = null;
            this.cache = null;
            this.verified = null;
            this.negative = null;
        }
    }

    private static ThreadFactory daemons(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
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
     * that is not well-formed; never waits longer than {@code lookupTimeout}.
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
        if (settings.acceptConcordKeys() && ConcordKeys.isWellFormed(token)) {
            return verifyWellFormed(new Digests.Key(ConcordKeys.digest(token)), ApiKey.KeyFormat.CONCORD);
        }
        return AuthenticationResult.NotMine.instance();
    }

    private AuthenticationResult verifyWellFormed(Digests.Key key, ApiKey.KeyFormat format) {
        if (cache != null) {
            Entry cached = verified.getIfPresent(key);
            if (cached != null) {
                return decide(cached, format);
            }
            if (negative.getIfPresent(key) != null) {
                return UNKNOWN;
            }
        }
        if (!waiting.tryAcquire()) {
            return busy;
        }
        Entry entry;
        try {
            entry = await(key);
        } finally {
            waiting.release();
        }
        if (entry == null) {
            // The store answered: no such key. Only this is remembered, never a failure.
            if (negative != null) {
                negative.put(key, Boolean.TRUE);
            }
            return UNKNOWN;
        }
        return decide(entry, format);
    }

    /**
     * Waits at most {@code lookupTimeout} for the lookup of {@code key} on the lookup pool: the
     * entry, {@code null} if the store has no such key, or a failed entry.
     */
    private Entry await(Digests.Key key) {
        CompletableFuture<Entry> pending;
        try {
            pending = cache != null
                    ? cache.get(key) // one lookup per key, however many requests miss at once
                    : CompletableFuture.supplyAsync(() -> load(key, ticker.getAsLong()), lookups);
        } catch (RejectedExecutionException e) {
            return Entry.failed(busy);
        }
        try {
            Entry entry = pending.get(lookupTimeoutNanos, TimeUnit.NANOSECONDS);
            if (entry != null && entry.unavailable != null && cache != null) {
                // Its zero expiry is set by a callback that may not have run yet when this thread
                // wakes: remove it here, so that the next request after the outage asks again.
                cache.asMap().remove(key, pending);
            }
            return entry;
        } catch (TimeoutException e) {
            return Entry.failed(timedOut);
        } catch (ExecutionException e) {
            return Entry.failed(BROKEN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Entry.failed(INTERRUPTED);
        }
    }

    private AuthenticationResult decide(Entry entry, ApiKey.KeyFormat format) {
        if (entry.unavailable != null) {
            return entry.unavailable;
        }
        if (entry.format != format) {
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

    /**
     * Reads a key and its owner: the entry, {@code null} if the key is unknown, or a failed entry
     * if the store or directory failed (a value, not an exception, so that a failure is neither
     * cached nor logged by the cache with a stack trace). Runs on the lookup pool (misses) or the
     * refresh pool (reloads).
     */
    private Entry load(Digests.Key key, long startedNanos) {
        try {
            Optional<StoredApiKey> found = store.findByDigest(key.bytes());
            if (found.isEmpty() || !ConstantTime.equals(found.get().digest(), key.bytes())) {
                return null;
            }
            ApiKey k = found.get().key();
            Optional<User> owner = users.findById(k.owner());
            return Entry.of(k, owner, settings.realmName(), startedNanos, permissions);
        } catch (BackendUnavailableException e) {
            LOG.warn("realm {}: API-key lookup failed: {}", settings.realmName(), e.getMessage());
            return Entry.failed(e.toResult());
        } catch (RuntimeException e) {
            // Not an outage the store reported, but the key cannot be verified: fail closed with a
            // 503 (the credentials may be right), naming only the exception's type.
            LOG.warn("realm {}: API-key lookup failed: {}", settings.realmName(), e.getClass().getName());
            return Entry.failed(BROKEN);
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
                return fresh != null && fresh.unavailable != null ? old : fresh;
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

    /** How many requests wait for a lookup right now (at most {@link #maxWaitingRequests()}). */
    public int waitingRequests() {
        return maxWaiting - waiting.availablePermits();
    }

    /** The most requests that wait for lookups at once: {@code maxConcurrentLookups} x 5. */
    public int maxWaitingRequests() {
        return maxWaiting;
    }

    @Override
    public void close() {
        lastUsed.close();
        lookups.shutdown();
        if (refresher != null) {
            refresher.shutdown();
        }
    }

    /**
     * A verified key with its owner's standing, as read at {@link #loadedAtNanos}; or the outcome
     * of a lookup that failed ({@link #unavailable} set), which expires at once and is never
     * served.
     */
    static final class Entry {

        final UUID keyId;
        final UUID owner;
        final ApiKey.KeyFormat format;
        final long expiresAtMillis;
        final AuthenticationResult.Authenticated authenticated;
        final String refusal;
        final AuthenticationResult.Unavailable unavailable;
        final long loadedAtNanos;
        /**
         * When this node last queued a last-used time for the key. Plain, not volatile: a stale
         * read costs at most one extra queued time, and the hot path stays a plain load.
         */
        long lastRecordedMillis;

        private Entry(AuthenticationResult.Unavailable unavailable) {
            this.keyId = new UUID(0, 0);
            this.owner = new UUID(0, 0);
            this.format = null;
            this.expiresAtMillis = Long.MIN_VALUE;
            this.authenticated = null;
            this.refusal = "lookup failed";
            this.unavailable = unavailable;
            this.loadedAtNanos = Long.MIN_VALUE;
        }

        private Entry(ApiKey key, AuthenticationResult.Authenticated authenticated, String refusal, long loadedAtNanos) {
            this.keyId = key.id();
            this.owner = key.owner();
            this.format = key.format();
            this.expiresAtMillis = key.expiresAt().map(t -> t.toEpochMilli()).orElse(Long.MAX_VALUE);
            this.authenticated = authenticated;
            this.refusal = refusal;
            this.unavailable = null;
            this.loadedAtNanos = loadedAtNanos;
        }

        /** A lookup that failed: the request is told {@code unavailable}. */
        static Entry failed(AuthenticationResult.Unavailable unavailable) {
            return new Entry(unavailable);
        }

        static Entry of(ApiKey key, Optional<User> owner, String realm, long loadedAtNanos,
                ApiKeyPermissions permissions) {
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
            if (key.scopes().isPresent()) {
                // Narrowed to what the owner may do now: an owner who lost a right loses it on the key.
                Set<Permission> held = permissions.permissionsOf(identity);
                identity = identity.toBuilder().scopes(Permission.intersection(key.scopes().get(), held)).build();
            }
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
            return e.unavailable != null ? 0 : Math.max(0, boundNanos - (now - e.loadedAtNanos));
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
