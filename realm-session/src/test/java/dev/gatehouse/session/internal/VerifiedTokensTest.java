package dev.gatehouse.session.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The verified-token cache: Caffeine, size-bounded, aged by the injected ticker only. */
class VerifiedTokensTest {

    private static final Duration BOUND = Duration.ofSeconds(1);

    private final MutableClock clock = MutableClock.atEpochOfTests();
    private final AtomicLong ticker = new AtomicLong(1_000_000_000L);
    private final List<Runnable> queued = new ArrayList<>();
    private final Executor manual = queued::add;
    private final AtomicReference<Optional<String>> reverifyAs = new AtomicReference<>(Optional.of("same"));
    private final AtomicInteger reverified = new AtomicInteger();

    private VerifiedTokens cache(int size) {
        return new VerifiedTokens(BOUND, size, ticker::get, clock, (old, started) -> {
            reverified.incrementAndGet();
            Optional<String> verdict = reverifyAs.get();
            if (verdict.isEmpty()) {
                return Optional.empty(); // the user was disabled
            }
            if (verdict.get().equals("failed")) {
                return Optional.of(old); // the directory did not answer
            }
            return Optional.of(new VerifiedTokens.Entry(old.token(), old.processId(), old.expiresAtMillis(), started,
                    old.result()));
        }, manual);
    }

    private VerifiedTokens.Entry entry(String token, long expiresAtMillis) {
        ProcessRef process = new ProcessRef(UUID.randomUUID(), "acme", Optional.empty());
        Identity identity = Identity.builder(UUID.randomUUID(), "u-" + token, "session").process(process).build();
        return new VerifiedTokens.Entry(token, process.id(), expiresAtMillis, ticker.get(),
                new AuthenticationResult.Authenticated(identity));
    }

    /** A JWE-shaped token whose tag (the cache key) is {@code tag}. */
    private static String token(String tag) {
        return "eyJhbGciOiJkaXIifQ..iv.ciphertext-" + tag + "." + tag;
    }

    private void advance(Duration d) {
        ticker.addAndGet(d.toNanos());
    }

    private void runQueued() {
        List<Runnable> now = new ArrayList<>(queued);
        queued.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void evictionAtTheSizeBoundKeepsTheMostRecentlyUsedEntries() {
        VerifiedTokens cache = cache(3);
        String hot = token("hot");
        cache.put(entry(hot, Long.MAX_VALUE));
        cache.put(entry(token("a"), Long.MAX_VALUE));
        cache.put(entry(token("b"), Long.MAX_VALUE));
        for (int i = 0; i < 5; i++) {
            assertThat(cache.find(hot)).isPresent();
        }
        for (int i = 0; i < 20; i++) {
            cache.put(entry(token("cold-" + i), Long.MAX_VALUE));
            assertThat(cache.find(hot)).as("after %d more entries", i + 1).isPresent();
        }
        assertThat(cache.size()).as("bounded, not emptied").isEqualTo(3);
        assertThat(cache.find(hot)).isPresent();
    }

    @Test
    void expiryFollowsTheTickerNotTheClock() {
        VerifiedTokens cache = cache(10);
        String t = token("t");
        cache.put(entry(t, Long.MAX_VALUE));
        clock.advance(Duration.ofHours(1)); // the wall clock does not age entries
        assertThat(cache.find(t)).isPresent();
        advance(BOUND.minusNanos(1));
        assertThat(cache.find(t)).isPresent();
        advance(Duration.ofNanos(1));
        assertThat(cache.find(t)).isEmpty();
        assertThat(cache.size()).isZero();
    }

    @Test
    void anEntryExpiresWithItsTokenIfThatComesFirst() {
        VerifiedTokens cache = cache(10);
        String t = token("t");
        cache.put(entry(t, clock.millis() + 300));
        advance(Duration.ofMillis(299));
        assertThat(cache.find(t)).isPresent();
        advance(Duration.ofMillis(1));
        assertThat(cache.find(t)).isEmpty();
    }

    @Test
    void anEntryInUseIsReReadInTheBackgroundAndLivesOnFromThatRead() {
        VerifiedTokens cache = cache(10);
        String t = token("t");
        cache.put(entry(t, Long.MAX_VALUE));
        advance(Duration.ofMillis(400));
        assertThat(cache.find(t)).isPresent();
        assertThat(queued).as("younger than half the bound: no re-read").isEmpty();
        advance(Duration.ofMillis(200));
        assertThat(cache.find(t)).isPresent();
        assertThat(queued).as("older than half the bound: one re-read, not on this thread").hasSize(1);
        assertThat(reverified).hasValue(0);
        runQueued();
        assertThat(reverified).hasValue(1);
        advance(Duration.ofMillis(900)); // 1.5 s after the first read, 0.9 s after the re-read
        assertThat(cache.find(t)).isPresent();
    }

    @Test
    void aReReadThatRefusesTheUserDropsTheEntry() {
        VerifiedTokens cache = cache(10);
        String t = token("t");
        cache.put(entry(t, Long.MAX_VALUE));
        advance(Duration.ofMillis(600));
        assertThat(cache.find(t)).isPresent();
        reverifyAs.set(Optional.empty());
        runQueued();
        assertThat(cache.find(t)).isEmpty();
    }

    @Test
    void aFailedReReadDoesNotStretchTheBound() {
        VerifiedTokens cache = cache(10);
        String t = token("t");
        cache.put(entry(t, Long.MAX_VALUE));
        advance(Duration.ofMillis(600));
        assertThat(cache.find(t)).isPresent();
        reverifyAs.set(Optional.of("failed"));
        runQueued();
        advance(Duration.ofMillis(399));
        assertThat(cache.find(t)).isPresent();
        advance(Duration.ofMillis(1));
        assertThat(cache.find(t)).as("the bound counts from the first read").isEmpty();
    }

    @Test
    void aRefusedReReadLeavesTheEntryToExpireOnTime() {
        VerifiedTokens cache = new VerifiedTokens(BOUND, 10, ticker::get, clock, (old, started) -> Optional.of(old),
                task -> {
                    throw new RejectedExecutionException("shut down");
                });
        String t = token("t");
        cache.put(entry(t, Long.MAX_VALUE));
        advance(Duration.ofMillis(600));
        assertThat(cache.find(t)).isPresent();
        advance(Duration.ofMillis(400));
        assertThat(cache.find(t)).isEmpty();
    }

    @Test
    void aTokenWithTheSameTagButOtherContentIsNotFound() {
        VerifiedTokens cache = cache(10);
        String t = token("tag");
        cache.put(entry(t, Long.MAX_VALUE));
        assertThat(cache.find(t.replace("ciphertext", "forged"))).isEmpty();
        assertThat(cache.find(t)).isPresent();
    }

    @Test
    void removingAUserDropsOnlyTheirEntries() {
        VerifiedTokens cache = cache(10);
        VerifiedTokens.Entry a = entry(token("a"), Long.MAX_VALUE);
        VerifiedTokens.Entry b = entry(token("b"), Long.MAX_VALUE);
        cache.put(a);
        cache.put(b);
        cache.removeUser(a.userId());
        assertThat(cache.find(a.token())).isEmpty();
        assertThat(cache.find(b.token())).isPresent();
    }

    @Test
    void zeroBoundOrZeroSizeTurnsTheCacheOff() {
        for (VerifiedTokens off : List.of(new VerifiedTokens(Duration.ZERO, 10, ticker::get, clock,
                (o, s) -> Optional.of(o), manual), cache(0))) {
            String t = token("t");
            off.put(entry(t, Long.MAX_VALUE));
            assertThat(off.enabled()).isFalse();
            assertThat(off.find(t)).isEmpty();
        }
    }

    @Test
    void anEntrysStringShowsNoToken() {
        String t = token("secret-tag");
        assertThat(entry(t, Long.MAX_VALUE).toString()).doesNotContain("secret-tag");
    }
}
