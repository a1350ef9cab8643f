package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.CompressionAlgorithm;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.PasswordBasedEncrypter;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.User;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import dev.gatehouse.core.testing.JettyHarness;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every bad session token the issue lists, sent over real HTTP: each is a 401, never a 500. */
class BadSessionTokenHttpTest {

    private SessionFixture node;
    private JettyHarness http;
    private User alice;
    private ProcessRef process;
    private String good;

    @BeforeEach
    void start() throws Exception {
        node = SessionFixture.inMemory();
        http = JettyHarness.start(AuthenticationFilter.builder(node.gatehouse).build());
        alice = node.user("alice");
        process = node.runningProcess(alice);
        good = node.tokens.issue(process.id());
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
    }

    private HttpResponse<String> withHeader(String token) throws Exception {
        return http.get("/api/v1/whoami", SessionFixture.HEADER, token);
    }

    private HttpResponse<String> withBasic(String username) throws Exception {
        String basic = Base64.getEncoder().encodeToString((username + ":").getBytes(StandardCharsets.UTF_8));
        return http.get("/api/v1/whoami", "Authorization", "Basic " + basic);
    }

    private void assertRefused(String token) throws Exception {
        int before = http.reached();
        HttpResponse<String> viaHeader = withHeader(token);
        assertThat(viaHeader.statusCode()).as("via header").isEqualTo(401);
        assertThat(viaHeader.body()).doesNotContain(token);
        assertThat(viaHeader.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(withBasic(token).statusCode()).as("via Basic").isEqualTo(401);
        assertThat(http.reached()).as("requests that got past the filter").isEqualTo(before);
    }

    private String claims() {
        Instant now = node.clock.instant();
        return Forge.claims(process.id(), now, now.plus(Duration.ofHours(1)));
    }

    @Test
    void goodTokenPassesInTheHeaderAndAsBasicUsernameWithEmptyPassword() throws Exception {
        assertThat(withHeader(good).statusCode()).isEqualTo(200);
        assertThat(withHeader(good).body()).startsWith("user=alice realm=session");
        assertThat(withBasic(good).statusCode()).isEqualTo(200);
        assertThat(withBasic(good).body()).startsWith("user=alice realm=session");
    }

    @Test
    void correctTokenWithAHeaderSerialisedDifferentlyIsAccepted() throws Exception {
        // Another JOSE library may order the header differently: the realm's fast path for its own
        // header must not be the only way in, nor a way around the checks.
        String otherOrder = Forge.encrypt(new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
                .type(Forge.TYPE).keyID("k1").build(), claims(), SessionFixture.KEY_1);
        assertThat(Forge.part(otherOrder, 0)).isEqualTo(Forge.part(good, 0)); // Nimbus is consistent
        String manual = Forge.encryptWithEncodedHeader(
                "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":\"k1\",\"typ\":\"gh-session+jwt\"}", claims(),
                SessionFixture.KEY_1);
        assertThat(Forge.part(manual, 0)).isNotEqualTo(Forge.part(good, 0));
        assertThat(withHeader(manual).statusCode()).isEqualTo(200);
    }

    @Test
    void algNoneIsRefused() throws Exception {
        String unsecured = Forge.b64url("{\"alg\":\"none\"}") + "." + Forge.b64url(claims()) + ".";
        assertRefused(unsecured);
        // the same with the five parts of a JWE
        assertRefused(Forge.b64url("{\"alg\":\"none\",\"enc\":\"A256GCM\",\"kid\":\"k1\",\"typ\":\"gh-session+jwt\"}")
                + ".." + Forge.part(good, 2) + "." + Forge.part(good, 3) + "." + Forge.part(good, 4));
    }

    @Test
    void jweWrappingAnUnsignedJwtIsRefused() throws Exception {
        String unsigned = Forge.b64url("{\"alg\":\"none\"}") + "." + Forge.b64url(claims()) + ".";
        assertRefused(Forge.encrypt(Forge.header("k1").contentType("JWT").build(), unsigned, SessionFixture.KEY_1));
        assertRefused(Forge.encrypt(Forge.header("k1").build(), unsigned, SessionFixture.KEY_1));
    }

    @Test
    void tokenEncryptedUnderAnotherKeyIsRefused() throws Exception {
        assertRefused(Forge.encrypt(Forge.header("k1").build(), claims(), SessionFixture.randomKey()));
    }

    @Test
    void tokenSignedInsteadOfEncryptedIsRefused() throws Exception {
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), new Payload(claims()));
        jws.sign(new MACSigner(SessionFixture.KEY_1));
        assertRefused(jws.serialize());
    }

    @Test
    void tamperedHeaderIsRefused() throws Exception {
        String otherHeader = new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).keyID("k1")
                .type(new JOSEObjectType("gh-session+jwt")).customParam("x", 1).build().toBase64URL().toString();
        assertRefused(Forge.replacePart(good, 0, otherHeader));
        // a header that differs only in its encoding (another key order) is also a different AAD
        String reordered = Forge.b64url("{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":\"k1\",\"typ\":\"gh-session+jwt\"}");
        assertThat(reordered).isNotEqualTo(Forge.part(good, 0));
        assertRefused(Forge.replacePart(good, 0, reordered));
    }

    @Test
    void tamperedPayloadIsRefused() throws Exception {
        assertRefused(Forge.flipBit(good, 3));
    }

    @Test
    void tamperedTagIsRefused() throws Exception {
        assertRefused(Forge.flipBit(good, 4));
    }

    @Test
    void tamperedIvIsRefused() throws Exception {
        assertRefused(Forge.flipBit(good, 2));
    }

    @Test
    void truncatedTokensAreRefused() throws Exception {
        assertRefused(good.substring(0, good.length() - 1));
        assertRefused(good.substring(0, good.lastIndexOf('.')));
        assertRefused(good.substring(0, good.length() / 2));
        assertRefused(Forge.replacePart(good, 3, ""));
    }

    @Test
    void tokenOf64KilobytesIsRefused() throws Exception {
        String huge = good + "A".repeat(64 * 1024);
        assertThat(withHeader(huge).statusCode()).isEqualTo(401);
        assertThat(withBasic(huge).statusCode()).isEqualTo(401);
        String hugeCiphertext = Forge.replacePart(good, 3, "A".repeat(64 * 1024));
        assertThat(withHeader(hugeCiphertext).statusCode()).isEqualTo(401);
        assertThat(http.reached()).isZero();
    }

    @Test
    void unknownKeyIdIsRefused() throws Exception {
        assertRefused(Forge.encrypt(Forge.header("k9").build(), claims(), SessionFixture.KEY_1));
        assertRefused(Forge.encrypt(new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
                .type(Forge.TYPE).build(), claims(), SessionFixture.KEY_1));
    }

    @Test
    void expiredTokenIsRefused() throws Exception {
        node.clock.advance(Duration.ofHours(24));
        assertRefused(good);
    }

    @Test
    void tokenWithoutExpiryIsRefused() throws Exception {
        String noExp = "{\"sub\":\"" + process.id() + "\",\"iat\":" + node.clock.instant().getEpochSecond()
                + ",\"jti\":\"x\"}";
        assertRefused(Forge.encrypt(Forge.header("k1").build(), noExp, SessionFixture.KEY_1));
    }

    @Test
    void tokenWithExpiryBeyondTheMaximumLifetimeIsRefused() throws Exception {
        Instant now = node.clock.instant();
        assertRefused(Forge.encrypt(Forge.header("k1").build(),
                Forge.claims(process.id(), now, now.plus(Duration.ofDays(30))), SessionFixture.KEY_1));
    }

    @Test
    void tokenWithExtraOrMistypedClaimsIsRefused() throws Exception {
        long now = node.clock.instant().getEpochSecond();
        assertRefused(Forge.encrypt(Forge.header("k1").build(), "{\"sub\":\"" + process.id() + "\",\"iat\":" + now
                + ",\"exp\":" + (now + 60) + ",\"jti\":\"x\",\"admin\":true}", SessionFixture.KEY_1));
        assertRefused(Forge.encrypt(Forge.header("k1").build(), "{\"sub\":\"" + process.id() + "\",\"iat\":" + now
                + ",\"exp\":\"" + (now + 60) + "\",\"jti\":\"x\"}", SessionFixture.KEY_1));
        assertRefused(Forge.encrypt(Forge.header("k1").build(), "{\"sub\":\"not-a-uuid\",\"iat\":" + now
                + ",\"exp\":" + (now + 60) + ",\"jti\":\"x\"}", SessionFixture.KEY_1));
    }

    @Test
    void criticalHeaderWeDoNotUnderstandIsRefused() throws Exception {
        JWEHeader crit = Forge.header("k1").criticalParams(Set.of("gh-ext")).customParam("gh-ext", "v").build();
        assertRefused(Forge.encrypt(crit, claims(), SessionFixture.KEY_1));
    }

    @Test
    void compressedPayloadIsRefused() throws Exception {
        JWEHeader zip = Forge.header("k1").compressionAlgorithm(CompressionAlgorithm.DEF).build();
        assertRefused(Forge.encrypt(zip, claims(), SessionFixture.KEY_1));
    }

    @Test
    void wrongTypeIsRefused() throws Exception {
        assertRefused(Forge.encrypt(Forge.header("k1").type(JOSEObjectType.JWT).build(), claims(), SessionFixture.KEY_1));
    }

    @Test
    void pbes2AlgorithmsAreRefused() throws Exception {
        for (JWEAlgorithm alg : new JWEAlgorithm[] {JWEAlgorithm.PBES2_HS256_A128KW, JWEAlgorithm.PBES2_HS512_A256KW}) {
            JWEObject jwe = new JWEObject(new JWEHeader.Builder(alg, EncryptionMethod.A256GCM).keyID("k1")
                    .type(Forge.TYPE).build(), new Payload(claims()));
            jwe.encrypt(new PasswordBasedEncrypter(SessionFixture.KEY_1, 8, 1000));
            assertRefused(jwe.serialize());
        }
    }

    @Test
    void otherContentEncryptionUnderTheSameKeyIsRefused() throws Exception {
        // A128CBC-HS256 takes a 256-bit key as well: only A256GCM is configured.
        JWEObject cbc = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A128CBC_HS256)
                .keyID("k1").type(Forge.TYPE).build(), new Payload(claims()));
        cbc.encrypt(new DirectEncrypter(new SecretKeySpec(SessionFixture.KEY_1, "AES")));
        assertRefused(cbc.serialize());
    }

    @Test
    void tokenOfAProcessTheRegistryDoesNotKnowIsRefused() throws Exception {
        Instant now = node.clock.instant();
        assertRefused(Forge.encrypt(Forge.header("k1").build(),
                Forge.claims(UUID.randomUUID(), now, now.plus(Duration.ofHours(1))), SessionFixture.KEY_1));
    }

    @Test
    void tokenOfAnotherProcessActsForThatProcessAndItsUserOnly() throws Exception {
        User bob = node.user("bob");
        ProcessRef other = node.runningProcess(bob);
        String otherToken = node.tokens.issue(other.id());

        HttpResponse<String> response = withHeader(otherToken);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("user=bob ");
        assertThat(((AuthenticationResult.Authenticated) node.authenticate(otherToken)).identity()
                .process()).contains(other);

        node.store.updateStatus(other.id(), "FINISHED");
        assertRefused(otherToken);
        assertThat(withHeader(good).statusCode()).as("alice's process still runs").isEqualTo(200);
    }

    @Test
    void reuseAfterTheProcessFinishedIsRefused() throws Exception {
        assertThat(withHeader(good).statusCode()).isEqualTo(200);
        node.store.updateStatus(process.id(), "FINISHED");
        assertRefused(good);
    }

    @Test
    void everyDefaultFinalStatusRevokes() throws Exception {
        for (String status : ProcessRegistry.DEFAULT_FINAL_STATUSES) {
            ProcessRef p = node.runningProcess(alice);
            String token = node.tokens.issue(p.id());
            assertThat(withHeader(token).statusCode()).isEqualTo(200);
            node.store.updateStatus(p.id(), status);
            assertRefused(token);
        }
    }

    @Test
    void processUserDisabledIsRefused() throws Exception {
        node.users.setDisabled(alice.id(), true);
        assertRefused(good);
    }

    @Test
    void garbageInTheHeaderIsRefused() throws Exception {
        assertThat(withHeader("not-a-token").statusCode()).isEqualTo(401);
        assertThat(withHeader("....").statusCode()).isEqualTo(401);
        assertThat(http.reached()).isZero();
    }

    @Test
    void headerSentTwiceIsRefused() throws Exception {
        assertThat(http.rawStatus("GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n" + SessionFixture.HEADER + ": " + good
                + "\r\n" + SessionFixture.HEADER + ": " + good + "\r\nConnection: close\r\n\r\n"))
                .as("one credential header twice is two principals: refused before any realm").isEqualTo(400);
        assertThat(http.reached()).isZero();
    }
}
