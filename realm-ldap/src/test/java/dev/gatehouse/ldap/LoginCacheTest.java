package dev.gatehouse.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.ExternalUser;
import dev.gatehouse.core.UserType;
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
        TestContext.MutableClock clock = new TestContext.MutableClock();
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
    void aZeroDurationCachesNothing() {
        LoginCache cache = new LoginCache(new TestContext.MutableClock(), Duration.ZERO, 10);
        cache.put("alice", PasswordDigest.of(utf8("pw")), ExternalUser.of("alice", UserType.LDAP));
        assertThat(cache.lookup("alice", utf8("pw"))).isEmpty();
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
