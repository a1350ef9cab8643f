package dev.gatehouse.ldap.internal;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Makes every refusal that the directory was asked about take about as long as the slow ones of
 * recent refusals, so that the time of an answer does not tell an unknown username from a wrong
 * password.
 *
 * <p>Both already do the same directory work (one search, one bind as an existing entry, one
 * revert), but the search itself cannot be made alike: for a wrong password the directory sends
 * the user's entry back, for an unknown user it sends none, and that one message is measurable
 * from outside on a fast directory (and a directory may check a real entry's password hash more
 * slowly than a decoy's). So a refused login is answered no sooner than {@code floor} after it
 * started, where {@code floor} is the 99th percentile of the last {@value #WINDOW} refusals' own
 * durations (pooled over both kinds), capped at ten times their median so that a burst of slow
 * answers cannot make typos slow for long, and never past the login's deadline. Waiting parks the
 * thread; it costs no CPU. Thread-safe.
 */
final class RefusalPacer {

    static final int WINDOW = 256;
    private static final int MIN_SAMPLES = 32;
    private static final int RECOMPUTE_EVERY = 8;

    private final long[] samples = new long[WINDOW]; // guarded by this
    private int next; // guarded by this
    private int count; // guarded by this
    private volatile long floorNanos;

    /** Takes note of how long a refusal took by itself, from the start of its login. */
    void record(long naturalNanos) {
        synchronized (this) {
            samples[next] = naturalNanos;
            next = (next + 1) % WINDOW;
            count = Math.min(count + 1, WINDOW);
            if (count >= MIN_SAMPLES && next % RECOMPUTE_EVERY == 0) {
                long[] sorted = Arrays.copyOf(samples, count);
                Arrays.sort(sorted);
                long p99 = sorted[(int) Math.ceil(count * 0.99) - 1];
                long median = sorted[count / 2];
                floorNanos = Math.min(p99, 10 * median);
            }
        }
    }

    /** Waits until {@code floor} after {@code startNanos}, but not past {@code deadline}. */
    void pace(long startNanos, Deadline deadline) {
        long until = Math.min(startNanos + floorNanos, deadline.atNanos());
        long left;
        while ((left = until - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(left);
        }
    }
}
