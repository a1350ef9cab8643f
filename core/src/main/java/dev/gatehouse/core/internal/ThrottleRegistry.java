package dev.gatehouse.core.internal;

import dev.gatehouse.core.Throttling;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Consecutive failures per key, in this node's memory. Thread-safe. See {@link Throttling}. */
public final class ThrottleRegistry {

    private final Throttling config;
    private final Clock clock;
    private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();

    private static final class State {
        int failures;
        long lastFailureMillis;
        long blockedUntilMillis;
    }

    public ThrottleRegistry(Throttling config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Whether no key has recent failures: then nothing is blocked and there is nothing to reset. */
    public boolean isEmpty() {
        return states.isEmpty();
    }

    /** How long {@code key} is still blocked, if it is. */
    public Optional<Duration> blocked(String key) {
        if (states.isEmpty()) {
            return Optional.empty();
        }
        State s = states.get(key);
        if (s == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        synchronized (s) {
            long remaining = s.blockedUntilMillis - now;
            return remaining > 0 ? Optional.of(Duration.ofMillis(remaining)) : Optional.empty();
        }
    }

    /** Records a failure for {@code key}. */
    public void failure(String key) {
        if (config.isDisabled()) {
            return;
        }
        long now = clock.millis();
        if (states.size() >= config.maxTracked() && !states.containsKey(key)) {
            evict(now);
        }
        State s = states.computeIfAbsent(key, k -> new State());
        synchronized (s) {
            if (now - s.lastFailureMillis >= config.maxDelay().toMillis() && s.blockedUntilMillis <= now) {
                s.failures = 0; // a quiet period forgives old failures
            }
            s.failures++;
            s.lastFailureMillis = now;
            int over = s.failures - config.maxFailures();
            if (over >= 0) {
                long delay = config.initialDelay().toMillis() << Math.min(over, 30);
                if (delay <= 0 || delay > config.maxDelay().toMillis()) {
                    delay = config.maxDelay().toMillis();
                }
                s.blockedUntilMillis = now + delay;
            }
        }
    }

    /** Forgets the failures of {@code key}. */
    public void success(String key) {
        if (!states.isEmpty()) {
            states.remove(key);
        }
    }

    private void evict(long now) {
        for (Iterator<Map.Entry<String, State>> it = states.entrySet().iterator(); it.hasNext(); ) {
            State s = it.next().getValue();
            synchronized (s) {
                if (s.blockedUntilMillis <= now) {
                    it.remove();
                }
            }
            if (states.size() < config.maxTracked() / 2) {
                return;
            }
        }
    }

    int size() {
        return states.size();
    }
}
