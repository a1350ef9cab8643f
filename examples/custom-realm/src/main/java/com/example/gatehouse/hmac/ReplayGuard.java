package com.example.gatehouse.hmac;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests {@link HmacRealm} accepted within the clock-skew window, so that each is accepted
 * once. A request is remembered as a 64-bit keyed hash of its key id and nonce, in the bucket of
 * its date's second; a bucket is dropped whole once that second leaves the window (the date check
 * refuses such a request anyway). A captured request replayed unchanged has the same key id, nonce
 * and date, so it meets its own entry.
 *
 * <p>Why not a general cache: at tens of thousands of requests a second and a five-minute window,
 * millions of entries are alive at once. As cache entries (about 160 bytes each, measured) they
 * made every young GC copy them, and the pauses (50 to 136 ms) were the benchmark's p99. Here an
 * entry is 8 to 16 bytes in a few large {@code long} arrays.
 *
 * <p>The hash is keyed with 64 random bits made per instance, and only requests whose signature
 * verified are added, so nobody without a key can place an entry. Two different requests share
 * an entry with probability about n/2<sup>64</sup> for n remembered: negligible, and its only
 * effect would be a refused request. At most {@code max} requests are remembered: when that many
 * live ones are, {@link #accept} says {@link Outcome#FULL} rather than forget one. Thread-safe.
 */
final class ReplayGuard {

    enum Outcome { FRESH, REPLAYED, FULL }

    private final Bucket[] ring;
    private final long windowSeconds;
    private final int max;
    private final AtomicInteger size = new AtomicInteger();
    private final long seed = new SecureRandom().nextLong();

    /**
     * @param windowSeconds the largest accepted distance, in whole seconds rounded up, between a
     *     request's date and the server's clock
     * @param max the most requests remembered at once
     */
    ReplayGuard(long windowSeconds, int max) {
        this.windowSeconds = windowSeconds;
        this.max = max;
        // every second that can be live, [now - window - 1, now + window + 1], has a slot of its own
        this.ring = new Bucket[Math.toIntExact(2 * windowSeconds + 3)];
        for (int i = 0; i < ring.length; i++) {
            ring[i] = new Bucket();
        }
    }

    /**
     * Remembers a request dated {@code dateSecond} (epoch seconds, within the window of
     * {@code nowSecond}) unless it was seen before or the bound is reached.
     */
    Outcome accept(String keyId, String nonce, long dateSecond, long nowSecond) {
        long h = hash(keyId, nonce);
        Bucket bucket = ring[(int) Math.floorMod(dateSecond, (long) ring.length)];
        Outcome outcome = bucket.add(dateSecond, h, nowSecond);
        if (outcome == Outcome.FULL) {
            sweep(nowSecond);
            outcome = bucket.add(dateSecond, h, nowSecond);
        }
        return outcome;
    }

    /** How many requests are remembered, expired buckets not yet dropped included. */
    int size() {
        return size.get();
    }

    private void sweep(long nowSecond) {
        for (Bucket b : ring) {
            b.dropIfBefore(nowSecond - windowSeconds - 1);
        }
    }

    /** FNV-1a over the key id, a separator and the nonce, seeded, then MurmurHash3's finaliser; never 0. */
    private long hash(String keyId, String nonce) {
        long h = seed ^ 0xcbf29ce484222325L;
        for (int i = 0; i < keyId.length(); i++) {
            h = (h ^ keyId.charAt(i)) * 0x100000001b3L;
        }
        h = (h ^ 0x10000) * 0x100000001b3L; // not a char: the key id ends here
        for (int i = 0; i < nonce.length(); i++) {
            h = (h ^ nonce.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }

    /** The requests dated one second: an open-addressing set of non-zero longs. */
    private final class Bucket {
        private long second = Long.MIN_VALUE;
        private long[] table = new long[16];
        private int count;

        synchronized Outcome add(long dateSecond, long h, long nowSecond) {
            if (second != dateSecond) {
                if (second != Long.MIN_VALUE && second >= nowSecond - windowSeconds - 1) {
                    // Not a past second (no two live seconds share a slot): a later one, so the
                    // clock stepped back by more than the window. Dropping it would let its
                    // requests be replayed once the clock catches up: refuse until then.
                    return Outcome.FULL;
                }
                clear(); // the slot's previous second has left the window
                second = dateSecond;
            }
            int mask = table.length - 1;
            int i = (int) h & mask;
            while (table[i] != 0) {
                if (table[i] == h) {
                    return Outcome.REPLAYED;
                }
                i = (i + 1) & mask;
            }
            if (size.incrementAndGet() > max) {
                size.decrementAndGet();
                return Outcome.FULL;
            }
            table[i] = h;
            if (++count * 2 > table.length) {
                grow();
            }
            return Outcome.FRESH;
        }

        synchronized void dropIfBefore(long oldestLive) {
            if (second < oldestLive) {
                clear();
            }
        }

        private void clear() {
            size.addAndGet(-count);
            count = 0;
            if (table.length > 16) {
                table = new long[16];
            } else {
                Arrays.fill(table, 0L);
            }
        }

        private void grow() {
            long[] old = table;
            table = new long[old.length * 2];
            int mask = table.length - 1;
            for (long h : old) {
                if (h != 0) {
                    int i = (int) h & mask;
                    while (table[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    table[i] = h;
                }
            }
        }
    }
}
