package dev.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.testing.MutableClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The public throttle over the login throttle's table: subjects, actors and the three limits. */
class FailureThrottleTest {

    private final MutableClock clock = MutableClock.atEpochOfTests();

    private FailureThrottle throttle(int maxFailures, int perActor, int actorsPerSubject) {
        return FailureThrottle.create(Throttling.builder().maxFailures(maxFailures).initialDelay(Duration.ofSeconds(1))
                .maxDelay(Duration.ofMinutes(5)).maxTracked(1000).maxFailuresPerAddress(perActor)
                .maxAddressesPerAccount(actorsPerSubject).build(), clock);
    }

    @Test
    void anActorIsBlockedOnASubjectAfterMaxFailuresWithADoublingDelay() {
        FailureThrottle t = throttle(3, 0, 0);
        for (int i = 0; i < 2; i++) {
            t.failure("secret-1", "mallory");
        }
        assertThat(t.blocked("secret-1", "mallory")).isEmpty();

        t.failure("secret-1", "mallory");
        assertThat(t.blocked("secret-1", "mallory")).contains(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(t.blocked("secret-1", "mallory")).isEmpty();
        t.failure("secret-1", "mallory");
        assertThat(t.blocked("secret-1", "mallory")).contains(Duration.ofSeconds(2));

        assertThat(t.blocked("secret-1", "alice")).as("another actor").isEmpty();
        assertThat(t.blocked("secret-2", "mallory")).as("another subject").isEmpty();
    }

    @Test
    void aSuccessForgetsTheActorsCountOnThatSubject() {
        FailureThrottle t = throttle(2, 0, 0);
        t.failure("s", "alice");
        t.success("s", "alice");
        t.failure("s", "alice");
        assertThat(t.blocked("s", "alice")).isEmpty();
        t.failure("s", "alice");
        assertThat(t.blocked("s", "alice")).isPresent();
    }

    @Test
    void oneActorAloneNeverBlocksASubjectForOthersButManyActorsDo() {
        FailureThrottle t = throttle(1000, 0, 3);
        for (int i = 0; i < 500; i++) {
            t.failure("s", "mallory");
        }
        assertThat(t.blocked("s", "owner")).as("one actor, however many failures").isEmpty();

        t.failure("s", "sybil-1");
        assertThat(t.blocked("s", "owner")).isEmpty();
        t.failure("s", "sybil-2");
        Optional<Duration> blocked = t.blocked("s", "owner");
        assertThat(blocked).as("three distinct actors within maxDelay block the subject for all").isPresent();
        assertThat(t.blocked("other", "owner")).isEmpty();

        clock.advance(blocked.get());
        assertThat(t.blocked("s", "owner")).as("released when the oldest failure leaves the window").isEmpty();
    }

    @Test
    void anActorFailingAcrossSubjectsIsBlockedEverywhere() {
        FailureThrottle t = throttle(1000, 4, 0);
        for (int i = 0; i < 4; i++) {
            t.failure("secret-" + i, "sprayer");
        }
        assertThat(t.blocked("never-tried", "sprayer")).isPresent();
        assertThat(t.blocked("never-tried", "alice")).isEmpty();
        t.success("secret-0", "sprayer");
        assertThat(t.blocked("never-tried", "sprayer")).as("a success does not wash the actor's count").isPresent();
    }

    @Test
    void aQuietPeriodOfMaxDelayForgetsEverything() {
        FailureThrottle t = throttle(1, 0, 0);
        t.failure("s", "a");
        assertThat(t.blocked("s", "a")).isPresent();
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        t.failure("s", "b"); // sweeps idle entries
        clock.advance(Duration.ofSeconds(1));
        assertThat(t.blocked("s", "a")).isEmpty();
    }

    @Test
    void memoryIsBoundedByMaxTrackedWhateverTheKeys() {
        FailureThrottle t = FailureThrottle.create(Throttling.builder().maxFailures(1).maxTracked(100).build(), clock);
        String longName = "x".repeat(1000);
        for (int i = 0; i < 2000; i++) {
            t.failure(longName + i, "actor-" + i);
            assertThat(t.size()).isLessThanOrEqualTo(100);
        }
        assertThat(t.blocked(longName + 1999, "actor-1999")).as("the newest block is kept").isPresent();
    }

    @Test
    void aDisabledThrottleCountsNothing() {
        FailureThrottle t = FailureThrottle.create(Throttling.disabled(), clock);
        for (int i = 0; i < 100; i++) {
            t.failure("s", "a");
        }
        assertThat(t.isDisabled()).isTrue();
        assertThat(t.size()).isZero();
        assertThat(t.blocked("s", "a")).isEmpty();
    }

    @Test
    void subjectsAndActorsAreNotConfusedWithEachOtherOrWithAddresses() {
        FailureThrottle t = throttle(1, 0, 0);
        t.failure("a", "b");
        assertThat(t.blocked("b", "a")).isEmpty();
        assertThat(t.blocked("a", "b")).isPresent();
    }
}
