package dev.gatehouse.apikey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A clock and a monotonic ticker that move only when a test says so. Thread-safe. */
final class TestTime extends Clock {

    private final Instant origin;
    private final AtomicLong elapsedNanos = new AtomicLong();

    TestTime(Instant origin) {
        this.origin = origin;
    }

    static TestTime at(String instant) {
        return new TestTime(Instant.parse(instant));
    }

    void advance(Duration d) {
        elapsedNanos.addAndGet(d.toNanos());
    }

    LongSupplier ticker() {
        return () -> 1_000_000_000_000L + elapsedNanos.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
        return origin.plusNanos(elapsedNanos.get());
    }
}
