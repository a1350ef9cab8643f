package dev.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The third-party HMAC realm, enabled in the example server by configuration alone, with its
 * request filter named in {@code server.filters}: a signature covers method, path, query string
 * and body, and a request is accepted once.
 */
class PluginRealmTest {

    @TempDir
    static Path work;
    private static final byte[] SECRET = new byte[32];
    private static ExampleServer server;
    private static TestServers.Client http;

    @BeforeAll
    static void start() throws Exception {
        new SecureRandom().nextBytes(SECRET);
        server = TestServers.start(work.resolve("data"), Map.of("CI_BOT_SECRET", Base64.getEncoder().encodeToString(SECRET)),
                "gatehouse.realms", "apikey,ldap,session,hmac",
                "realm.hmac.key.ci", "ci-bot:${env:CI_BOT_SECRET}",
                "server.filters", "com.example.gatehouse.hmac.HmacRequestFilter");
        http = new TestServers.Client(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A signed request: the headers a client sends for {@code method path?query} with {@code body}. */
    record Signed(String method, String path, String query, byte[] body, String date, String nonce) {
        static Signed of(String method, String path, String query, String body) {
            return new Signed(method, path, query, body.getBytes(StandardCharsets.UTF_8), Instant.now().toString(),
                    UUID.randomUUID().toString());
        }

        String digest() throws Exception {
            return "sha-256=:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body)) + ":";
        }

        String[] headers() throws Exception {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
            String signature = Base64.getEncoder().encodeToString(mac.doFinal(String.join("\n", method, path, query, date,
                    nonce, digest()).getBytes(StandardCharsets.UTF_8)));
            return new String[] {"Authorization", "GH-HMAC keyId=ci, nonce=" + nonce + ", signature=" + signature,
                "X-Gatehouse-Date", date, "Content-Digest", digest()};
        }

        /** Sends these headers with another target or body than the ones signed. */
        HttpResponse<String> send(String sentPathAndQuery, String sentBody, String... extraHeaders) throws Exception {
            List<String> h = new ArrayList<>(List.of(headers()));
            h.addAll(List.of(extraHeaders));
            return http.send(method, sentPathAndQuery, sentBody, sentBody == null ? null : "application/json",
                    h.toArray(String[]::new));
        }

        HttpResponse<String> send() throws Exception {
            return send(path + (query.isEmpty() ? "" : "?" + query), body.length == 0 ? null : new String(body,
                    StandardCharsets.UTF_8));
        }
    }

    @Test
    void hmacRealmFromAPluginJarIsEnabledByConfigurationAlone() throws Exception {
        JsonNode whoami = TestServers.json(Signed.of("GET", "/api/service/console/whoami", "", "").send());
        assertThat(whoami.get("username").asText()).isEqualTo("ci-bot");
        assertThat(whoami.get("realm").asText()).isEqualTo("hmac");
        assertThat(whoami.get("userType").asText()).isEqualTo("HMAC");

        Signed bad = Signed.of("GET", "/api/service/console/whoami", "", "");
        assertThat(http.get("/api/service/console/whoami", "Authorization", "GH-HMAC keyId=ci, nonce=" + bad.nonce()
                + ", signature=AAAA", "X-Gatehouse-Date", bad.date(), "Content-Digest", bad.digest()).statusCode())
                .isEqualTo(401);
        assertThat(http.get("/api/service/console/whoami").headers().allValues("WWW-Authenticate"))
                .contains("GH-HMAC realm=\"hmac\"");
    }

    @Test
    void aSignatureDoesNotCoverAnotherQueryString() throws Exception {
        Signed list = Signed.of("GET", "/api/v1/apikey", "", "");

        assertThat(list.send("/api/v1/apikey?username=admin", null).statusCode()).isEqualTo(401);
        Signed withQuery = Signed.of("GET", "/api/v1/apikey", "username=ci-bot", "");
        assertThat(withQuery.send().statusCode()).as(withQuery.send().body()).isEqualTo(200);
    }

    @Test
    void aSignatureDoesNotCoverAnotherBody() throws Exception {
        Signed create = Signed.of("POST", "/api/v1/org", "", "{\"name\":\"ci-org-1\"}");

        HttpResponse<String> otherBody = create.send("/api/v1/org", "{\"name\":\"ci-org-evil\"}");
        assertThat(otherBody.statusCode()).as("the body does not match its Content-Digest").isEqualTo(400);
        assertThat(TestServers.json(otherBody).get("message").asText()).contains("Content-Digest");

        Signed evil = Signed.of("POST", "/api/v1/org", "", "{\"name\":\"ci-org-evil\"}");
        List<String> h = new ArrayList<>(List.of(create.headers()));
        h.set(5, evil.digest()); // a digest that matches the new body, under the old signature
        assertThat(http.send("POST", "/api/v1/org", "{\"name\":\"ci-org-evil\"}", "application/json",
                h.toArray(String[]::new)).statusCode()).isEqualTo(401);

        assertThat(create.send().statusCode()).isEqualTo(200);
    }

    /**
     * The filter skips reading only a request whose framing says it has no body: a chunked body
     * (no Content-Length) is read and checked like any other, on HTTP/1.1 and HTTP/1.0 alike.
     */
    @Test
    void aBodyWithoutContentLengthIsReadAndChecked() throws Exception {
        Signed signedEmpty = Signed.of("POST", "/api/v1/org", "", "");
        assertThat(chunked(signedEmpty, "{\"name\":\"ci-org-chunked-evil\"}"))
                .as("a chunked body signed as empty").startsWith("HTTP/1.1 400").contains("Content-Digest");

        Signed signed = Signed.of("POST", "/api/v1/org", "", "{\"name\":\"ci-org-chunked\"}");
        assertThat(chunked(signed, "{\"name\":\"ci-org-chunked\"}")).startsWith("HTTP/1.1 200");

        Signed get = Signed.of("GET", "/api/service/console/whoami", "", "");
        String[] h = get.headers();
        String zeroLength = TestServers.raw(server, ("GET /api/service/console/whoami HTTP/1.1\r\nHost: x\r\n"
                + h[0] + ": " + h[1] + "\r\n" + h[2] + ": " + h[3] + "\r\n" + h[4] + ": " + h[5] + "\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        assertThat(zeroLength).startsWith("HTTP/1.1 200").contains("\"username\":\"ci-bot\"");
    }

    /** Sends {@code signed}'s headers with {@code body} in one chunk, without a Content-Length. */
    private static String chunked(Signed signed, String body) throws Exception {
        String[] h = signed.headers();
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return TestServers.raw(server, ("POST /api/v1/org HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + h[0] + ": " + h[1] + "\r\n" + h[2] + ": " + h[3] + "\r\n" + h[4] + ": " + h[5] + "\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + Integer.toHexString(b.length) + "\r\n"
                + body + "\r\n0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRequestIsAcceptedOnce() throws Exception {
        Signed once = Signed.of("POST", "/api/v1/org", "", "{\"name\":\"ci-org-once\"}");

        assertThat(once.send().statusCode()).isEqualTo(200);
        HttpResponse<String> replay = once.send();
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(TestServers.json(replay).get("message").asText()).isEqualTo("This request was received before");
    }

    @Test
    void signedMultipartIsRefusedRatherThanUnchecked() throws Exception {
        String boundary = "b" + UUID.randomUUID().toString().replace("-", "");
        byte[] body = TestServers.multipart(boundary, "name", "x", "type", "data", "data", "v");
        Signed s = new Signed("POST", "/api/v1/org/Default/secret", "", body, Instant.now().toString(),
                UUID.randomUUID().toString());

        HttpResponse<String> r = http.sendBytes("POST", "/api/v1/org/Default/secret", body,
                "multipart/form-data; boundary=" + boundary, s.headers());

        assertThat(r.statusCode()).isEqualTo(415);
    }

    @Test
    void withoutItsFilterTheRealmRefusesEverySignedRequest() throws Exception {
        try (ExampleServer bare = TestServers.start(work.resolve("bare"), Map.of("CI_BOT_SECRET",
                Base64.getEncoder().encodeToString(SECRET)), "gatehouse.realms", "apikey,ldap,session,hmac",
                "realm.hmac.key.ci", "ci-bot:${env:CI_BOT_SECRET}")) {
            Signed s = Signed.of("GET", "/api/service/console/whoami", "", "");
            HttpResponse<String> r = new TestServers.Client(bare).get("/api/service/console/whoami", s.headers());

            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(TestServers.json(r).get("message").asText()).isEqualTo("This server cannot verify signed requests");
        }
    }
}
