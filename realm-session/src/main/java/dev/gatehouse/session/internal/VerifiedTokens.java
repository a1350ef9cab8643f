package dev.gatehouse.session.internal;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Identity;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens that passed full verification recently, so that a token presented again skips the
 * decryption. An entry is used for at most {@code ttlMillis} after it was verified and never past
 * the token's expiry; the process's status is still asked of the registry on every use, so a
 * final status revokes a cached token as fast as an uncached one. What the entry does keep for up
 * to the TTL is the user record's verdict (a user disabled meanwhile is refused at the latest when
 * the entry ages out).
 *
 * <p>Entries are found by the token's authentication tag (for a JWE, 128 unpredictable bits) and
 * then compared with the whole presented token in constant time. Only successes are cached, so a
 * caller cannot fill the cache without valid tokens; when full, it is cleared. Thread-safe.
 */
final class VerifiedTokens {

    /** One verified token. {@code result} is the prebuilt answer, reused while nothing changed. */
    record Entry(String token, UUID processId, long expiresAtMillis, long verifiedAtMillis,
            AuthenticationResult.Authenticated result) {
        Identity identity() {
            return result.identity();
        }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlMillis;
    private final int maxEntries;

    VerifiedTokens(long ttlMillis, int maxEntries) {
        this.ttlMillis = ttlMillis;
        this.maxEntries = maxEntries;
    }

    boolean enabled() {
        return ttlMillis > 0;
    }

    /** The entry for exactly {@code token}, if verified less than the TTL ago; null otherwise. */
    Entry get(String token, long nowMillis) {
        if (ttlMillis <= 0) {
            return null;
        }
        String key = key(token);
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (!ConstantTime.equals(e.token, token)) {
            return null;
        }
        if (nowMillis - e.verifiedAtMillis >= ttlMillis || nowMillis < e.verifiedAtMillis) {
            entries.remove(key, e);
            return null;
        }
        return e;
    }

    void put(Entry e) {
        if (ttlMillis <= 0) {
            return;
        }
        if (entries.size() >= maxEntries) {
            evictExpired(e.verifiedAtMillis);
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
        }
        entries.put(key(e.token), e);
    }

    void remove(Entry e) {
        entries.remove(key(e.token), e);
    }

    int size() {
        return entries.size();
    }

    private void evictExpired(long nowMillis) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (nowMillis - e.verifiedAtMillis >= ttlMillis) {
                it.remove();
            }
        }
    }

    /** A JWE's authentication tag (after the last dot); a Concord token as a whole. */
    private static String key(String token) {
        int dot = token.lastIndexOf('.');
        return dot < 0 ? token : token.substring(dot + 1);
    }
}
