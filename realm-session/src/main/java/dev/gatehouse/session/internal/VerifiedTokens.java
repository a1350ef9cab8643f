package dev.gatehouse.session.internal;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.ConstantTime;
import dev.gatehouse.core.Identity;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Tokens that passed full verification, with the identity of their process's user, so that a
 * token presented again costs neither decryption nor a user-directory lookup. A Caffeine cache:
 * size-bounded (its own eviction policy keeps the entries in use), with an injected ticker and a
 * per-entry expiry.
 *
 * <p><b>The bound.</b> An entry holds the user's standing (exists, not disabled, roles) as read at
 * {@link Entry#loadedAtNanos}, the moment its read <em>began</em>. It expires when that state is
 * {@code bound} old, or at the token's own expiry if that comes first. Once it is half the bound
 * old, a request that uses it has it re-read in the background (on {@code refresher}, never on the
 * request's thread): the new entry replaces it if the user is still allowed, a refused user drops
 * it, and a failed read keeps the old entry with its old read time, so an outage never stretches
 * the bound. A user disabled anywhere is therefore refused here within {@code bound}.
 *
 * <p>The process's status is not part of the bound: the realm asks the registry on every use.
 *
 * <p>Entries are found by the token's authentication tag (for a JWE, 128 unpredictable bits) and
 * then compared with the whole presented token in constant time. Only successes are cached, so a
 * caller cannot fill the cache without valid tokens. Thread-safe.
 */
final class VerifiedTokens {

    /** One verified token; {@code result} is the prebuilt answer, reused while nothing changed. */
    record Entry(String token, UUID processId, long expiresAtMillis, long loadedAtNanos,
            AuthenticationResult.Authenticated result) {
        Entry {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(processId, "processId");
            Objects.requireNonNull(result, "result");
        }

        Identity identity() {
            return result.identity();
        }

        UUID userId() {
            return result.identity().userId();
        }

        @Override
        public String toString() {
            return "Entry[process " + processId + ", user " + userId() + ", token redacted]";
        }
    }

    /** Reads the user's standing for an entry again, off the request path. */
    @FunctionalInterface
    interface Reverifier {
        /**
         * @param startedNanos the ticker when the re-read began: the new entry's load time
         * @return the entry to keep ({@code old} itself when the read failed), or empty to drop it
         */
        Optional<Entry> reverify(Entry old, long startedNanos);
    }

    private final LoadingCache<String, Entry> cache; // null when caching is off
    private final LongSupplier ticker;

    /**
     * @param bound how old the state an entry holds may be; zero turns the cache off
     * @param maxEntries how many tokens are kept; zero turns the cache off
     * @param ticker nanoseconds, monotonic ({@code System::nanoTime} outside tests)
     * @param clock the wall clock token expiry is measured with
     * @param refresher where background re-reads run
     */
    VerifiedTokens(Duration bound, int maxEntries, LongSupplier ticker, Clock clock, Reverifier reverifier,
            Executor refresher) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        long boundNanos = bound.toNanos();
        if (boundNanos <= 0 || maxEntries <= 0) {
            this.cache = null;
            return;
        }
        this.cache = Caffeine.newBuilder()
                // Maintenance runs on the calling thread, amortised; re-reads go to the refresher.
                .executor(Runnable::run)
                .maximumSize(maxEntries)
                .expireAfter(new BoundedStaleness(boundNanos, clock))
                .refreshAfterWrite(Duration.ofNanos(Math.max(1, boundNanos / 2)))
                .ticker(ticker::getAsLong)
                .build(new Reloader(reverifier, refresher, ticker));
    }

    boolean enabled() {
        return cache != null;
    }

    /** The ticker's reading now: what a new entry's {@link Entry#loadedAtNanos} is taken from. */
    long now() {
        return ticker.getAsLong();
    }

    /** The live entry for exactly {@code token}, if any. */
    Optional<Entry> find(String token) {
        if (cache == null) {
            return Optional.empty();
        }
        Entry e = cache.getIfPresent(key(token));
        if (e == null || !ConstantTime.equals(e.token, token)) {
            return Optional.empty();
        }
        return Optional.of(e);
    }

    void put(Entry e) {
        if (cache != null) {
            cache.put(key(e.token), e);
        }
    }

    /** Drops {@code e}, unless it was replaced meanwhile. */
    void remove(Entry e) {
        if (cache != null) {
            cache.asMap().remove(key(e.token), e);
        }
    }

    /** Drops every entry of {@code userId} on this node. */
    void removeUser(UUID userId) {
        if (cache != null) {
            cache.asMap().values().removeIf(e -> e.userId().equals(userId));
        }
    }

    /** How many entries are held, after pending maintenance ran. */
    long size() {
        if (cache == null) {
            return 0;
        }
        cache.cleanUp();
        return cache.estimatedSize();
    }

    /** A JWE's authentication tag (after the last dot); a Concord token as a whole. */
    private static String key(String token) {
        int dot = token.lastIndexOf('.');
        return dot < 0 ? token : token.substring(dot + 1);
    }

    /** Entries are only ever put; re-reads run on the refresher, never inside a cache lock. */
    private static final class Reloader implements CacheLoader<String, Entry> {
        private final Reverifier reverifier;
        private final Executor refresher;
        private final LongSupplier ticker;

        Reloader(Reverifier reverifier, Executor refresher, LongSupplier ticker) {
            this.reverifier = reverifier;
            this.refresher = refresher;
            this.ticker = ticker;
        }

        @Override
        public Entry load(String key) {
            throw new UnsupportedOperationException("verified tokens are put after verification, never loaded");
        }

        @Override
        public CompletableFuture<Entry> asyncReload(String key, Entry old, Executor executor) {
            try {
                // A completed null drops the entry: the next request verifies the token in full.
                return CompletableFuture.supplyAsync(() -> {
                    long started = ticker.getAsLong();
                    return reverifier.reverify(old, started).orElse(null);
                }, refresher);
            } catch (RejectedExecutionException e) {
                return CompletableFuture.completedFuture(old); // shut down or overloaded: expire on time
            }
        }
    }

    /**
     * Expires an entry once the state it holds is {@code bound} old, counted from the moment its
     * read began, or at the token's expiry if that is sooner.
     */
    private static final class BoundedStaleness implements Expiry<String, Entry> {
        private final long boundNanos;
        private final Clock clock;

        BoundedStaleness(long boundNanos, Clock clock) {
            this.boundNanos = boundNanos;
            this.clock = clock;
        }

        private long remaining(Entry e, long now) {
            long stale = boundNanos - (now - e.loadedAtNanos);
            long untilExpiry = e.expiresAtMillis == Long.MAX_VALUE ? Long.MAX_VALUE
                    : TimeUnit.MILLISECONDS.toNanos(Math.max(0, e.expiresAtMillis - clock.millis()));
            return Math.max(0, Math.min(stale, untilExpiry));
        }

        @Override
        public long expireAfterCreate(String key, Entry value, long currentTime) {
            return remaining(value, currentTime);
        }

        @Override
        public long expireAfterUpdate(String key, Entry value, long currentTime, long currentDuration) {
            return remaining(value, currentTime);
        }

        @Override
        public long expireAfterRead(String key, Entry value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
