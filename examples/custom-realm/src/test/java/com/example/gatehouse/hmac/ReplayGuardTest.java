package com.example.gatehouse.hmac;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.gatehouse.hmac.ReplayGuard.Outcome;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {

    private static final long NOW = 1_780_000_000L;

    @Test
    void aRequestIsFreshOnceThenReplayedWhateverElseIsRemembered() {
        ReplayGuard guard = new ReplayGuard(300, 1_000_000);
        for (int i = 0; i < 50_000; i++) { // many entries in one second: the bucket grows
            assertThat(guard.accept("ci", "nonce-" + i + "-padding", NOW, NOW)).isEqualTo(Outcome.FRESH);
        }
        for (int i = 0; i < 50_000; i += 997) {
            assertThat(guard.accept("ci", "nonce-" + i + "-padding", NOW, NOW)).isEqualTo(Outcome.REPLAYED);
        }
        assertThat(guard.size()).isEqualTo(50_000);
    }

    @Test
    void theKeyIdIsPartOfTheEntry() {
        ReplayGuard guard = new ReplayGuard(300, 10);
        String nonce = UUID.randomUUID().toString();

        assertThat(guard.accept("a", nonce, NOW, NOW)).isEqualTo(Outcome.FRESH);
        assertThat(guard.accept("b", nonce, NOW, NOW)).isEqualTo(Outcome.FRESH);
        assertThat(guard.accept("a" + "b", "", NOW, NOW)).isEqualTo(Outcome.FRESH);
        assertThat(guard.accept("a", "b", NOW, NOW)).as("the key id ends where the nonce begins").isEqualTo(Outcome.FRESH);
    }

    @Test
    void everyDateInTheWindowKeepsItsEntriesUntilItLeavesIt() {
        ReplayGuard guard = new ReplayGuard(300, 1_000);
        for (long d = NOW - 300; d <= NOW + 300; d++) {
            assertThat(guard.accept("ci", "n" + d + "-0123456789abcdef", d, NOW)).isEqualTo(Outcome.FRESH);
        }
        for (long d = NOW - 300; d <= NOW + 300; d++) {
            assertThat(guard.accept("ci", "n" + d + "-0123456789abcdef", d, NOW)).as("dated %d", d)
                    .isEqualTo(Outcome.REPLAYED);
        }
        assertThat(guard.size()).isEqualTo(601);
    }

    @Test
    void whenFullExpiredSecondsAreDroppedAndLiveOnesNeverAre() {
        ReplayGuard guard = new ReplayGuard(5, 3);
        assertThat(guard.accept("ci", "old-one", NOW, NOW)).isEqualTo(Outcome.FRESH);
        assertThat(guard.accept("ci", "old-two", NOW, NOW)).isEqualTo(Outcome.FRESH);
        assertThat(guard.accept("ci", "live", NOW + 3, NOW)).isEqualTo(Outcome.FRESH);
        assertThat(guard.accept("ci", "one-too-many", NOW, NOW)).isEqualTo(Outcome.FULL);
        assertThat(guard.accept("ci", "one-too-many", NOW, NOW)).as("not remembered when refused").isEqualTo(Outcome.FULL);

        long later = NOW + 7; // NOW has left the window [later - 5, later + 5]; NOW + 3 has not
        assertThat(guard.accept("ci", "new", later, later)).isEqualTo(Outcome.FRESH);
        assertThat(guard.size()).isEqualTo(2);
        assertThat(guard.accept("ci", "live", NOW + 3, later)).isEqualTo(Outcome.REPLAYED);
    }

    @Test
    void aClockThatSteppedBackFurtherThanTheWindowDoesNotDropLiveSeconds() {
        ReplayGuard guard = new ReplayGuard(5, 100);
        assertThat(guard.accept("ci", "accepted-at-now", NOW, NOW)).isEqualTo(Outcome.FRESH);

        long back = NOW - 13; // the ring has 13 slots: NOW - 13 shares NOW's
        assertThat(guard.accept("ci", "dated-after-the-step", back, back)).as("refused, not a dropped bucket")
                .isEqualTo(Outcome.FULL);
        assertThat(guard.accept("ci", "accepted-at-now", NOW, NOW)).as("once the clock is back")
                .isEqualTo(Outcome.REPLAYED);
    }
}
