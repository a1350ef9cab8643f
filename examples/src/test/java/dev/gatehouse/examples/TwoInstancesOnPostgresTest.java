package dev.gatehouse.examples;

import static dev.gatehouse.examples.TestServers.basic;
import static dev.gatehouse.examples.TestServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.testing.PostgresSchema;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two example servers on two ports against one PostgreSQL behave as one service: what one
 * writes the other reads, and what one revokes the other refuses within the documented bound
 * (1 s by default for API keys and session tokens).
 */
class TwoInstancesOnPostgresTest {

    private static final Duration BOUND = Duration.ofSeconds(1);
    private static final String MYUSER = basic("myuser", "mypwd");

    @TempDir
    Path work;

    @Test
    void twoInstancesShareUsersKeysSecretsAndProcesses() throws Exception {
        try (PostgresSchema pg = PostgresSchema.create("example")) {
            String serverKey = randomKey();
            String sessionKey = randomKey();
            String[] shared = {"db.url", pg.jdbcUrl(), "db.username", pg.user(),
                    "secrets.serverKey.main", serverKey, "session.keys.main", sessionKey};
            try (ExampleServer a = TestServers.start(work.resolve("a"), Map.of(), shared);
                    ExampleServer b = TestServers.start(work.resolve("b"), Map.of(), shared)) {
                TestServers.Client onA = new TestServers.Client(a);
                TestServers.Client onB = new TestServers.Client(b);
                assertThat(b.adminApiKey()).as("only the first instance generates an admin key").isEmpty();

                // an API key created on A works on B, and is refused on B soon after A revokes it
                var created = json(onA.postJson("/api/v1/apikey", "{\"name\":\"shared\"}", "Authorization", MYUSER));
                String key = created.get("key").asText();
                assertThat(onB.get("/api/service/console/whoami", "Authorization", key).statusCode()).isEqualTo(200);
                onA.send("DELETE", "/api/v1/apikey/" + created.get("id").asText(), null, null, "Authorization", MYUSER);
                assertThat(onA.get("/api/service/console/whoami", "Authorization", key).statusCode())
                        .as("at once on the node that revoked it").isEqualTo(401);
                assertRefusedWithinBound(onB, "Authorization", key);

                // a secret written through A is read through B (same server key)
                onA.postForm("/api/v1/org/Default/secret", MYUSER, "name", "shared-secret", "type", "data", "data", "42");
                assertThat(onB.send("POST", "/api/v1/org/Default/secret/shared-secret/data", null, null,
                        "Authorization", MYUSER).body()).isEqualTo("42");

                // a process started on A: its token works on B until A finishes the process
                String id = json(onA.postJson("/api/v1/process", "{\"log\":\"${processInfo.sessionToken}\"}",
                        "Authorization", MYUSER)).get("instanceId").asText();
                String token = onA.get("/api/v1/process/" + id + "/log", "Authorization", MYUSER).body();
                assertThat(onB.get("/api/service/console/whoami", "X-Concord-SessionToken", token).statusCode())
                        .isEqualTo(200);
                onA.send("POST", "/api/v1/process/" + id + "/finish", null, null, "Authorization", MYUSER);
                assertRefusedWithinBound(onB, "X-Concord-SessionToken", token);
            }
        }
    }

    private static void assertRefusedWithinBound(TestServers.Client node, String header, String value) throws Exception {
        long deadline = System.nanoTime() + BOUND.plusSeconds(2).toNanos(); // the bound, plus slack for a busy machine
        int status;
        do {
            status = node.get("/api/service/console/whoami", header, value).statusCode();
            if (status == 401) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        assertThat(status).as("refused on the other node within " + BOUND + " (+2 s slack)").isEqualTo(401);
    }

    private static String randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }
}
