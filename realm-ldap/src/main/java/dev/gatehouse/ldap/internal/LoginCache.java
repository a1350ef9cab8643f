package dev.gatehouse.ldap.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.gatehouse.core.ExternalUser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Successful directory logins, remembered for a bounded time so that a client that sends its
 * password with every request does not cost a bind per request. What is kept per login is a
 * {@link PasswordDigest} (salted SHA-256, never the password) and what the directory said about
 * the user; a presented password is accepted only if its digest matches, compared in constant
 * time. Failures are never stored, and a failure does not remove the entry of another password.
 *
 * <p>A Caffeine cache. Bounds: each entry expires {@code ttl} after it was written, measured by
 * the injected clock (so a password changed or an account disabled in the directory is honoured
 * within {@code ttl}); at most {@code maxEntries} logins are kept, and when a new one needs room
 * the cache evicts the entry least likely to be used again (recency and frequency, W-TinyLFU),
 * one at a time, never the whole cache. A {@code ttl} of zero disables the cache. Thread-safe.
 */
public final class LoginCache {

    private record Entry(PasswordDigest digest, ExternalUser user) {}

    /** Compared against on a miss, so that a miss costs what a wrong password costs. */
    private static final PasswordDigest NO_ENTRY = PasswordDigest.of(new byte[] {0});

    private final boolean enabled;
    private final Cache<String, Entry> entries;

    /**
     * @param clock ages the entries; the system clocks are read through {@link System#nanoTime()}
     *     (monotonic), any other clock (a test's) through its {@link Clock#instant()}
     */
    public LoginCache(Clock clock, Duration ttl, int maxEntries) {
        this.enabled = !ttl.isZero();
        this.entries = Caffeine.newBuilder()
                // maintenance (eviction, expiry) on the calling thread: no pool thread woken per write
                .executor(Runnable::run)
                .ticker(ticker(clock))
                .expireAfterWrite(enabled ? ttl : Duration.ofNanos(1))
                .maximumSize(enabled ? maxEntries : 0)
                .build();
    }

    /** Caffeine's time source for {@code clock}: monotonic for the system clocks. */
    static Ticker ticker(Clock clock) {
        if (clock.getClass() == Clock.systemUTC().getClass()) {
            return Ticker.systemTicker();
        }
        return () -> {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
    }

    /** What the directory said about {@code key}, if it confirmed this very password less than ttl ago. */
    public Optional<ExternalUser> lookup(String key, byte[] password) {
        if (!enabled) {
            return Optional.empty();
        }
        Entry e = entries.getIfPresent(key);
        if (e == null) {
            NO_ENTRY.matches(password); // the same digest work as a mismatch
            return Optional.empty();
        }
        return e.digest().matches(password) ? Optional.of(e.user()) : Optional.empty();
    }

    /** Remembers a login the directory just confirmed, replacing what was kept for {@code key}. */
    public void put(String key, PasswordDigest digest, ExternalUser user) {
        if (enabled) {
            entries.put(key, new Entry(digest, user));
        }
    }

    /**
     * Forgets {@code key} only if its entry is for {@code password}: the directory just refused
     * that very password. A refusal of any other password leaves the entry alone, so that a typo
     * does not take away a user's cached login, which keeps working while the directory is down.
     */
    public void forgetIfFor(String key, byte[] password) {
        if (enabled) {
            entries.asMap().computeIfPresent(key, (k, e) -> e.digest().matches(password) ? null : e);
        }
    }

    /** How many logins are remembered, after expired and surplus entries were dropped. */
    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }
}
