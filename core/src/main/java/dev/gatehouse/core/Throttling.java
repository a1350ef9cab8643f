package dev.gatehouse.core;

import java.time.Duration;
import java.util.Objects;

/**
 * When to slow down guessing. After {@code maxFailures} consecutive failures for one username
 * (or, for credentials without a username, one client address), further attempts are refused
 * with 429 for {@code initialDelay}, doubling with every further failure up to {@code maxDelay}.
 * A success resets the count; so does a quiet period of {@code maxDelay} after the last failure.
 *
 * <p>Throttling state lives in each node's memory: with N nodes behind a load balancer an
 * attacker gets up to N times the attempts. At most {@code maxTracked} usernames and addresses are
 * tracked per node; beyond that the ones not currently blocked are forgotten first.
 *
 * <p>Throttling per username lets anyone who knows a username delay that user's logins; this is
 * the usual trade-off (Spring Security, Shiro and Active Directory lockouts make it too), bounded
 * here by {@code maxDelay}.
 */
public record Throttling(int maxFailures, Duration initialDelay, Duration maxDelay, int maxTracked) {

    public Throttling {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1, was " + maxFailures);
        }
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new IllegalArgumentException("initialDelay must be positive, was " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay (" + maxDelay + ") must not be below initialDelay (" + initialDelay + ")");
        }
        if (maxTracked < 1) {
            throw new IllegalArgumentException("maxTracked must be at least 1, was " + maxTracked);
        }
    }

    /** 5 failures, then 1 s doubling up to 5 minutes; 100,000 keys tracked. */
    public static Throttling defaults() {
        return new Throttling(5, Duration.ofSeconds(1), Duration.ofMinutes(5), 100_000);
    }

    /** No throttling at all (for tests of other behaviour; not for production). */
    public static Throttling disabled() {
        return new Throttling(Integer.MAX_VALUE, Duration.ofMillis(1), Duration.ofMillis(1), 1);
    }

    /** Whether this is {@link #disabled()}. */
    public boolean isDisabled() {
        return maxFailures == Integer.MAX_VALUE;
    }
}
