package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.ProcessInfo;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.User;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SessionTokensTest {

    private final SessionFixture node = SessionFixture.inMemory();

    @Test
    void tokenIsACompactJweWithDirA256GcmAndTheKeyId() throws Exception {
        ProcessRef process = node.runningProcess(node.user("alice"));
        String token = node.tokens.issue(process.id());

        JWEObject jwe = JWEObject.parse(token);
        assertThat(token.split("\\.", -1)).hasSize(5);
        assertThat(jwe.getHeader().getAlgorithm().getName()).isEqualTo("dir");
        assertThat(jwe.getHeader().getEncryptionMethod().getName()).isEqualTo("A256GCM");
        assertThat(jwe.getHeader().getKeyID()).isEqualTo("k1");
        assertThat(jwe.getHeader().getIncludedParams()).containsExactlyInAnyOrder("alg", "enc", "kid", "typ");
    }

    @Test
    void processIdIsNotReadableInTheToken() {
        ProcessRef process = node.runningProcess(node.user("alice"));
        String token = node.tokens.issue(process.id());

        assertThat(token).doesNotContain(process.id().toString());
        for (String part : token.split("\\.")) {
            String decoded = new String(Base64.getUrlDecoder().decode(part), StandardCharsets.ISO_8859_1);
            assertThat(decoded).doesNotContain(process.id().toString());
            assertThat(decoded).doesNotContain(process.id().toString().replace("-", ""));
        }
    }

    @Test
    void claimsAreProcessIdIssuedAtExpiryAndUniqueId() throws Exception {
        ProcessRef process = node.runningProcess(node.user("alice"));
        String token = node.tokens.issue(process.id());

        JWEObject jwe = JWEObject.parse(token);
        jwe.decrypt(new DirectDecrypter(new SecretKeySpec(SessionFixture.KEY_1, "AES")));
        Map<String, Object> claims = JSONObjectUtils.parse(jwe.getPayload().toString());
        assertThat(claims).containsOnlyKeys("sub", "iat", "exp", "jti");
        assertThat(claims.get("sub")).isEqualTo(process.id().toString());
        long iat = ((Number) claims.get("iat")).longValue();
        assertThat(iat).isEqualTo(node.clock.instant().getEpochSecond());
        assertThat(((Number) claims.get("exp")).longValue() - iat).isEqualTo(24 * 3600);
    }

    @Test
    void everyTokenHasItsOwnUniqueId() {
        ProcessRef process = node.runningProcess(node.user("alice"));
        assertThat(node.tokens.issue(process.id())).isNotEqualTo(node.tokens.issue(process.id()));
    }

    @Test
    void maxLifetimeIsConfigurable() throws Exception {
        SessionFixture short1 = SessionFixture.inMemory(SessionFixture.settings("maxLifetime", "2h"));
        ProcessRef process = short1.runningProcess(short1.user("alice"));
        JWEObject jwe = JWEObject.parse(short1.tokens.issue(process.id()));
        jwe.decrypt(new DirectDecrypter(new SecretKeySpec(SessionFixture.KEY_1, "AES")));
        Map<String, Object> claims = JSONObjectUtils.parse(jwe.getPayload().toString());
        assertThat(((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue())
                .isEqualTo(7200);
    }

    @Test
    void issuedTokenAuthenticatesAsTheProcessCurrentUserWithTheProcessAttached() {
        User alice = node.user("alice");
        ProcessRef process = node.runningProcess(alice);

        AuthenticationResult result = node.authenticate(node.tokens.issue(process.id()));

        assertThat(result).isInstanceOf(AuthenticationResult.Authenticated.class);
        Identity identity = ((AuthenticationResult.Authenticated) result).identity();
        assertThat(identity.userId()).isEqualTo(alice.id());
        assertThat(identity.username()).isEqualTo("alice");
        assertThat(identity.realm()).isEqualTo("session");
        assertThat(identity.roles()).contains("process-runner");
        assertThat(identity.process()).contains(process);
    }

    @Test
    void processInfoCarriesTheProcessAndAWorkingToken() {
        User alice = node.user("alice");
        ProcessRef process = node.runningProcess(alice);

        ProcessInfo info = node.tokens.processInfo(process.id());

        assertThat(info.process()).isEqualTo(process);
        assertThat(info.toString()).doesNotContain(info.sessionToken());
        assertThat(node.authenticate(info.sessionToken())).isInstanceOf(AuthenticationResult.Authenticated.class);
    }

    @Test
    void issuingForAnUnknownProcessFails() {
        UUID unknown = UUID.randomUUID();
        assertThatThrownBy(() -> node.tokens.issue(unknown))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(unknown.toString());
    }

    @Test
    void issuingForAFinishedProcessFails() {
        ProcessRef process = node.runningProcess(node.user("alice"));
        node.store.updateStatus(process.id(), "FINISHED");
        assertThatThrownBy(() -> node.tokens.issue(process.id()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FINISHED");
    }

    @Test
    void toStringsRevealNoKeyOrToken() {
        ProcessRef process = node.runningProcess(node.user("alice"));
        String token = node.tokens.issue(process.id());
        assertThat(node.tokens.toString()).doesNotContain(SessionFixture.b64(SessionFixture.KEY_1));
        assertThat(node.realm.toString()).doesNotContain(SessionFixture.b64(SessionFixture.KEY_1));
        assertThat(node.realm.credentials(RequestView.builder()
                .header(SessionFixture.HEADER, token).build()).orElseThrow().toString()).doesNotContain(token);
    }

    @Test
    void aGatehouseWithoutSessionRealmHasNoneToFind() {
        assertThat(Gatehouse.builder().build().realm(SessionRealm.class)).isEmpty();
        assertThat(node.gatehouse.realm(SessionRealm.class)).containsSame(node.realm);
    }
}
