package dev.gatehouse.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Password;
import dev.gatehouse.core.UsernamePassword;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An unknown username and a wrong password must not be told apart by the time the answer takes
 * (issue 13, item 5), proved against the in-process directory by paired rounds rather than a time
 * threshold: each round makes one login of each kind, alternating which goes first, and notes
 * which of the two was slower. If neither kind is slower, the number of rounds where the unknown
 * username was slower follows Binomial(n, 1/2); the test fails when it lies more than
 * {@value #Z} standard deviations ({@code Z * sqrt(n) / 2}) from {@code n / 2}, which happens by
 * chance about once in 150,000 runs. With {@value #ROUNDS} rounds that accepts 43% to 57%; the
 * difference the issue measured (one kind slower in 66% to 79% of rounds) is far outside it, and
 * {@link #thePairedRoundsSeeADifferenceOfTheSizeTheIssueMeasured()} shows that this harness sees a
 * difference of that size (0.09 ms).
 */
class UnknownUserTimingTest {

    static final int WARM_UP = 400;
    static final int ROUNDS = 1000;
    static final double Z = 4.5;

    private TestDirectory directory;
    private LdapRealm realm;

    @BeforeEach
    void setUp() throws Exception {
        directory = TestDirectory.standard();
        directory.addPerson("alice", "people", "alice-pw", "mail: alice@example.org", "displayName: Alice Liddell");
        for (int i = 0; i < 50; i++) {
            directory.addPerson("user" + i, "people", "pw-" + i);
        }
        TestContext context = new TestContext();
        Map<String, String> settings = directory.settings();
        // a loaded machine must not turn a slow login into a 503 in the middle of the rounds
        settings.put("readTimeout", "60s");
        realm = context.realm(settings);
    }

    @AfterEach
    void tearDown() {
        realm.close();
        directory.close();
    }

    private AuthenticationResult login(String user, String password) {
        return realm.authenticate(new UsernamePassword(user, Password.of(password)));
    }

    /** What the paired rounds found. */
    record Rounds(int firstSlower, int compared, double firstMedianMs, double secondMedianMs) {
        double deviations() {
            return Math.abs(firstSlower - compared / 2.0) / (Math.sqrt(compared) / 2.0);
        }

        @Override
        public String toString() {
            return String.format("first kind slower in %d of %d rounds (%.1f%%, %.1f standard deviations from half);"
                    + " medians %.3f ms and %.3f ms", firstSlower, compared, 100.0 * firstSlower / compared,
                    deviations(), firstMedianMs, secondMedianMs);
        }
    }

    /** Runs {@code rounds} pairs of {@code first} and {@code second}, alternating which goes first. */
    static Rounds paired(int warmUp, int rounds, Supplier<?> first, Supplier<?> second) {
        for (int i = 0; i < warmUp; i++) {
            first.get();
            second.get();
        }
        long[] a = new long[rounds];
        long[] b = new long[rounds];
        int firstSlower = 0;
        int ties = 0;
        for (int r = 0; r < rounds; r++) {
            if (r % 2 == 0) {
                a[r] = time(first);
                b[r] = time(second);
            } else {
                b[r] = time(second);
                a[r] = time(first);
            }
            if (a[r] > b[r]) {
                firstSlower++;
            } else if (a[r] == b[r]) {
                ties++;
            }
        }
        Arrays.sort(a);
        Arrays.sort(b);
        return new Rounds(firstSlower, rounds - ties, a[rounds / 2] / 1e6, b[rounds / 2] / 1e6);
    }

    private static long time(Supplier<?> login) {
        long start = System.nanoTime();
        login.get();
        return System.nanoTime() - start;
    }

    @Test
    void anUnknownUsernameIsNotFasterOrSlowerThanAWrongPassword() {
        Rounds rounds = paired(WARM_UP, ROUNDS, () -> expectRejected(login("mallory", "wrong-pw")),
                () -> expectRejected(login("alice", "wrong-pw")));
        assertThat(rounds.deviations()).as("unknown username vs wrong password: " + rounds).isLessThanOrEqualTo(Z);
    }

    @Test
    void anAmbiguousOrInjectedLoginIsNotFasterOrSlowerThanAWrongPassword() throws Exception {
        directory.server.add("dn: uid=carol2,ou=people," + TestDirectory.BASE, "objectClass: inetOrgPerson",
                "uid: carol", "uid: carol2", "cn: carol", "sn: carol", "userPassword: carol-pw");
        directory.addPerson("carol", "admins", "carol-pw");
        Rounds rounds = paired(WARM_UP, ROUNDS / 2, () -> expectRejected(login("carol", "wrong-pw")),
                () -> expectRejected(login("alice", "wrong-pw")));
        assertThat(rounds.deviations()).as("ambiguous login vs wrong password: " + rounds)
                .isLessThanOrEqualTo(Z);
    }

    @Test
    void thePairedRoundsSeeADifferenceOfTheSizeTheIssueMeasured() {
        // the control: the same login twice, one of them 0.09 ms slower (0.89 ms vs 0.98 ms in the
        // issue); the test above would fail on such a difference
        Rounds rounds = paired(WARM_UP / 4, ROUNDS, () -> {
            AuthenticationResult r = login("mallory", "wrong-pw");
            spin(90_000);
            return r;
        }, () -> login("mallory", "wrong-pw"));
        assertThat(rounds.deviations()).as("a 0.09 ms difference: " + rounds).isGreaterThan(Z);
    }

    private static AuthenticationResult expectRejected(AuthenticationResult r) {
        assertThat(r).isInstanceOf(AuthenticationResult.Rejected.class);
        return r;
    }

    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }
}
