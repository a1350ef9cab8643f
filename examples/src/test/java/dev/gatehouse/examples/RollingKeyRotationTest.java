package dev.gatehouse.examples;

import static dev.gatehouse.examples.TestServers.basic;
import static dev.gatehouse.examples.TestServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.core.testing.PostgresSchema;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server-key rotation of secrets/README.md ("Key rotation"), step by step, on two example
 * servers sharing one PostgreSQL, restarted one by one while clients read and write secrets: no
 * read fails and nothing answers 500 at any step, every secret reads back under the new key at the
 * end, and the old key is retired and removed from both nodes.
 */
class RollingKeyRotationTest {

    private static final String MYUSER = basic("myuser", "mypwd");

    @TempDir
    Path work;

    private final String oldKey = randomKey();
    private final String newKey = randomKey();
    private final String sessionKey = randomKey();
    private final AtomicReferenceArray<ExampleServer> nodes = new AtomicReferenceArray<>(2);
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger reads = new AtomicInteger();
    private PostgresSchema pg;

    @Test
    void theReadmeRotationKeepsEveryReadWorkingOnTwoNodesUnderLoad() throws Exception {
        PostgresSchema schema = PostgresSchema.create("rotation");
        pg = schema;
        try (schema) {
            start(0, "secrets.serverKey.old", oldKey);
            start(1, "secrets.serverKey.old", oldKey);
            String admin = nodes.get(0).adminApiKey().orElseThrow();
            for (int i = 0; i < 12; i++) {
                write("seed-" + i);
            }
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                clients.add(daemon(() -> readLoop(running)));
            }
            clients.add(daemon(() -> writeLoop(running)));
            try {
                // 1. every node learns the new key, read-only (the primary stays old)
                restart(0, "secrets.serverKey.old", oldKey, "secrets.serverKey.new", newKey,
                        "secrets.serverKey.primary", "old");
                restart(1, "secrets.serverKey.old", oldKey, "secrets.serverKey.new", newKey,
                        "secrets.serverKey.primary", "old");
                JsonNode ring = keyRing(admin);
                assertThat(ring.get("primary").asText()).isEqualTo("old");
                for (JsonNode node : ring.get("nodes")) {
                    if (node.get("live").asBoolean()) {
                        assertThat(node.get("keyIds").toString()).as("every live node holds the new key").contains("new");
                    }
                }
                // 2. the new key becomes primary once every live node names it
                restart(0, "secrets.serverKey.old", oldKey, "secrets.serverKey.new", newKey,
                        "secrets.serverKey.primary", "new");
                assertThat(keyRing(admin).get("primary").asText()).as("one node still names old").isEqualTo("old");
                restart(1, "secrets.serverKey.old", oldKey, "secrets.serverKey.new", newKey,
                        "secrets.serverKey.primary", "new");
                assertThat(keyRing(admin).get("primary").asText()).isEqualTo("new");
                // 3. the sweep, until nothing moves and nothing failed
                JsonNode report;
                int sweeps = 0;
                do {
                    report = json(client(0).send("POST", "/api/v1/admin/secrets/reencrypt", null, null,
                            "Authorization", admin));
                    assertThat(report.get("moved").asInt() + report.get("current").asInt() + report.get("failed").asInt())
                            .as("the report adds up: " + report).isEqualTo(report.get("seen").asInt());
                    sweeps++;
                } while ((report.get("moved").asInt() > 0 || !report.get("complete").asBoolean()) && sweeps < 10);
                assertThat(report.get("complete").asBoolean()).as(report.toString()).isTrue();
                // 4. the old key goes: retired, then removed from every node's configuration
                HttpResponse<String> retired = client(1).send("POST", "/api/v1/admin/secrets/keys/old/retire", null, null,
                        "Authorization", admin);
                assertThat(retired.statusCode()).as(retired.body()).isEqualTo(200);
                restart(0, "secrets.serverKey.new", newKey, "secrets.serverKey.primary", "new");
                restart(1, "secrets.serverKey.new", newKey, "secrets.serverKey.primary", "new");
            } finally {
                running.set(false);
                for (Thread t : clients) {
                    t.join(30_000);
                }
            }
            assertThat(failures).as("reads or writes that failed during the rotation").isEmpty();
            assertThat(reads.get()).as("the clients did read throughout").isGreaterThan(20);
            // every acknowledged secret reads back, on both nodes, with only the new key configured
            for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                for (int n = 0; n < 2; n++) {
                    HttpResponse<String> r = read(n, e.getKey());
                    assertThat(r.statusCode()).as(e.getKey() + " on node " + n + ": " + r.body()).isEqualTo(200);
                    assertThat(r.body()).isEqualTo(e.getValue());
                }
            }
            // once no node holds it any more, the ring may forget a retired key altogether
            JsonNode keys = keyRing(admin).get("keys");
            assertThat(keys.has("old") ? keys.get("old").asText() : "RETIRED").as(keys.toString()).isEqualTo("RETIRED");
            assertThat(keys.get("new").asText()).isEqualTo("PRIMARY");
        } finally {
            for (int n = 0; n < 2; n++) {
                ExampleServer s = nodes.get(n);
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    private void start(int n, String... keys) throws Exception {
        List<String> settings = new ArrayList<>(List.of("db.url", pg.jdbcUrl(), "db.username", pg.user(),
                "session.keys.main", sessionKey));
        settings.addAll(List.of(keys));
        nodes.set(n, TestServers.start(work.resolve("node" + n), Map.of(), settings.toArray(new String[0])));
    }

    /** Takes node {@code n} out of rotation, stops it, starts it with {@code keys}; clients use the other meanwhile. */
    private void restart(int n, String... keys) throws Exception {
        ExampleServer old = nodes.getAndSet(n, null);
        old.close();
        start(n, keys);
        Thread.sleep(300); // let the clients use the restarted node for a moment
    }

    private TestServers.Client client(int n) {
        return new TestServers.Client(nodes.get(n));
    }

    private JsonNode keyRing(String admin) throws IOException, InterruptedException {
        for (int n = 0; n < 2; n++) {
            if (nodes.get(n) != null) {
                return json(client(n).get("/api/v1/admin/secrets/keyring", "Authorization", admin));
            }
        }
        throw new IllegalStateException("no node is up");
    }

    private HttpResponse<String> read(int n, String name) throws IOException, InterruptedException {
        return client(n).send("POST", "/api/v1/org/Default/secret/" + name + "/data", null, null, "Authorization", MYUSER);
    }

    private void write(String name) throws IOException, InterruptedException {
        String value = "value of " + name + " " + ThreadLocalRandom.current().nextLong();
        for (int n = 0; n < 2; n++) {
            ExampleServer s = nodes.get(n);
            if (s == null) {
                continue;
            }
            HttpResponse<String> r = new TestServers.Client(s).postForm("/api/v1/org/Default/secret", MYUSER,
                    "name", name, "type", "data", "data", value);
            if (r.statusCode() == 200) {
                acknowledged.put(name, value);
            } else if (nodes.get(n) == s) {
                failures.add("create " + name + " -> " + r.statusCode() + " " + r.body());
            }
            return;
        }
    }

    private void readLoop(AtomicBoolean running) {
        while (running.get()) {
            List<String> names = new ArrayList<>(acknowledged.keySet());
            String name = names.get(ThreadLocalRandom.current().nextInt(names.size()));
            int n = ThreadLocalRandom.current().nextInt(2);
            ExampleServer s = nodes.get(n);
            if (s == null) {
                continue; // restarting: the other node serves
            }
            try {
                HttpResponse<String> r = new TestServers.Client(s).send("POST",
                        "/api/v1/org/Default/secret/" + name + "/data", null, null, "Authorization", MYUSER);
                reads.incrementAndGet();
                boolean current = nodes.get(n) == s; // not an answer from a node shutting down under us
                if (current && (r.statusCode() != 200 || !r.body().equals(acknowledged.get(name)))) {
                    failures.add("read " + name + " on node " + n + " -> " + r.statusCode() + " " + r.body());
                }
            } catch (IOException e) {
                if (nodes.get(n) == s) {
                    failures.add("read " + name + " on node " + n + " -> " + e);
                } // else the node was being restarted under this request
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void writeLoop(AtomicBoolean running) {
        int i = 0;
        while (running.get()) {
            try {
                write("load-" + i++);
                Thread.sleep(100);
            } catch (IOException e) {
                // a node went down under this request: the next write goes to whichever is up
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static Thread daemon(Runnable body) {
        Thread t = new Thread(body, "rotation-client");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }
}
