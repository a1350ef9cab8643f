package dev.gatehouse.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.secrets.crypto.Argon2Parameters;
import dev.gatehouse.secrets.crypto.SecretEnvelope;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.junit.jupiter.api.Test;

class SecretEnvelopeTest {

    private static final byte[] AAD = "acme/db-password/DATA".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PLAIN = "s3cret value".getBytes(StandardCharsets.UTF_8);
    private final ServerKeyRing ring = ServerKeyRing.generate("k1");

    private static byte[] sealWithPassword(char[] password, Argon2Parameters params, byte[] plain, byte[] aad) {
        return SecretEnvelope.withPassword(password, params).seal(plain, aad);
    }

    private static byte[] openWithPassword(char[] password, byte[] envelope, byte[] aad) {
        return SecretEnvelope.withPassword(password, Argon2Parameters.owaspMinimum()).open(envelope, aad);
    }

    @Test
    void sealedEnvelopeOpensWithTheSameKeyAndAssociatedData() {
        byte[] env = SecretEnvelope.withServerKeys(ring).seal(PLAIN, AAD);
        assertThat(SecretEnvelope.withServerKeys(ring).open(env, AAD)).isEqualTo(PLAIN);
    }

    @Test
    void headerRecordsVersionAlgorithmAndKeyId() {
        SecretEnvelope.Header h = SecretEnvelope.header(SecretEnvelope.withServerKeys(ring).seal(PLAIN, AAD));
        assertThat(h.version()).isEqualTo(2).isEqualTo(SecretEnvelope.VERSION);
        assertThat(h.algorithm()).isEqualTo("AES-256-GCM");
        assertThat(h.serverKeyId()).contains("k1");
        assertThat(h.argon2()).isEmpty();
    }

    @Test
    void sealingTheSameValueTwiceUsesFreshNonces() {
        byte[] a = SecretEnvelope.withServerKeys(ring).seal(PLAIN, AAD);
        byte[] b = SecretEnvelope.withServerKeys(ring).seal(PLAIN, AAD);
        assertThat(a).isNotEqualTo(b);
        assertThat(new String(a, StandardCharsets.ISO_8859_1)).doesNotContain("s3cret");
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] env = SecretEnvelope.withServerKeys(ring).seal(PLAIN, AAD);
        for (int n = 0; n < env.length; n++) {
            byte[] cut = Arrays.copyOf(env, n);
            assertThatThrownBy(() -> SecretEnvelope.withServerKeys(ring).open(cut, AAD))
                    .isInstanceOf(SecretException.class)
                    .satisfies(e -> assertThat(((SecretException) e).kind()).isEqualTo(SecretException.Kind.CORRUPTED));
        }
    }

    @Test
    void everyFlippedBitIsRefusedWithoutReturningPlaintext() {
        byte[] env = SecretEnvelope.withServerKeys(ring).seal(PLAIN, AAD);
        for (int i = 0; i < env.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = env.clone();
                bad[i] ^= (byte) (1 << bit);
                assertThatThrownBy(() -> SecretEnvelope.withServerKeys(ring).open(bad, AAD))
                        .isInstanceOf(SecretException.class)
                        .satisfies(e -> assertThat(((SecretException) e).kind())
                                .isIn(SecretException.Kind.CORRUPTED, SecretException.Kind.KEY_UNAVAILABLE));
            }
        }
    }

    @Test
    void envelopeBoundToOtherAssociatedDataDoesNotOpen() {
        byte[] env = SecretEnvelope.withServerKeys(ring).seal(PLAIN, AAD);
        byte[] other = "acme/other-secret/DATA".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SecretEnvelope.withServerKeys(ring).open(env, other))
                .isInstanceOf(SecretException.class)
                .hasMessageContaining("modified, truncated or belongs to another record");
    }

    @Test
    void unknownKeyIdIsReportedByName() {
        byte[] env = SecretEnvelope.withServerKeys(ServerKeyRing.generate("retired")).seal(PLAIN, AAD);
        assertThatThrownBy(() -> SecretEnvelope.withServerKeys(ring).open(env, AAD))
                .isInstanceOf(SecretException.class)
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining("Server key 'retired' is not configured on this node")
                .satisfies(e -> assertThat(((KeyUnavailableException) e).keyId()).isEqualTo("retired"))
                .satisfies(e -> assertThat(((SecretException) e).kind()).isEqualTo(SecretException.Kind.KEY_UNAVAILABLE));
    }

    @Test
    void aRingWithTheOldKeyStillOpensOldEnvelopesAndSealsWithTheNewPrimary() {
        byte[] k1 = ServerKeyRing.generateKeyMaterial();
        byte[] k2 = ServerKeyRing.generateKeyMaterial();
        ServerKeyRing before = ServerKeyRing.of("k1", Map.of("k1", k1));
        ServerKeyRing after = ServerKeyRing.of("k2", Map.of("k1", k1, "k2", k2));
        byte[] old = SecretEnvelope.withServerKeys(before).seal(PLAIN, AAD);
        assertThat(SecretEnvelope.withServerKeys(after).open(old, AAD)).isEqualTo(PLAIN);
        assertThat(SecretEnvelope.header(SecretEnvelope.withServerKeys(after).seal(PLAIN, AAD)).serverKeyId()).contains("k2");
    }

    @Test
    void passwordEnvelopeRecordsItsArgon2ParametersAndOpensWithThePassword() {
        Argon2Parameters p = Argon2Parameters.owaspMinimum();
        byte[] env = sealWithPassword("Passw0rd!".toCharArray(), p, PLAIN, AAD);
        SecretEnvelope.Header h = SecretEnvelope.header(env);
        assertThat(h.argon2()).contains(new Argon2Parameters(19 * 1024, 2, 1));
        assertThat(h.serverKeyId()).isEmpty();
        assertThat(openWithPassword("Passw0rd!".toCharArray(), env, AAD)).isEqualTo(PLAIN);
    }

    @Test
    void wrongAndEmptyPasswordsGiveTheSameMessage() {
        byte[] env = sealWithPassword("Passw0rd!".toCharArray(), Argon2Parameters.owaspMinimum(), PLAIN, AAD);
        for (String wrong : new String[] {"passw0rd!", ""}) {
            assertThatThrownBy(() -> openWithPassword(wrong.toCharArray(), env, AAD))
                    .isInstanceOf(SecretException.class)
                    .hasMessage("Invalid password or corrupted data");
        }
    }

    @Test
    void loweringTheArgon2CostInTheHeaderIsRefused() {
        byte[] env = sealWithPassword("Passw0rd!".toCharArray(), new Argon2Parameters(20 * 1024, 2, 1),
                PLAIN, AAD);
        // header: GHE(3) version(1) alg(1) kdf(1) memoryKiB(4) ... ; set memory to 19456 KiB (still valid) -> tag fails
        byte[] lowered = env.clone();
        lowered[6] = 0;
        lowered[7] = 0;
        lowered[8] = 0x4C;
        lowered[9] = 0x00;
        assertThatThrownBy(() -> openWithPassword("Passw0rd!".toCharArray(), lowered, AAD))
                .hasMessage("Invalid password or corrupted data");
        // below the OWASP floor: refused before any work
        byte[] belowFloor = env.clone();
        belowFloor[8] = 0x01;
        assertThatThrownBy(() -> openWithPassword("Passw0rd!".toCharArray(), belowFloor, AAD))
                .isInstanceOf(SecretException.class)
                .hasMessageContaining("Argon2id memory must be between");
    }

    @Test
    void argon2ParametersBelowOwaspMinimumAreRefused() {
        assertThatThrownBy(() -> new Argon2Parameters(16 * 1024, 2, 1)).hasMessageContaining("memory");
        assertThatThrownBy(() -> new Argon2Parameters(19 * 1024, 1, 1)).hasMessageContaining("iterations");
        assertThatThrownBy(() -> new Argon2Parameters(19 * 1024, 2, 0)).hasMessageContaining("parallelism");
    }

    @Test
    void passwordEnvelopeDoesNotOpenWithAServerKeyAndViceVersa() {
        byte[] pw = sealWithPassword("Passw0rd!".toCharArray(), Argon2Parameters.owaspMinimum(), PLAIN, AAD);
        assertThatThrownBy(() -> SecretEnvelope.withServerKeys(ring).open(pw, AAD)).hasMessageContaining("store password");
        byte[] server = SecretEnvelope.withServerKeys(ring).seal(PLAIN, AAD);
        assertThatThrownBy(() -> openWithPassword("Passw0rd!".toCharArray(), server, AAD))
                .hasMessageContaining("server key");
    }

    @Test
    void notAnEnvelopeIsRefused() {
        assertThatThrownBy(() -> SecretEnvelope.header("hello world, this is not an envelope".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not a Gatehouse envelope");
    }

    @Test
    void aPasswordInstanceOpensWithTheParametersItsHeaderRecordsNotItsOwn() {
        byte[] env = sealWithPassword("Passw0rd!".toCharArray(), new Argon2Parameters(20 * 1024, 3, 1), PLAIN, AAD);
        SecretEnvelope cheaper = SecretEnvelope.withPassword("Passw0rd!".toCharArray(), Argon2Parameters.owaspMinimum());
        assertThat(cheaper.open(env, AAD)).isEqualTo(PLAIN);
        assertThat(SecretEnvelope.header(cheaper.seal(PLAIN, AAD)).argon2()).contains(Argon2Parameters.owaspMinimum());
    }

    @Test
    void anInstanceShowsNeitherKeyMaterialNorThePassword() {
        assertThat(SecretEnvelope.withServerKeys(ring).toString()).contains("k1");
        assertThat(SecretEnvelope.withPassword("Passw0rd!".toCharArray(), Argon2Parameters.owaspMinimum()).toString())
                .doesNotContain("Passw0rd!");
    }

    /** An envelope as format 1 wrote it: the layout is the same, the version byte says 1. */
    static byte[] formatOne(ServerKeyRing ring, byte[] plain, byte[] aad) throws Exception {
        byte[] id = ring.primaryId().getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(new byte[] {'G', 'H', 'E', 1, 1, 0, (byte) id.length});
        header.write(id);
        byte[] h = header.toByteArray();
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, ring.insecureKey(ring.primaryId()), new GCMParameterSpec(128, nonce));
        c.updateAAD(h);
        c.updateAAD(aad);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(h);
        out.write(nonce);
        out.write(c.doFinal(plain));
        return out.toByteArray();
    }

    @Test
    void anEnvelopeOfFormatOneStillOpensAndItsVersionCannotBeChanged() throws Exception {
        byte[] old = formatOne(ring, PLAIN, AAD);
        assertThat(SecretEnvelope.header(old).version()).isEqualTo(1);
        assertThat(SecretEnvelope.withServerKeys(ring).open(old, AAD)).isEqualTo(PLAIN);
        byte[] relabelled = old.clone();
        relabelled[3] = 2;
        assertThatThrownBy(() -> SecretEnvelope.withServerKeys(ring).open(relabelled, AAD))
                .hasMessageContaining("modified, truncated or belongs to another record");
        byte[] current = SecretEnvelope.withServerKeys(ring).seal(PLAIN, AAD);
        current[3] = 1;
        assertThatThrownBy(() -> SecretEnvelope.withServerKeys(ring).open(current, AAD))
                .hasMessageContaining("modified, truncated or belongs to another record");
        byte[] future = SecretEnvelope.withServerKeys(ring).seal(PLAIN, AAD);
        future[3] = 3;
        assertThatThrownBy(() -> SecretEnvelope.header(future)).hasMessageContaining("unsupported envelope version 3");
    }
}
