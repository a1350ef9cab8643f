package dev.gatehouse.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.ExternalUser;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.testing.MutableClock;
import dev.gatehouse.ldap.internal.LoginCache;
import dev.gatehouse.ldap.internal.PasswordDigest;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LoginCacheTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void digestsAreSaltedAndMatchOnlyTheirPassword() throws Exception {
        PasswordDigest a = PasswordDigest.of(utf8("secret"));
        PasswordDigest b = PasswordDigest.of(utf8("secret"));
        assertThat(a.matches(utf8("secret"))).isTrue();
        assertThat(a.matches(utf8("Secret"))).isFalse();
        assertThat(a.matches(utf8("secret "))).isFalse();
        assertThat(a.matches(new byte[0])).isFalse();
        assertThat(field(a, "salt")).isNotEqualTo(field(b, "salt"));
        assertThat(field(a, "digest")).isNotEqualTo(field(b, "digest"));
        assertThat(a.toString()).doesNotContain("secret").contains("redacted");
    }

    @Test
    void theDigestHoldsNoCopyOfThePassword() throws Exception {
        byte[] pw = utf8("correct horse battery staple");
        PasswordDigest d = PasswordDigest.of(pw);
        for (String name : new String[] {"salt", "digest"}) {
            byte[] held = field(d, name);
            assertThat(indexOf(held, Arrays.copyOf(pw, 8))).isEqualTo(-1);
        }
    }

    @Test
    void utf8EncodingMatchesTheJdkWithoutMakingAString() {
        for (String s : new String[] {"plain", "pässwörd", "日本語", "emoji \uD83D\uDE00", ""}) {
            assertThat(PasswordDigest.utf8(s.toCharArray())).isEqualTo(utf8(s));
        }
        assertThat(PasswordDigest.utf8(new char[] {'a', '\uD800', 'b'})).isEqualTo(utf8("a?b"));
    }

    @Test
    void entriesExpireAndTheBoundHolds() {
        MutableClock clock = MutableClock.atEpochOfTests();
        LoginCache cache = new LoginCache(clock, Duration.ofSeconds(30), 2);
        ExternalUser user = ExternalUser.of("alice", UserType.LDAP);
        cache.put("alice", PasswordDigest.of(utf8("pw")), user);
        assertThat(cache.lookup("alice", utf8("pw"))).contains(user);
        assertThat(cache.lookup("alice", utf8("other"))).isEmpty();
        clock.advance(Duration.ofSeconds(30));
        assertThat(cache.lookup("alice", utf8("pw"))).isEmpty();
        for (int i = 0; i < 10; i++) {
            cache.put("user" + i, PasswordDigest.of(utf8("pw")), user);
        }
        assertThat(cache.size()).isLessThanOrEqualTo(2);
    }

    @Test
    void expiryFollowsTheInjectedClockEntryByEntry() {
        MutableClock clock = MutableClock.atEpochOfTests();
        LoginCache cache = new LoginCache(clock, Duration.ofMinutes(1), 100);
        ExternalUser alice = ExternalUser.of("alice", UserType.LDAP);
        ExternalUser bob = ExternalUser.of("bob", UserType.LDAP);
        cache.put("alice", PasswordDigest.of(utf8("a-pw")), alice);
        clock.advance(Duration.ofSeconds(40));
        cache.put("bob", PasswordDigest.of(utf8("b-pw")), bob);
        clock.advance(Duration.ofSeconds(19));
        // 59 s: both alive; no real time has to pass for any of this
        assertThat(cache.lookup("alice", utf8("a-pw"))).contains(alice);
        assertThat(cache.lookup("bob", utf8("b-pw"))).contains(bob);
        clock.advance(Duration.ofSeconds(1));
        // 60 s after alice's entry was written: it is gone, bob's (20 s old) is not
        assertThat(cache.lookup("alice", utf8("a-pw"))).isEmpty();
        assertThat(cache.lookup("bob", utf8("b-pw"))).contains(bob);
        assertThat(cache.size()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(40));
        assertThat(cache.lookup("bob", utf8("b-pw"))).isEmpty();
        assertThat(cache.size()).isZero();
    }

    @Test
    void aNewLoginReplacesTheEntryAndRestartsItsLifetime() {
        MutableClock clock = MutableClock.atEpochOfTests();
        LoginCache cache = new LoginCache(clock, Duration.ofMinutes(1), 100);
        ExternalUser user = ExternalUser.of("alice", UserType.LDAP);
        cache.put("alice", PasswordDigest.of(utf8("old-pw")), user);
        clock.advance(Duration.ofSeconds(50));
        cache.put("alice", PasswordDigest.of(utf8("new-pw")), user);
        assertThat(cache.lookup("alice", utf8("old-pw"))).isEmpty();
        clock.advance(Duration.ofSeconds(50));
        assertThat(cache.lookup("alice", utf8("new-pw"))).contains(user);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void aRefusedPasswordForgetsTheEntryOnlyIfItIsTheCachedOne() {
        LoginCache cache = new LoginCache(MutableClock.atEpochOfTests(), Duration.ofMinutes(1), 100);
        ExternalUser user = ExternalUser.of("alice", UserType.LDAP);
        cache.put("alice", PasswordDigest.of(utf8("right")), user);
        cache.forgetIfFor("alice", utf8("typo"));
        assertThat(cache.lookup("alice", utf8("right"))).contains(user);
        cache.forgetIfFor("alice", utf8("right"));
        assertThat(cache.lookup("alice", utf8("right"))).isEmpty();
        assertThat(cache.size()).isZero();
    }

    @Test
    void evictionAtTheSizeBoundKeepsTheRecentlyUsedEntriesAndNeverEmptiesTheCache() {
        int bound = 100;
        LoginCache cache = new LoginCache(MutableClock.atEpochOfTests(), Duration.ofHours(1), bound);
        ExternalUser user = ExternalUser.of("someone", UserType.LDAP);
        for (int i = 0; i < bound; i++) {
            cache.put("old" + i, PasswordDigest.of(utf8("pw" + i)), user);
        }
        // half of them keep being used
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < bound / 2; i++) {
                assertThat(cache.lookup("old" + i, utf8("pw" + i))).isPresent();
            }
            cache.size(); // lets the cache take note of the reads
        }
        // a burst of new logins, twice the bound
        for (int i = 0; i < 2 * bound; i++) {
            cache.put("new" + i, PasswordDigest.of(utf8("pw")), user);
            assertThat(cache.size()).isLessThanOrEqualTo(bound);
        }
        for (int i = 0; i < bound / 2; i++) {
            assertThat(cache.lookup("old" + i, utf8("pw" + i))).as("used entry old" + i).isPresent();
        }
        // evicted one at a time: the cache is at its bound, not cleared
        assertThat(cache.size()).isEqualTo(bound);
    }

    private static byte[] field(Object o, String name) throws Exception {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return (byte[]) f.get(o);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
