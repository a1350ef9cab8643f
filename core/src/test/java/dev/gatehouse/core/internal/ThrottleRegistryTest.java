package dev.gatehouse.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The throttle's own bounds: fixed-size keys, a hard bound on entries, and SipHash itself. */
class ThrottleRegistryTest {

    private final MutableClock clock = MutableClock.atEpochOfTests();

    @Test
    void sipHashMatchesTheReferenceVector() {
        // SipHash-2-4, key 00..0f, message 00..0e: 0xa129ca6149be45e5 (the paper's appendix A).
        byte[] message = new byte[15];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) i;
        }
        assertThat(SipHash.hash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L, message)).isEqualTo(0xa129ca6149be45e5L);
        assertThat(SipHash.hash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L, new byte[0])).isEqualTo(0x726fdb47dd0e0e31L);
    }

    @Test
    void maxTrackedIsAHardBoundEvenWhenEveryEntryIsBlocked() {
        // Issue 19: maxTracked=1000, a 5-minute block, 3,000 usernames with 5 failures each.
        Throttling config = Throttling.builder().maxFailures(5).initialDelay(Duration.ofMinutes(5))
                .maxDelay(Duration.ofMinutes(5)).maxTracked(1000).build();
        ThrottleRegistry registry = new ThrottleRegistry(config, clock);
        ThrottleRegistry.Key address = registry.addressKey("203.0.113.9");
        int most = 0;

        for (int user = 0; user < 3000; user++) {
            ThrottleRegistry.Principal p = registry.login("user" + user);
            for (int i = 0; i < 5; i++) {
                clock.advance(Duration.ofMillis(1));
                registry.failure(address, List.of(p));
                most = Math.max(most, registry.size());
            }
        }

        assertThat(most).isLessThanOrEqualTo(1000);
        assertThat(registry.blocked(registry.login("user2999"), address)).as("the newest block is kept").isPresent();
        assertThat(registry.blockedAddress(address)).as("and the address's own count").isPresent();
    }

    @Test
    void evictionReleasesTheBlocksClosestToTheirEndFirst() {
        Throttling config = Throttling.builder().maxFailures(1).initialDelay(Duration.ofSeconds(1))
                .maxDelay(Duration.ofHours(1)).maxTracked(64).maxFailuresPerAddress(0).maxAddressesPerAccount(0).build();
        ThrottleRegistry registry = new ThrottleRegistry(config, clock);
        ThrottleRegistry.Key address = registry.addressKey("203.0.113.9");
        ThrottleRegistry.Principal longest = registry.login("longest");
        for (int i = 0; i < 12; i++) {
            registry.failure(address, List.of(longest)); // blocked for 2^11 s, capped at an hour
        }

        for (int user = 0; user < 500; user++) {
            registry.failure(address, List.of(registry.login("u" + user))); // each blocked 1 s
            assertThat(registry.size()).isLessThanOrEqualTo(64);
        }

        assertThat(registry.blocked(longest, address)).as("the longest block outlives the short ones").isPresent();
    }

    @Test
    void keysHaveOneSizeWhateverWasTyped() {
        ThrottleRegistry registry = new ThrottleRegistry(Throttling.defaults(), clock);

        ThrottleRegistry.Key small = registry.login("a").key();
        ThrottleRegistry.Key large = registry.login("b".repeat(256)).key();
        ThrottleRegistry.Key address = registry.addressKey("x".repeat(5000));

        assertThat(ThrottleRegistry.Key.class.getRecordComponents()).extracting(c -> c.getType().getName())
                .as("a key holds two longs, never the text").containsExactly("long", "long");
        assertThat(List.of(small, large, address)).doesNotHaveDuplicates();
        assertThat(registry.login("a")).isEqualTo(registry.login(new String("a".getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8)));
        assertThat(registry.account("corp", "a")).isNotEqualTo(registry.account("cor", "pa"));
    }

    @Test
    void ipv6AddressesCountPerSlash64() {
        ThrottleRegistry registry = new ThrottleRegistry(Throttling.defaults(), clock);

        assertThat(registry.addressKey("2001:db8:1:2::1")).isEqualTo(registry.addressKey("2001:db8:1:2:ffff::9"));
        assertThat(registry.addressKey("2001:db8:1:2::1")).isNotEqualTo(registry.addressKey("2001:db8:1:3::1"));
        assertThat(registry.addressKey("198.51.100.7")).isNotEqualTo(registry.addressKey("198.51.100.8"));
    }

    @Test
    void aQuietTableEmptiesItselfSoTheHotPathNeedsNoKeys() {
        Throttling config = Throttling.builder().maxDelay(Duration.ofSeconds(10)).build();
        ThrottleRegistry registry = new ThrottleRegistry(config, clock);
        ThrottleRegistry.Key address = registry.addressKey("203.0.113.9");
        registry.failure(address, List.of(registry.login("alice")));
        assertThat(registry.isEmpty()).isFalse();

        clock.advance(Duration.ofSeconds(11));
        registry.success(registry.addressKey("198.51.100.7"), List.of(registry.login("bob")));

        assertThat(registry.isEmpty()).isTrue();
    }
}
