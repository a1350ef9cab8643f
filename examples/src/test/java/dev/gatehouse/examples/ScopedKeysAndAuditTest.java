package dev.gatehouse.examples;

import static dev.gatehouse.examples.TestServers.basic;
import static dev.gatehouse.examples.TestServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.apikey.ApiKeyRealm;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 items 3 and 4 over real HTTP against the example server: scoped API keys (refused
 * outside their scopes with a 403 naming the missing one, accepted inside; never more than the
 * owner or the creator holds; narrowed when the owner loses a right), and the audit trail (each
 * event once with the right actor, a process's reads naming the process and its user, paging,
 * bad parameters, and no secret value, password or key anywhere in the table or the log).
 */
class ScopedKeysAndAuditTest {

    private static final String MYUSER_PASSWORD = "mypwd";
    private static final String MYUSER = basic("myuser", MYUSER_PASSWORD);
    private static final String SECRET_VALUE = "flow-value-Qz81xK";
    private static final String STORE_PASSWORD = "Sesame-Guard-42x";
    private static final String WRONG_STORE_PASSWORD = "Wrong-Guard-99y";
    private static final String PLAINTEXT = "swordfish-7Hq2";

    @TempDir
    static Path work;
    static ExampleServer server;
    static TestServers.Client http;
    static String admin;
    static final AtomicReference<DataSource> pool = new AtomicReference<>();
    static LogCapture log;
    static final List<String> keysSeen = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        log = new LogCapture();
        server = TestServers.start(work.resolve("data"), Map.of(), ds -> {
            pool.set(ds);
            return ds;
        });
        http = new TestServers.Client(server);
        admin = server.adminApiKey().orElseThrow();
        keysSeen.add(admin);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (log != null) {
            log.close();
        }
    }

    private static String key(String authorization, String body) throws Exception {
        HttpResponse<String> r = http.postJson("/api/v1/apikey", body, "Authorization", authorization);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String key = json(r).get("key").asText();
        keysSeen.add(key);
        return key;
    }

    private static void assertForbidden(HttpResponse<String> r, String permission) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(json(r).get("message").asText()).contains(permission);
    }

    @Test
    void aScopedKeyIsRefusedOutsideItsScopesAndAcceptedInside() throws Exception {
        assertThat(http.postForm("/api/v1/org/Default/secret", MYUSER, "name", "scoped-read", "type", "data", "data",
                SECRET_VALUE).statusCode()).isEqualTo(200);
        HttpResponse<String> created = http.postJson("/api/v1/apikey",
                "{\"name\":\"reader\",\"scopes\":[\"secret:read\"]}", "Authorization", MYUSER);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(json(created).get("scopes").toString()).isEqualTo("[\"secret:read\"]");
        String reader = json(created).get("key").asText();
        keysSeen.add(reader);

        HttpResponse<String> read = http.send("POST", "/api/v1/org/Default/secret/scoped-read/data", null, null,
                "Authorization", reader);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(read.body()).isEqualTo(SECRET_VALUE);
        assertThat(http.get("/api/v1/org/Default/secret", "Authorization", reader).statusCode()).isEqualTo(200);

        assertForbidden(http.postForm("/api/v1/org/Default/secret", reader, "name", "nope", "type", "data", "data", "x"),
                "secret:write");
        assertForbidden(http.send("DELETE", "/api/v1/org/Default/secret/scoped-read", null, null, "Authorization", reader),
                "secret:write");
        assertForbidden(http.postJson("/api/v1/process", "{\"log\":\"x\"}", "Authorization", reader), "process:start");
        assertForbidden(http.postJson("/api/v1/apikey", "{\"name\":\"minted\"}", "Authorization", reader),
                "apikey:manage");
        assertForbidden(http.get("/api/v1/apikey", "Authorization", reader), "apikey:manage");
        assertThat(http.send("POST", "/api/v1/org/Default/secret/scoped-read/data", null, null, "Authorization", MYUSER)
                .statusCode()).as("the secret is still there").isEqualTo(200);

        // process:run lets the key start processes, and nothing else
        String runner = key(MYUSER, "{\"name\":\"runner\",\"scopes\":[\"process:run\"]}");
        assertThat(http.postJson("/api/v1/process", "{\"log\":\"hello\"}", "Authorization", runner).statusCode())
                .isEqualTo(200);
        assertForbidden(http.send("POST", "/api/v1/org/Default/secret/scoped-read/data", null, null,
                "Authorization", runner), "secret:read");

        JsonNode listed = json(http.get("/api/v1/apikey", "Authorization", MYUSER));
        for (JsonNode k : listed) {
            if (k.get("name").asText().equals("reader")) {
                assertThat(k.get("scopes").toString()).isEqualTo("[\"secret:read\"]");
            }
            if (k.get("name").asText().equals("runner")) {
                assertThat(k.get("scopes").toString()).isEqualTo("[\"process:start\"]");
            }
        }
    }

    @Test
    void aKeyCannotBeGivenAScopeItsCreatorOrOwnerLacks() throws Exception {
        assertForbidden(http.postJson("/api/v1/apikey", "{\"name\":\"grab\",\"scopes\":[\"user:manage\"]}",
                "Authorization", MYUSER), "user:manage");
        assertForbidden(http.postJson("/api/v1/apikey", "{\"name\":\"grab2\",\"scopes\":[\"admin\"]}",
                "Authorization", MYUSER), "*");
        assertForbidden(http.postJson("/api/v1/apikey",
                "{\"username\":\"myuser\",\"name\":\"grab3\",\"scopes\":[\"audit:read\"]}", "Authorization", admin),
                "audit:read");
        for (String bad : List.of("{\"scopes\":[\"no-such:scope\"]}", "{\"scopes\":\"secret:read\"}",
                "{\"scopes\":[]}", "{\"scopes\":[42]}", "{\"scopes\":[\"Secret:Read\"]}")) {
            HttpResponse<String> r = http.postJson("/api/v1/apikey", bad, "Authorization", MYUSER);
            assertThat(r.statusCode()).as(bad + " -> " + r.body()).isEqualTo(400);
            assertThat(json(r).get("message").asText()).isNotBlank();
        }
        // a scoped key with apikey:manage mints keys only within its own scopes
        String manager = key(MYUSER, "{\"name\":\"manager\",\"scopes\":[\"apikey:manage\",\"secret:read\"]}");
        assertForbidden(http.postJson("/api/v1/apikey", "{\"name\":\"wider\",\"scopes\":[\"secret:write\"]}",
                "Authorization", manager), "secret:write");
        HttpResponse<String> inherited = http.postJson("/api/v1/apikey", "{\"name\":\"child\"}", "Authorization", manager);
        assertThat(inherited.statusCode()).as(inherited.body()).isEqualTo(200);
        keysSeen.add(json(inherited).get("key").asText());
        assertThat(json(inherited).get("scopes").toString()).isEqualTo("[\"apikey:manage\",\"secret:read\"]");
        JsonNode names = json(http.get("/api/v1/apikey", "Authorization", MYUSER));
        assertThat(names.toString()).doesNotContain("\"grab").doesNotContain("\"wider\"");
    }

    @Test
    void anOwnerWhoLosesARightLosesItOnTheirScopedKey() throws Exception {
        HttpResponse<String> user = http.postJson("/api/v1/user",
                "{\"username\":\"carol\",\"type\":\"LOCAL\",\"roles\":[\"admin\"]}", "Authorization", admin);
        assertThat(user.statusCode()).as(user.body()).isEqualTo(200);
        String carolId = json(user).get("id").asText();
        String carolKey = key(admin, "{\"username\":\"carol\",\"name\":\"ops\",\"scopes\":[\"user:manage\"]}");
        assertThat(http.get("/api/v1/user", "Authorization", carolKey).statusCode()).isEqualTo(200);
        assertThat(http.send("PUT", "/api/v1/user/" + carolId + "/roles", "{\"roles\":[]}", "application/json",
                "Authorization", admin).statusCode()).isEqualTo(200);
        assertForbidden(http.get("/api/v1/user", "Authorization", carolKey), "user:manage");
    }

    @Test
    void theAuditTrailRecordsEachEventOnceWithTheRightActorAndNoSecret() throws Exception {
        String base = "/api/v1/org/Default/secret";
        Instant start = Instant.now();
        // logins
        assertThat(http.get("/api/service/console/whoami", "Authorization", MYUSER).statusCode()).isEqualTo(200);
        assertThat(http.get("/api/service/console/whoami", "Authorization", basic("myuser", "not-" + MYUSER_PASSWORD))
                .statusCode()).isEqualTo(401);
        // API keys: create, revoke, expire
        HttpResponse<String> created = http.postJson("/api/v1/apikey", "{\"name\":\"audited\"}", "Authorization", MYUSER);
        String keyId = json(created).get("id").asText();
        keysSeen.add(json(created).get("key").asText());
        assertThat(http.send("DELETE", "/api/v1/apikey/" + keyId, null, null, "Authorization", MYUSER).statusCode())
                .isEqualTo(200);
        HttpResponse<String> shortLived = http.postJson("/api/v1/apikey", "{\"name\":\"short\",\"expiredAt\":\""
                + Instant.now().plusSeconds(1) + "\"}", "Authorization", MYUSER);
        String shortId = json(shortLived).get("id").asText();
        keysSeen.add(json(shortLived).get("key").asText());
        Thread.sleep(1100);
        assertThat(server.gatehouse().realm(ApiKeyRealm.class).orElseThrow().keys().deleteExpired()).isEqualTo(1);
        // users
        String daveId = json(http.postJson("/api/v1/user", "{\"username\":\"dave\",\"type\":\"LOCAL\"}",
                "Authorization", admin)).get("id").asText();
        http.send("PUT", "/api/v1/user/" + daveId + "/roles", "{\"roles\":[\"deployer\"]}", "application/json",
                "Authorization", admin);
        http.send("POST", "/api/v1/user/" + daveId + "/disable", null, null, "Authorization", admin);
        // secrets: create, read, wrong store password, delete
        assertThat(http.postForm(base, MYUSER, "name", "audited-db", "type", "data", "data", SECRET_VALUE,
                "storePassword", STORE_PASSWORD).statusCode()).isEqualTo(200);
        assertThat(http.postForm(base + "/audited-db/data", MYUSER, "storePassword", STORE_PASSWORD).body())
                .isEqualTo(SECRET_VALUE);
        assertThat(http.postForm(base + "/audited-db/data", MYUSER, "storePassword", WRONG_STORE_PASSWORD).statusCode())
                .isEqualTo(400);
        assertThat(http.postForm(base, MYUSER, "name", "audited-flow", "type", "data", "data", SECRET_VALUE)
                .statusCode()).isEqualTo(200);
        // a process reads a secret through the crypto task and decrypts a string
        http.postJson("/api/v1/org/Default/project", "{\"name\":\"audited\"}", "Authorization", MYUSER);
        String encrypted = json(http.send("POST", "/api/v1/org/Default/project/audited/encrypt", PLAINTEXT,
                "text/plain", "Authorization", MYUSER)).get("data").asText();
        HttpResponse<String> process = http.postJson("/api/v1/process", TestServers.JSON.createObjectNode()
                .put("org", "Default").put("project", "audited")
                .put("log", "${crypto.exportAsString('Default', 'audited-flow', null)} ${crypto.decryptString('"
                        + encrypted + "')}").toString(), "Authorization", MYUSER);
        assertThat(process.statusCode()).as(process.body()).isEqualTo(200);
        String processId = json(process).get("instanceId").asText();
        assertThat(http.send("DELETE", base + "/audited-flow", null, null, "Authorization", MYUSER).statusCode())
                .isEqualTo(200);

        String myuserId = json(http.get("/api/service/console/whoami", "Authorization", MYUSER)).get("userId").asText();
        JsonNode login = only("actor=myuser&action=login&from=" + start, e -> e.get("outcome").asText().equals("FAILURE"));
        assertThat(login.get("clientAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(login.get("actor").get("realm").asText()).isEqualTo("ldap");
        JsonNode success = only("actor=myuser&action=login&from=" + start, e -> e.get("outcome").asText().equals("SUCCESS")
                && e.get("at").asText().compareTo(login.get("at").asText()) <= 0);
        assertThat(success.get("actor").get("userId").asText()).isEqualTo(myuserId);

        assertActor(only("action=apikey.create&target=apikey:" + keyId), "myuser");
        assertActor(only("action=apikey.revoke&target=apikey:" + keyId), "myuser");
        assertThat(only("action=apikey.expire&target=apikey:" + shortId).get("actor").isNull()).isTrue();
        assertActor(only("action=user.create&target=user:" + daveId), "admin");
        assertActor(only("action=user.change&target=user:" + daveId), "admin");
        assertActor(only("action=user.disable&target=user:" + daveId), "admin");
        assertActor(only("action=secret.create&target=secret:Default/audited-db"), "myuser");
        assertActor(only("action=secret.read&target=secret:Default/audited-db"), "myuser");
        JsonNode wrong = only("action=secret.store-password&target=secret:Default/audited-db");
        assertThat(wrong.get("outcome").asText()).isEqualTo("FAILURE");
        assertActor(only("action=secret.delete&target=secret:Default/audited-flow"), "myuser");
        JsonNode processRead = only("action=secret.read&target=secret:Default/audited-flow");
        assertActor(processRead, "myuser");
        assertThat(processRead.get("processId").asText()).as("a process's read names the process").isEqualTo(processId);
        JsonNode decrypt = only("action=string.decrypt&target=project:Default/audited");
        assertActor(decrypt, "myuser");
        assertThat(decrypt.get("processId").asText()).isEqualTo(processId);

        // nothing secret in the table, nor in the log
        server.auditTrail().flush();
        StringBuilder table = new StringBuilder();
        try (Connection c = pool.get().getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT * FROM gh_audit_events")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    table.append(rs.getString(i)).append('|');
                }
                table.append('\n');
            }
        }
        assertThat(table).contains("audited-db").contains(processId);
        List<String> secrets = new ArrayList<>(List.of(SECRET_VALUE, STORE_PASSWORD, WRONG_STORE_PASSWORD, PLAINTEXT,
                MYUSER_PASSWORD, encrypted));
        secrets.addAll(keysSeen);
        for (String s : secrets) {
            assertThat(table.toString()).as("the audit table").doesNotContain(s);
            assertThat(log.text()).as("the log").doesNotContain(s);
        }
    }

    @Test
    void theAuditEndpointIsForAdminsPagesAndRefusesBadParameters() throws Exception {
        for (int i = 0; i < 7; i++) {
            http.postJson("/api/v1/user", "{\"username\":\"pager" + i + "\",\"type\":\"LOCAL\"}", "Authorization", admin);
        }
        assertThat(http.get("/api/v1/audit", "Authorization", MYUSER).statusCode()).isEqualTo(403);
        assertThat(http.get("/api/v1/audit").statusCode()).isEqualTo(401);
        String adminReader = key(admin, "{\"name\":\"no-audit\",\"scopes\":[\"secret:read\"]}");
        assertForbidden(http.get("/api/v1/audit", "Authorization", adminReader), "audit:read");

        JsonNode all = json(http.get("/api/v1/audit?action=user.create&limit=1000", "Authorization", admin));
        List<String> ids = new ArrayList<>();
        all.get("events").forEach(e -> ids.add(e.get("id").asText()));
        assertThat(ids.size()).isGreaterThanOrEqualTo(7);
        assertThat(all.get("nextCursor").isNull()).isTrue();

        List<String> byCursor = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = json(http.get("/api/v1/audit?action=user.create&limit=3"
                    + (cursor == null ? "" : "&cursor=" + cursor), "Authorization", admin));
            assertThat(page.get("events").size()).isLessThanOrEqualTo(3);
            page.get("events").forEach(e -> byCursor.add(e.get("id").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        assertThat(byCursor).containsExactlyElementsOf(ids);
        List<String> byOffset = new ArrayList<>();
        for (int offset = 0; offset < ids.size(); offset += 3) {
            json(http.get("/api/v1/audit?action=user.create&limit=3&offset=" + offset, "Authorization", admin))
                    .get("events").forEach(e -> byOffset.add(e.get("id").asText()));
        }
        assertThat(byOffset).containsExactlyElementsOf(ids);

        for (String bad : List.of("limit=0", "limit=1001", "limit=x", "offset=-1", "from=yesterday", "to=2030-13-01",
                "cursor=abc", "sort=desc", "from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z",
                "actor=a&actor=b")) {
            HttpResponse<String> r = http.get("/api/v1/audit?" + bad, "Authorization", admin);
            assertThat(r.statusCode()).as(bad + " -> " + r.body()).isEqualTo(400);
            assertThat(json(r).get("message").asText()).isNotBlank();
        }
    }

    private static void assertActor(JsonNode event, String username) {
        assertThat(event.get("actor").get("username").asText()).as(event.toString()).isEqualTo(username);
        assertThat(event.get("outcome").asText()).isIn("SUCCESS", "FAILURE");
    }

    private static JsonNode only(String query) throws Exception {
        return only(query, e -> true);
    }

    /** The one event the query (and {@code filter}) selects. */
    private static JsonNode only(String query, java.util.function.Predicate<JsonNode> filter) throws Exception {
        HttpResponse<String> r = http.get("/api/v1/audit?" + encode(query) + "&limit=1000", "Authorization", admin);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> matching = new ArrayList<>();
        json(r).get("events").forEach(e -> {
            if (filter.test(e)) {
                matching.add(e);
            }
        });
        assertThat(matching).as(query + ": " + r.body()).hasSize(1);
        return matching.get(0);
    }

    private static String encode(String query) {
        StringBuilder out = new StringBuilder();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(pair, 0, eq + 1).append(URLEncoder.encode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out.toString();
    }
}
