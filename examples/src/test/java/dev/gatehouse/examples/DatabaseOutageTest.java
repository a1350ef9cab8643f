package dev.gatehouse.examples;

import static dev.gatehouse.examples.TestServers.basic;
import static dev.gatehouse.examples.TestServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.testing.PostgresSchema;
import dev.gatehouse.core.testing.TcpProxy;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example server on a PostgreSQL that goes away: its pool reaches the shared PostgreSQL
 * through a {@link TcpProxy} that the test cuts and restores, so no other test notices. While the
 * database is down every credential that needs it gets a fast 503 with {@code Retry-After}, never a
 * 401 and never (after five tries) a 429, every endpoint answers 503 rather than 500 or a 4xx, and
 * once the database is back the same credentials work without a restart.
 */
class DatabaseOutageTest {

    private static final String MYUSER = basic("myuser", "mypwd");
    private static final String ALICE = basic("alice", "Wonderland1");

    /**
     * How long the pool may take to notice the database is back: HikariCP retries new connections
     * with a backoff of at most 5 s; nothing else has to expire.
     */
    private static final Duration RECONNECT = Duration.ofSeconds(12);

    @TempDir
    Path work;

    private PostgresSchema pg;
    private TcpProxy proxy;
    private ExampleServer a;
    private ExampleServer b;

    @BeforeEach
    void start() throws Exception {
        pg = PostgresSchema.create("outage");
        proxy = TcpProxy.to("127.0.0.1", pg.port());
        String[] settings = {"db.url", pg.jdbcUrl().replace(":" + pg.port() + "/", ":" + proxy.port() + "/"),
                "db.username", pg.user(), "db.connectionTimeout", "1s", "db.queryTimeout", "2s",
                "secrets.serverKey.main", randomKey(), "session.keys.main", randomKey()};
        a = TestServers.start(work.resolve("a"), Map.of(), settings);
        b = TestServers.start(work.resolve("b"), Map.of(), settings);
    }

    @AfterEach
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void firstPasswordLoginIsUnavailableNotRefusedAndWorksOnceTheDatabaseIsBack() throws Exception {
        TestServers.Client http = new TestServers.Client(a);
        proxy.cut();
        for (int i = 0; i < 6; i++) {
            assertUnavailable(http.get("/api/service/console/whoami", "Authorization", MYUSER));
        }
        proxy.restore();
        assertEventually200(() -> http.get("/api/service/console/whoami", "Authorization", MYUSER));
    }

    @Test
    void repeatedPasswordLoginDuringAnOutageNeverLeadsToThrottling() throws Exception {
        TestServers.Client http = new TestServers.Client(a);
        assertThat(http.get("/api/service/console/whoami", "Authorization", ALICE).statusCode()).isEqualTo(200);
        proxy.cut();
        for (int i = 0; i < 8; i++) {
            int status = http.get("/api/service/console/whoami", "Authorization", ALICE).statusCode();
            assertThat(status).as("a cached login may pass; an outage is never a 401 or 429").isIn(200, 503);
        }
        proxy.restore();
        assertEventually200(() -> http.get("/api/service/console/whoami", "Authorization", ALICE));
    }

    @Test
    void apiKeyFirstUseIsUnavailableAndWorksAfterwards() throws Exception {
        String key = json(new TestServers.Client(a).postJson("/api/v1/apikey", "{\"name\":\"outage\"}",
                "Authorization", MYUSER)).get("key").asText();
        TestServers.Client onB = new TestServers.Client(b); // B has never seen the key
        proxy.cut();
        for (int i = 0; i < 6; i++) {
            assertUnavailable(onB.get("/api/service/console/whoami", "Authorization", key));
        }
        proxy.restore();
        // no negative cache entry or throttle count outlives the outage
        assertEventually200(() -> onB.get("/api/service/console/whoami", "Authorization", key));
    }

    @Test
    void sessionTokenFirstUseIsUnavailableAndWorksAfterwards() throws Exception {
        TestServers.Client onA = new TestServers.Client(a);
        String id = json(onA.postJson("/api/v1/process", "{\"log\":\"${processInfo.sessionToken}\"}",
                "Authorization", MYUSER)).get("instanceId").asText();
        String token = onA.get("/api/v1/process/" + id + "/log", "Authorization", MYUSER).body();
        TestServers.Client onB = new TestServers.Client(b);
        proxy.cut();
        for (int i = 0; i < 6; i++) {
            assertUnavailable(onB.get("/api/service/console/whoami", "X-Concord-SessionToken", token));
        }
        proxy.restore();
        assertEventually200(() -> onB.get("/api/service/console/whoami", "X-Concord-SessionToken", token));
    }

    @Test
    void everyEndpointAnswers503WhileTheDatabaseIsDown() throws Exception {
        TestServers.Client http = new TestServers.Client(a);
        String admin = a.adminApiKey().orElseThrow();
        // Warm the key cache, so that authentication itself needs no database: then each endpoint's
        // own use of the database is what the outage hits.
        assertThat(http.get("/api/service/console/whoami", "Authorization", admin).statusCode()).isEqualTo(200);
        http.postJson("/api/v1/org/Default/project", "{\"name\":\"p1\"}", "Authorization", admin);
        proxy.cut();
        List<String> wrong = new ArrayList<>();
        check(wrong, "GET /api/v1/apikey", http.get("/api/v1/apikey", "Authorization", admin));
        check(wrong, "POST /api/v1/apikey", http.postJson("/api/v1/apikey", "{\"name\":\"x\"}", "Authorization", admin));
        check(wrong, "DELETE /api/v1/apikey/{id}", http.send("DELETE",
                "/api/v1/apikey/00000000-0000-0000-0000-000000000001", null, null, "Authorization", admin));
        check(wrong, "GET /api/v1/user/myuser", http.get("/api/v1/user/myuser", "Authorization", admin));
        check(wrong, "POST /api/v1/user", http.postJson("/api/v1/user",
                "{\"username\":\"robot\",\"type\":\"LOCAL\"}", "Authorization", admin));
        check(wrong, "POST /api/v1/org/Default/project", http.postJson("/api/v1/org/Default/project",
                "{\"name\":\"p2\"}", "Authorization", admin));
        check(wrong, "POST /api/v1/org/Default/secret", http.postForm("/api/v1/org/Default/secret", admin,
                "name", "s1", "type", "data", "data", "x"));
        check(wrong, "GET /api/v1/org/Default/secret", http.get("/api/v1/org/Default/secret", "Authorization", admin));
        check(wrong, "POST .../secret/s1/data", http.send("POST", "/api/v1/org/Default/secret/s1/data", null, null,
                "Authorization", admin));
        check(wrong, "POST .../encrypt", http.send("POST", "/api/v1/org/Default/project/p1/encrypt", "v",
                "text/plain", "Authorization", admin));
        check(wrong, "POST /api/v1/process", http.postJson("/api/v1/process", "{\"log\":\"x\"}",
                "Authorization", admin));
        check(wrong, "GET /api/v1/process/{id}", http.get("/api/v1/process/00000000-0000-0000-0000-000000000001",
                "Authorization", admin));
        assertThat(wrong).as("endpoints that did not answer 503 with Retry-After during the outage").isEmpty();
        proxy.restore();
        assertEventually200(() -> http.get("/api/v1/apikey", "Authorization", admin));
    }

    /** A request that needs nothing the outage left behind; in the meantime only 503s, never a 401 or 429. */
    private static void assertEventually200(Request request) throws Exception {
        long deadline = System.nanoTime() + RECONNECT.toNanos();
        HttpResponse<String> r;
        do {
            r = request.send();
            if (r.statusCode() == 200) {
                return;
            }
            assertThat(r.statusCode()).as("while the pool reconnects: " + r.body()).isEqualTo(503);
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertThat(r.statusCode()).as("200 within " + RECONNECT + " of the database coming back: " + r.body())
                .isEqualTo(200);
    }

    @FunctionalInterface
    private interface Request {
        HttpResponse<String> send() throws Exception;
    }

    private static void check(List<String> wrong, String what, HttpResponse<String> r) {
        if (r.statusCode() != 503 || r.headers().firstValue("Retry-After").isEmpty()
                || !r.body().contains("\"message\"")) {
            wrong.add(what + " -> " + r.statusCode() + " " + r.body());
        }
    }

    private static void assertUnavailable(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }

    private static String randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }
}
