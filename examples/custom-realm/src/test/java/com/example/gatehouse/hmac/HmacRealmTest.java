package com.example.gatehouse.hmac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Decision;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.RequestView;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Properties;
import java.util.UUID;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacRealmTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private static Gatehouse gatehouse(String... extra) {
        Properties p = new Properties();
        p.setProperty("gatehouse.realms", "hmac");
        p.setProperty("realm.hmac.key.ci", "ci-bot:" + Base64.getEncoder().encodeToString(SECRET));
        for (int i = 0; i < extra.length; i += 2) {
            p.setProperty(extra[i], extra[i + 1]);
        }
        return Gatehouse.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).properties(p).build();
    }

    /** A request as a client signs it, as the filter passes it on (binding header with the query). */
    private record Request(String keyId, byte[] secret, String method, String path, String query, Instant date,
            String nonce, byte[] body) {
        static Request get(String path) {
            return new Request("ci", SECRET, "GET", path, "", NOW, UUID.randomUUID().toString(), new byte[0]);
        }

        Request withSecret(byte[] s) {
            return new Request(keyId, s, method, path, query, date, nonce, body);
        }

        Request withKeyId(String k) {
            return new Request(k, secret, method, path, query, date, nonce, body);
        }

        Request withDate(Instant d) {
            return new Request(keyId, secret, method, path, query, d, nonce, body);
        }

        Request withQuery(String q) {
            return new Request(keyId, secret, method, path, q, date, nonce, body);
        }

        Request post(byte[] b) {
            return new Request(keyId, secret, "POST", path, query, date, nonce, b);
        }

        String authorization() {
            String sig = Base64.getEncoder().encodeToString(HmacRealm.signature(new SecretKeySpec(secret, "HmacSHA256"),
                    method, path, query, date.toString(), nonce, HmacRealm.contentDigest(body)));
            return "GH-HMAC keyId=" + keyId + ", nonce=" + nonce + ", signature=" + sig;
        }

        /** The view the realm gets, with what reached the server possibly changed. */
        RequestView view(String sentPath, String sentQuery, byte[] sentBody, boolean throughFilter) {
            RequestView.Builder b = RequestView.builder().method(method).path(sentPath)
                    .header("X-Gatehouse-Date", date.toString())
                    .header("Content-Digest", HmacRealm.contentDigest(sentBody))
                    .header("Authorization", authorization());
            if (throughFilter) {
                b.header(RequestBinding.HEADER, RequestBinding.value(sentQuery));
            }
            return b.build();
        }

        RequestView view() {
            return view(path, query, body, true);
        }
    }

    private static Decision authenticate(Gatehouse g, RequestView view) {
        return g.authenticate(view, AuthenticationMode.REQUIRED);
    }

    @Test
    void signedRequestIsAuthenticatedAsTheKeysUser() {
        Decision d = authenticate(gatehouse(), Request.get("/api/x").withQuery("a=1").view());

        assertThat(d).isInstanceOfSatisfying(Decision.Authenticated.class, a -> {
            assertThat(a.identity().username()).isEqualTo("ci-bot");
            assertThat(a.identity().realm()).isEqualTo("hmac");
            assertThat(a.identity().userType().name()).isEqualTo("HMAC");
        });
    }

    @Test
    void wrongSecretUnknownKeyOtherPathAndStaleDateAreRefused() {
        Gatehouse g = gatehouse();
        byte[] other = "ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.US_ASCII);

        assertThat(authenticate(g, Request.get("/api/x").withSecret(other).view())).isInstanceOf(Decision.Refused.class);
        assertThat(authenticate(g, Request.get("/api/x").withKeyId("nope").view())).isInstanceOf(Decision.Refused.class);
        Request r = Request.get("/api/x");
        assertThat(authenticate(g, r.view("/api/admin", "", new byte[0], true))).isInstanceOf(Decision.Refused.class);
        assertThat(authenticate(g, Request.get("/api/x").withDate(NOW.minusSeconds(600)).view()))
                .isInstanceOfSatisfying(Decision.Refused.class,
                        d -> assertThat(d.message()).isEqualTo("Request date missing or outside the allowed clock skew"));
    }

    @Test
    void theQueryStringIsSigned() {
        Request r = Request.get("/api/v1/apikey");

        assertThat(authenticate(gatehouse(), r.view("/api/v1/apikey", "username=admin", new byte[0], true)))
                .as("the signature of GET /api/v1/apikey does not cover ?username=admin")
                .isInstanceOf(Decision.Refused.class);
    }

    @Test
    void theBodyDigestIsSigned() {
        Request r = Request.get("/api/v1/org").post("{\"name\":\"mine\"}".getBytes(StandardCharsets.UTF_8));

        // The filter checked the body against the Content-Digest the client sent; another body means another digest.
        assertThat(authenticate(gatehouse(), r.view("/api/v1/org", "", "{\"name\":\"theirs\"}".getBytes(StandardCharsets.UTF_8),
                true))).isInstanceOf(Decision.Refused.class);
        assertThat(authenticate(gatehouse(), r.view())).isInstanceOf(Decision.Authenticated.class);
    }

    @Test
    void aRequestIsAcceptedOnceWithinItsWindow() {
        Gatehouse g = gatehouse();
        Request r = Request.get("/api/x");

        assertThat(authenticate(g, r.view())).isInstanceOf(Decision.Authenticated.class);
        assertThat(authenticate(g, r.view())).as("the same request again")
                .isInstanceOfSatisfying(Decision.Refused.class,
                        d -> assertThat(d.message()).isEqualTo("This request was received before"));
        assertThat(authenticate(g, Request.get("/api/x").view())).as("a fresh nonce").isInstanceOf(Decision.Authenticated.class);
    }

    @Test
    void aSignedRequestThatDidNotPassThroughTheFilterIsRefused() {
        Request r = Request.get("/api/x");

        assertThat(authenticate(gatehouse(), r.view(r.path(), "", new byte[0], false))).isInstanceOf(Decision.Refused.class);
        RequestView forged = RequestView.builder().path("/api/x").header("X-Gatehouse-Date", NOW.toString())
                .header("Content-Digest", HmacRealm.contentDigest(new byte[0])).header("Authorization", r.authorization())
                .header(RequestBinding.HEADER, "AAAA " + Base64.getUrlEncoder().encodeToString(new byte[0])).build();
        assertThat(authenticate(gatehouse(), forged)).as("a binding header a client made up").isInstanceOf(Decision.Refused.class);
    }

    @Test
    void whenTheNonceBoundIsReachedFurtherRequestsAreUnavailableNotForgotten() {
        Gatehouse g = gatehouse("realm.hmac.maxNonces", "2");
        Request first = Request.get("/api/x");
        assertThat(authenticate(g, first.view())).isInstanceOf(Decision.Authenticated.class);
        assertThat(authenticate(g, Request.get("/api/x").view())).isInstanceOf(Decision.Authenticated.class);

        assertThat(authenticate(g, Request.get("/api/x").view()))
                .isInstanceOfSatisfying(Decision.Refused.class, d -> assertThat(d.status()).isEqualTo(503));
        assertThat(authenticate(g, first.view())).as("the first is still remembered").isInstanceOf(Decision.Refused.class);
    }

    @Test
    void anUnusableUsernameIsRefusedAtStartUpNamingTheKey() {
        Properties p = new Properties();
        p.setProperty("gatehouse.realms", "hmac");
        p.setProperty("realm.hmac.key.ci", "  \u0007 :" + Base64.getEncoder().encodeToString(new byte[32]));

        assertThatThrownBy(() -> Gatehouse.builder().properties(p).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("realm.hmac.key.ci: username");
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

    @Test
    void aClockSkewOutsideOneSecondToOneHourIsRefusedAtStartUp() {
        for (String skew : new String[] {"0s", "500ms", "2h", "100000d"}) {
            assertThatThrownBy(() -> gatehouse("realm.hmac.maxSkew", skew)).as(skew)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("realm.hmac.maxSkew: must be between 1s and 1h");
        }
        assertThat(authenticate(gatehouse("realm.hmac.maxSkew", "1h"), Request.get("/api/x").view()))
                .isInstanceOf(Decision.Authenticated.class);
    }
}
