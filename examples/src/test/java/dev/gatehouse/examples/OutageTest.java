package dev.gatehouse.examples;

import static dev.gatehouse.examples.TestServers.basic;
import static dev.gatehouse.examples.TestServers.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.testing.PostgresSchema;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database outage is answered 503 with {@code Retry-After} by every endpoint that needs the
 * database, never a 500 or a 4xx, and the pool gives up quickly (5 s by default) instead of
 * holding a request thread.
 */
class OutageTest {

    private static final String MYUSER = basic("myuser", "mypwd");

    @TempDir
    Path work;

    @Test
    void everyEndpointAnswersAnOutageWith503AndRetryAfter() throws Exception {
        AtomicReference<FaultyDataSource> made = new AtomicReference<>();
        try (ExampleServer server = TestServers.start(work.resolve("data"), Map.of(), ds -> {
            made.set(new FaultyDataSource(ds));
            return made.get();
        })) {
            FaultyDataSource db = made.get();
            TestServers.Client http = new TestServers.Client(server);
            String key = json(http.postJson("/api/v1/apikey", "{\"name\":\"outage\"}", "Authorization", MYUSER))
                    .get("key").asText();
            assertThat(http.get("/api/service/console/whoami", "Authorization", key).statusCode()).isEqualTo(200);
            String process = json(http.postJson("/api/v1/process", "{\"log\":\"${processInfo.sessionToken}\"}",
                    "Authorization", key)).get("instanceId").asText();
            String token = http.get("/api/v1/process/" + process + "/log", "Authorization", key).body();
            http.postForm("/api/v1/org/Default/secret", key, "name", "before-outage", "type", "data", "data", "x");

            db.down(true);
            try {
                List<HttpResponse<String>> answers = List.of(
                        http.get("/api/v1/org/Default/secret", "Authorization", key),
                        http.postForm("/api/v1/org/Default/secret", key, "name", "during", "type", "data", "data", "x"),
                        http.send("POST", "/api/v1/org/Default/secret/before-outage/data", null, null, "Authorization", key),
                        http.postJson("/api/v1/org", "{\"name\":\"during-outage\"}", "Authorization", key),
                        http.postJson("/api/v1/org/Default/project", "{\"name\":\"during-outage\"}", "Authorization", key),
                        http.send("POST", "/api/v1/org/Default/project/p1/encrypt", "v", "text/plain", "Authorization", key),
                        http.get("/api/v1/user/myuser", "Authorization", key),
                        http.get("/api/v1/apikey", "Authorization", key),
                        http.postJson("/api/v1/apikey", "{\"name\":\"during\"}", "Authorization", key),
                        http.postJson("/api/v1/process", "{\"log\":\"x\"}", "Authorization", key),
                        http.get("/api/v1/process/" + process, "Authorization", key),
                        http.get("/api/v1/process/" + process + "/log", "Authorization", key),
                        http.send("POST", "/api/v1/process/" + process + "/finish", null, null, "Authorization", key),
                        http.get("/api/service/console/whoami", "X-Concord-SessionToken", token));
                for (HttpResponse<String> r : answers) {
                    String what = r.request().method() + " " + r.request().uri().getPath();
                    assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(503);
                    assertThat(r.headers().firstValue("Retry-After")).as(what).isPresent();
                    assertThat(json(r).get("message").asText()).as(what).isNotBlank();
                }
                assertThat(http.get("/api/v1/server/ping").statusCode()).as("ping needs no database").isEqualTo(200);
                assertThat(answers.get(0).body())
                        .isEqualTo("{\"message\":\"Service unavailable: the example server database did not answer; retry later\"}");
            } finally {
                db.down(false);
            }
            assertThat(http.get("/api/v1/org/Default/secret", "Authorization", key).statusCode()).isEqualTo(200);
            assertThat(http.get("/api/service/console/whoami", "X-Concord-SessionToken", token).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void anErrorNoHandlerCaughtIsAJson500ThatRepeatsNothing() throws Exception {
        AtomicReference<FaultyDataSource> made = new AtomicReference<>();
        try (ExampleServer server = TestServers.start(work.resolve("data"), Map.of(), ds -> {
            made.set(new FaultyDataSource(ds));
            return made.get();
        })) {
            TestServers.Client http = new TestServers.Client(server);
            // A session token authenticates with reads only, so the armed write is the handler's own;
            // finishing its own process is what a process token may do (process:self).
            String process = json(http.postJson("/api/v1/process", "{\"log\":\"${processInfo.sessionToken}\"}",
                    "Authorization", MYUSER)).get("instanceId").asText();
            String token = http.get("/api/v1/process/" + process + "/log", "Authorization", MYUSER).body();
            made.get().failStep(1, () -> new AssertionError("internal detail 5e1f"));
            HttpResponse<String> r;
            try {
                r = http.send("POST", "/api/v1/process/" + process + "/finish", null, null, "X-Concord-SessionToken", token);
            } finally {
                made.get().failStep(0);
            }

            assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(json(r).get("message").asText()).isNotBlank();
            assertThat(r.body()).doesNotContain("5e1f").doesNotContain("AssertionError").doesNotContain("<");
        }
    }

    @Test
    void thePoolFailsFastByDefaultAndTheTimeoutsAreSettings() throws Exception {
        AtomicReference<HikariDataSource> pool = new AtomicReference<>();
        try (ExampleServer server = TestServers.start(work.resolve("h2"), Map.of(), ds -> {
            pool.set((HikariDataSource) ds);
            return ds;
        })) {
            assertThat(pool.get().getConnectionTimeout()).isEqualTo(5_000);
        }
        try (PostgresSchema pg = PostgresSchema.create("outage");
                ExampleServer server = TestServers.start(work.resolve("pg"), Map.of(), ds -> {
                    pool.set((HikariDataSource) ds);
                    return ds;
                }, "db.url", pg.jdbcUrl(), "db.username", pg.user(), "db.connectionTimeout", "2s")) {
            assertThat(pool.get().getConnectionTimeout()).isEqualTo(2_000);
            assertThat(pool.get().getDataSourceProperties()).containsEntry("socketTimeout", "5")
                    .containsEntry("options", "-c statement_timeout=5000");
        }
        assertThatThrownBy(() -> TestServers.start(work.resolve("bad"), Map.of(), "db.queryTimeout", "soon"))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("db.queryTimeout:");
    }
}
