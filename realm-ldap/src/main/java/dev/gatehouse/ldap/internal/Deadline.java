package dev.gatehouse.ldap.internal;

import java.time.Duration;

/**
 * The moment by which one login must have its answer from the directory, on the monotonic clock
 * ({@link System#nanoTime()}): every step of the login (waiting for a pooled connection, search,
 * bind, group search, a retry on a fresh connection) gets what is left of it, never a fresh
 * timeout of its own. Immutable.
 */
record Deadline(long atNanos, Duration budget) {

    /** {@code budget} from now. */
    public static Deadline after(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos(), budget);
    }

    /** Nanoseconds left; zero or negative once passed. */
    long remainingNanos() {
        return atNanos - System.nanoTime();
    }

    /** Whole milliseconds left, at least 1 while any time is left, 0 once passed. */
    long remainingMillis() {
        long nanos = remainingNanos();
        return nanos <= 0 ? 0 : Math.max(1, nanos / 1_000_000L);
    }

    /** Whether no time is left. */
    boolean passed() {
        return remainingNanos() <= 0;
    }
}
