package dev.gatehouse.secrets;

import static dev.gatehouse.secrets.Fixtures.ORG;
import static dev.gatehouse.secrets.SecretManagerTest.assertKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.testing.MutableClock;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.crypto.Argon2Parameters;
import dev.gatehouse.secrets.crypto.SecretEnvelope;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.secrets.store.StoredSecret;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 12 item 2: store-password guessing is throttled, and a forged header cannot make a read cost seconds. */
class StorePasswordThrottlingTest {

    private static final String RIGHT = "Correct-Horse-9";

    private final MutableClock clock = MutableClock.atEpochOfTests();
    private final SecretStore store = SecretStore.inMemory();
    private final ServerKeyRing ring = ServerKeyRing.generate("k1");
    private final Caller owner = Fixtures.member();
    private final Caller mallory = Fixtures.member();

    private SecretManager manager(Throttling throttling) {
        return SecretManager.builder().store(store).keyRing(ring).clock(clock).storePasswordThrottling(throttling).build();
    }

    private SecretManager manager() {
        return manager(Throttling.defaults());
    }

    /** A PUBLIC secret: every member of the org may try its store password. */
    private void publicVault(SecretManager secrets) {
        secrets.create(owner, NewSecret.builder(ORG, "vault", SecretValue.ofString("the-value"))
                .storePassword(RIGHT.toCharArray()).visibility(Visibility.PUBLIC).build());
    }

    private static SecretException attempt(SecretManager secrets, Caller caller, String password) {
        try {
            secrets.read(caller, ORG, "vault", password.toCharArray()).wipe();
            return null;
        } catch (SecretException e) {
            return e;
        }
    }

    @Test
    void aCallerGuessingAStorePasswordIsThrottledWithRetryAfterEvenForTheRightPassword() {
        SecretManager secrets = manager();
        publicVault(secrets);
        for (int i = 0; i < 5; i++) {
            assertThat(attempt(secrets, mallory, "guess-" + i).kind()).isEqualTo(Kind.INVALID_PASSWORD);
        }

        SecretException refused = attempt(secrets, mallory, RIGHT);
        assertThat(refused).isInstanceOf(ThrottledException.class);
        assertThat(refused.kind()).isEqualTo(Kind.THROTTLED);
        assertThat(((ThrottledException) refused).retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(((ThrottledException) refused).retryAfterSeconds()).isEqualTo(1);
        assertThat(refused).hasMessage("Too many wrong store passwords for secret acme/vault: try again in 1 s")
                .hasMessageNotContaining(RIGHT);

        clock.advance(Duration.ofSeconds(1));
        assertThat(attempt(secrets, mallory, "guess-5").kind()).isEqualTo(Kind.INVALID_PASSWORD);
        assertThat(((ThrottledException) attempt(secrets, mallory, RIGHT)).retryAfter())
                .as("the delay doubles").isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void oneGuessingCallerDoesNotLockTheOwnerOut() {
        SecretManager secrets = manager();
        publicVault(secrets);
        for (int round = 0; round < 20; round++) {
            while (!(attempt(secrets, mallory, "guess") instanceof ThrottledException)) {
                // guess until blocked
            }
            clock.advance(Duration.ofMinutes(4)); // mallory comes back just before her count is forgotten
        }
        assertThat(attempt(secrets, owner, RIGHT)).isNull();
    }

    @Test
    void manyCallersTogetherAreBoundedForTheSecretAndUnblockLater() {
        SecretManager secrets = manager();
        publicVault(secrets);
        for (int i = 0; i < Throttling.DEFAULT_MAX_ADDRESSES_PER_ACCOUNT; i++) {
            assertThat(attempt(secrets, Fixtures.member(), "guess").kind()).isEqualTo(Kind.INVALID_PASSWORD);
        }

        assertThat(attempt(secrets, Fixtures.member(), "guess")).as("an eleventh guesser").isInstanceOf(ThrottledException.class);
        SecretException ownerRefused = attempt(secrets, owner, RIGHT);
        assertThat(ownerRefused).as("the secret is blocked for everyone").isInstanceOf(ThrottledException.class);

        clock.advance(((ThrottledException) ownerRefused).retryAfter());
        assertThat(attempt(secrets, owner, RIGHT)).isNull();
    }

    @Test
    void aRightPasswordForgetsTheCallersFailures() {
        SecretManager secrets = manager();
        publicVault(secrets);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 4; i++) {
                attempt(secrets, owner, "typo");
            }
            assertThat(attempt(secrets, owner, RIGHT)).isNull();
        }
    }

    @Test
    void theCurrentPasswordOfAnUpdateIsThrottledToo() {
        SecretManager secrets = manager();
        publicVault(secrets);
        secrets.grant(owner, ORG, "vault", Grantee.user(mallory.userId()), AccessLevel.WRITER);
        for (int i = 0; i < 5; i++) {
            assertKind(() -> secrets.update(mallory, ORG, "vault", SecretUpdate.builder()
                    .currentPassword("guess".toCharArray()).value(SecretValue.ofString("x")).build()), Kind.INVALID_PASSWORD);
        }
        assertKind(() -> secrets.update(mallory, ORG, "vault", SecretUpdate.builder()
                .currentPassword(RIGHT.toCharArray()).value(SecretValue.ofString("x")).build()), Kind.THROTTLED);
        assertThat(((SecretValue.Data) secrets.read(owner, ORG, "vault", RIGHT.toCharArray())).asString())
                .isEqualTo("the-value");
    }

    @Test
    void callersWhoMayNotReadTheValueAreNotThrottledButRefusedFirst() {
        SecretManager secrets = manager();
        secrets.create(owner, NewSecret.builder(ORG, "vault", SecretValue.ofString("v"))
                .storePassword(RIGHT.toCharArray()).build()); // PRIVATE
        for (int i = 0; i < 10; i++) {
            assertKind(() -> secrets.read(mallory, ORG, "vault", "guess".toCharArray()), Kind.NOT_FOUND);
        }
        assertThat(attempt(secrets, owner, RIGHT)).isNull();
    }

    @Test
    void aForgedHeaderAskingForMoreArgon2WorkIsCorruptedBeforeAnyKeyDerivationAndNotCounted() {
        SecretManager secrets = manager();
        publicVault(secrets);
        StoredSecret s = store.find(ORG, "vault").orElseThrow();
        byte[] forged = s.envelope().clone();
        // "GHE" | version | algorithm | kdf=1 | memoryKiB (u32, offset 6) | iterations (u32) | parallelism (u8)
        ByteBuffer.wrap(forged).putInt(6, Argon2Parameters.MAX_MEMORY_KIB).putInt(10, Argon2Parameters.MAX_ITERATIONS)
                .put(14, (byte) Argon2Parameters.MAX_PARALLELISM);
        assertThat(SecretEnvelope.header(forged).argon2()).contains(new Argon2Parameters(Argon2Parameters.MAX_MEMORY_KIB,
                Argon2Parameters.MAX_ITERATIONS, Argon2Parameters.MAX_PARALLELISM));
        assertThat(store.replace(s.metadata(),
                new StoredSecret(s.metadata().nextVersion(clock.instant()), s.sealedVersion(), forged))).isTrue();

        for (int i = 0; i < 10; i++) {
            // 1 GiB times 64 passes would take minutes and a gigabyte each; refused at once instead.
            assertThatThrownBy(() -> secrets.read(mallory, ORG, "vault", RIGHT.toCharArray()))
                    .isInstanceOf(SecretException.class)
                    .satisfies(e -> assertThat(((SecretException) e).kind()).isEqualTo(Kind.CORRUPTED))
                    .hasMessageContaining("asks for Argon2id 1048576 KiB, 64 iterations, parallelism 16")
                    .hasMessageContaining("maximum of 32768 KiB, 3 iterations, parallelism 4");
        }
        assertThat(attempt(secrets, mallory, "another")).as("the forged reads counted no failure")
                .extracting(SecretException::kind).isEqualTo(Kind.CORRUPTED);
    }

    @Test
    void anEnvelopeAboveAHostsMaximumIsRefusedAndOneWithinItOpens() {
        SecretManager sealer = SecretManager.builder().store(store).keyRing(ring).clock(clock)
                .argon2(new Argon2Parameters(Argon2Parameters.MIN_MEMORY_KIB, 3, 1)).build();
        publicVault(sealer);

        SecretManager defaults = manager();
        assertThat(attempt(defaults, owner, RIGHT)).as("3 passes are within the default maximum").isNull();
        SecretManager strict = SecretManager.builder().store(store).keyRing(ring).clock(clock)
                .argon2Maximum(Argon2Parameters.owaspMinimum()).build();
        assertThat(attempt(strict, owner, RIGHT).kind()).isEqualTo(Kind.CORRUPTED);
        assertThatThrownBy(() -> SecretManager.builder().store(store).keyRing(ring)
                .argon2(new Argon2Parameters(Argon2Parameters.MIN_MEMORY_KIB, 3, 1))
                .argon2Maximum(Argon2Parameters.owaspMinimum()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("argon2Maximum");
    }

    private static Properties withKey() {
        Properties p = new Properties();
        p.setProperty("secrets.serverKey.k1", Base64.getEncoder().encodeToString(new byte[32]));
        return p;
    }

    @Test
    void throttlingAndTheArgon2MaximumAreConfiguredWithSecretsKeys() {
        Properties p = withKey();
        p.setProperty("secrets.throttle.maxFailures", "3");
        p.setProperty("secrets.throttle.initialDelay", "2s");
        p.setProperty("secrets.throttle.maxDelay", "1h");
        p.setProperty("secrets.throttle.maxCallersPerSecret", "4");
        p.setProperty("secrets.throttle.maxFailuresPerCaller", "0");
        p.setProperty("secrets.throttle.maxTracked", "5000");
        p.setProperty("secrets.argon2.maxMemoryKiB", "131072");
        SecretsConfig config = SecretsConfig.from(p, name -> null);
        assertThat(config.storePasswordThrottling()).isEqualTo(new Throttling(3, Duration.ofSeconds(2), Duration.ofHours(1),
                5000, 0, 4, Set.of()));
        assertThat(config.argon2Maximum()).isEqualTo(new Argon2Parameters(131072, 3, 4));

        SecretsConfig defaults = SecretsConfig.from(withKey(), name -> null);
        assertThat(defaults.storePasswordThrottling()).isEqualTo(SecretsConfig.DEFAULT_STORE_PASSWORD_THROTTLING);
        assertThat(defaults.argon2Maximum()).isEqualTo(Argon2Parameters.defaultOpenMaximum());

        Properties off = withKey();
        off.setProperty("secrets.throttle.enabled", "false");
        assertThat(SecretsConfig.from(off, name -> null).storePasswordThrottling().isDisabled()).isTrue();

        Properties sealHigh = withKey();
        sealHigh.setProperty("secrets.argon2.iterations", "10");
        assertThat(SecretsConfig.from(sealHigh, name -> null).argon2Maximum().iterations())
                .as("the maximum follows the seal parameters up").isEqualTo(10);
    }

    @Test
    void wrongThrottlingOrMaximumSettingsNameTheirKey() {
        String[][] cases = {
            {"secrets.throttle.maxCallersPerSecret", "1", "secrets.throttle.maxCallersPerSecret: must be 0 (off) or at least 2"},
            {"secrets.throttle.maxFailures", "0", "secrets.throttle.maxFailures: must be between 1 and"},
            {"secrets.throttle.initialDelay", "0s", "secrets.throttle.initialDelay: must be positive"},
            {"secrets.throttle.maxDelay", "100ms", "secrets.throttle.maxDelay: must not be below secrets.throttle.initialDelay"},
            {"secrets.argon2.maxIterations", "1", "secrets.argon2.maxIterations: must not be below secrets.argon2.iterations (2)"},
            {"secrets.throttle.maxFailrues", "3", "unknown setting"},
        };
        for (String[] c : cases) {
            Properties p = withKey();
            p.setProperty(c[0], c[1]);
            assertThatThrownBy(() -> SecretsConfig.from(p, name -> null)).as(c[0])
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining(c[2]);
        }
    }

    @Test
    void theManagerTakesTheThrottlingFromItsConfig() {
        Properties p = withKey();
        p.setProperty("secrets.throttle.maxFailures", "1");
        SecretManager secrets = SecretManager.builder().config(SecretsConfig.from(p, name -> null)).store(store)
                .clock(clock).build();
        publicVault(secrets);
        attempt(secrets, mallory, "guess");
        assertThat(attempt(secrets, mallory, RIGHT)).isInstanceOf(ThrottledException.class);
        assertThat(attempt(secrets, owner, RIGHT)).isNull();
    }
}
