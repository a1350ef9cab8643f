package dev.gatehouse.apikey;

import java.time.Clock;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The monotonic ticker that {@link ApiKeyRealm.Builder#ticker} takes (Caffeine ages cache entries
 * by it), derived from a test's clock, so that stepping core's {@code MutableClock} steps the
 * cache too: nanoseconds since the epoch of {@code clock}.
 */
final class ClockTicker {

    private ClockTicker() {}

    static LongSupplier of(Clock clock) {
        return () -> {
            Instant t = clock.instant();
            return t.getEpochSecond() * 1_000_000_000L + t.getNano();
        };
    }
}
