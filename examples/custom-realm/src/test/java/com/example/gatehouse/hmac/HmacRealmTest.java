package com.example.gatehouse.hmac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Decision;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.RequestView;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Properties;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacRealmTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private static Gatehouse gatehouse() {
        Properties p = new Properties();
        p.setProperty("gatehouse.realms", "hmac");
        p.setProperty("realm.hmac.key.ci", "ci-bot:" + Base64.getEncoder().encodeToString(SECRET));
        return Gatehouse.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).properties(p).build();
    }

    private static RequestView signed(String keyId, byte[] secret, String path, Instant date) {
        String d = date.toString();
        String sig = Base64.getEncoder().encodeToString(
                HmacRealm.signature(new SecretKeySpec(secret, "HmacSHA256"), "GET", path, d));
        return RequestView.builder().path(path).header("X-Gatehouse-Date", d)
                .header("Authorization", "GH-HMAC keyId=" + keyId + ", signature=" + sig).build();
    }

    @Test
    void signedRequestIsAuthenticatedAsTheKeysUser() {
        Decision d = gatehouse().authenticate(signed("ci", SECRET, "/api/x", NOW), AuthenticationMode.REQUIRED);

        assertThat(d).isInstanceOfSatisfying(Decision.Authenticated.class, a -> {
            assertThat(a.identity().username()).isEqualTo("ci-bot");
            assertThat(a.identity().realm()).isEqualTo("hmac");
            assertThat(a.identity().userType().name()).isEqualTo("HMAC");
        });
    }

    @Test
    void wrongSecretUnknownKeyOtherPathAndStaleDateAreRefused() {
        Gatehouse g = gatehouse();
        byte[] other = "ffffffffffffffffffffffffffffffff".getBytes();

        assertThat(g.authenticate(signed("ci", other, "/api/x", NOW), AuthenticationMode.REQUIRED)).isInstanceOf(Decision.Refused.class);
        assertThat(g.authenticate(signed("nope", SECRET, "/api/x", NOW), AuthenticationMode.REQUIRED)).isInstanceOf(Decision.Refused.class);
        RequestView moved = RequestView.builder().path("/api/admin")
                .header("X-Gatehouse-Date", NOW.toString())
                .header("Authorization", signed("ci", SECRET, "/api/x", NOW).authorization() instanceof
                        dev.gatehouse.core.AuthorizationHeader.Other o ? "GH-HMAC " + o.parameters() : "").build();
        assertThat(g.authenticate(moved, AuthenticationMode.REQUIRED)).isInstanceOf(Decision.Refused.class);
        assertThat(g.authenticate(signed("ci", SECRET, "/api/x", NOW.minusSeconds(600)), AuthenticationMode.REQUIRED))
                .isInstanceOfSatisfying(Decision.Refused.class,
                        r -> assertThat(r.message()).isEqualTo("Request date missing or outside the allowed clock skew"));
    }

    @Test
    void shortSecretIsRefusedAtStartUpNamingTheKey() {
        Properties p = new Properties();
        p.setProperty("gatehouse.realms", "hmac");
        p.setProperty("realm.hmac.key.ci", "ci-bot:" + Base64.getEncoder().encodeToString(new byte[8]));

        assertThatThrownBy(() -> Gatehouse.builder().properties(p).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("realm.hmac.key.ci: the secret must be at least 32 bytes (256 bits), was 8");
    }
}
