package dev.gatehouse.ldap.internal;

import dev.gatehouse.core.ExternalUser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Successful directory logins, remembered for a bounded time so that a client that sends its
 * password with every request does not cost a bind per request. What is kept per login is a
 * {@link PasswordDigest} (salted SHA-256, never the password) and what the directory said about
 * the user; a presented password is accepted only if its digest matches, compared in constant
 * time. Failures are never stored.
 *
 * <p>Bounds: an entry lives at most {@code ttl} by the injected clock (so a password changed or an
 * account disabled in the directory is honoured within {@code ttl}); at most {@code maxEntries}
 * logins are kept. A {@code ttl} of zero disables the cache. Thread-safe.
 */
public final class LoginCache {

    private record Entry(PasswordDigest digest, ExternalUser user, Instant expires) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration ttl;
    private final int maxEntries;

    public LoginCache(Clock clock, Duration ttl, int maxEntries) {
        this.clock = clock;
        this.ttl = ttl;
        this.maxEntries = maxEntries;
    }

    /** What the directory said about {@code key}, if it confirmed this very password less than ttl ago. */
    public Optional<ExternalUser> lookup(String key, byte[] password) {
        Entry e = entries.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(e.expires)) {
            entries.remove(key, e);
            return Optional.empty();
        }
        return e.digest.matches(password) ? Optional.of(e.user) : Optional.empty();
    }

    /** Remembers a login the directory just confirmed. */
    public void put(String key, PasswordDigest digest, ExternalUser user) {
        if (ttl.isZero()) {
            return;
        }
        Instant now = clock.instant();
        if (entries.size() >= maxEntries && !entries.containsKey(key)) {
            makeRoom(now);
        }
        entries.put(key, new Entry(digest, user, now.plus(ttl)));
    }

    /** Forgets {@code key}: the directory refused a password for it, so an older one may be stale. */
    public void evict(String key) {
        entries.remove(key);
    }

    /** How many logins are remembered (expired ones included until they are looked at). */
    public int size() {
        return entries.size();
    }

    private void makeRoom(Instant now) {
        entries.values().removeIf(e -> !now.isBefore(e.expires));
        Iterator<String> it = entries.keySet().iterator();
        while (entries.size() >= maxEntries && it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
