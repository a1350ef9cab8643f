package dev.gatehouse.examples;

import static dev.gatehouse.examples.TestServers.basic;
import static dev.gatehouse.examples.TestServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.SshKeys;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example server end to end over real HTTP, on its embedded defaults (H2, demo directory). */
class ExampleServerTest {

    @TempDir
    static Path dataDir;
    private static ExampleServer server;
    private static TestServers.Client http;
    private static String admin;

    private static final String MYUSER = basic("myuser", "mypwd");
    private static final String BOB = basic("bob", "Builder22");
    /** Used by one test only, which needs a user that has never logged in. */
    private static final String CAROL = basic("carol", "Entropy42");

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(dataDir.resolve("data"), Map.of());
        http = new TestServers.Client(server);
        admin = server.adminApiKey().orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void pingNeedsNoCredentialsButTheRestOfTheApiDoes() throws Exception {
        assertThat(http.get("/api/v1/server/ping").body()).isEqualTo("{\"ok\":true}");
        HttpResponse<String> r = http.get("/api/service/console/whoami");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).get("message").asText()).isEqualTo("Authentication required");
        assertThat(http.get("/api/v1/org/Default/secret").statusCode()).isEqualTo(401);
    }

    @Test
    void basicLoginAgainstTheBundledDirectoryCreatesTheUserOnFirstLogin() throws Exception {
        assertThat(http.get("/api/v1/user/carol", "Authorization", admin).statusCode()).isEqualTo(404);

        HttpResponse<String> whoami = http.get("/api/service/console/whoami", "Authorization", CAROL);

        assertThat(whoami.statusCode()).isEqualTo(200);
        assertThat(json(whoami).get("username").asText()).isEqualTo("carol");
        assertThat(json(whoami).get("realm").asText()).isEqualTo("ldap");
        assertThat(json(whoami).get("displayName").asText()).isEqualTo("Carol Shannon");
        JsonNode record = json(http.get("/api/v1/user/carol", "Authorization", admin));
        assertThat(record.get("type").asText()).isEqualTo("LDAP");
        assertThat(record.get("email").asText()).isEqualTo("carol@example.com");
        assertThat(http.get("/api/service/console/whoami", "Authorization", basic("carol", "wrong")).statusCode())
                .isEqualTo(401);
    }

    @Test
    void ldapGroupMapsToTheAdminRole() throws Exception {
        JsonNode alice = json(http.get("/api/service/console/whoami", "Authorization", basic("alice", "Wonderland1")));

        assertThat(alice.get("roles").toString()).isEqualTo("[\"admin\"]");
    }

    @Test
    void apiKeyIsCreatedUsedListedAndRevoked() throws Exception {
        JsonNode created = json(http.postJson("/api/v1/apikey", "{\"name\":\"ci-key\"}", "Authorization", MYUSER));
        assertThat(created.get("result").asText()).isEqualTo("CREATED");
        String key = created.get("key").asText();

        assertThat(json(http.get("/api/service/console/whoami", "Authorization", key)).get("realm").asText())
                .isEqualTo("apikey");
        assertThat(json(http.get("/api/service/console/whoami", "Authorization", "Bearer " + key)).get("username").asText())
                .isEqualTo("myuser");
        assertThat(http.get("/api/v1/apikey", "Authorization", key).body()).contains("\"name\":\"ci-key\"");

        HttpResponse<String> deleted = http.send("DELETE", "/api/v1/apikey/" + created.get("id").asText(), null, null,
                "Authorization", MYUSER);
        assertThat(deleted.body()).isEqualTo("{\"ok\":true,\"result\":\"DELETED\"}");
        assertThat(http.get("/api/service/console/whoami", "Authorization", key).statusCode()).isEqualTo(401);
    }

    @Test
    void onlyAdminsCreateKeysForOthersAndManageUsers() throws Exception {
        assertThat(http.postJson("/api/v1/apikey", "{\"username\":\"admin\"}", "Authorization", MYUSER).statusCode())
                .isEqualTo(403);
        assertThat(http.postJson("/api/v1/user", "{\"username\":\"x1\",\"type\":\"LOCAL\"}", "Authorization", MYUSER)
                .statusCode()).isEqualTo(403);

        JsonNode created = json(http.postJson("/api/v1/user",
                "{\"username\":\"deployer\",\"type\":\"LOCAL\",\"roles\":[\"deploy\"]}", "Authorization", admin));
        String id = created.get("id").asText();
        String key = json(http.postJson("/api/v1/apikey", "{\"username\":\"deployer\"}", "Authorization", admin))
                .get("key").asText();
        assertThat(http.get("/api/service/console/whoami", "Authorization", key).statusCode()).isEqualTo(200);

        http.send("POST", "/api/v1/user/" + id + "/disable", null, null, "Authorization", admin);
        assertThat(http.get("/api/service/console/whoami", "Authorization", key).statusCode())
                .as("a disabled user's key is refused at once on this node").isEqualTo(401);
        http.send("POST", "/api/v1/user/" + id + "/enable", null, null, "Authorization", admin);
        assertThat(http.get("/api/service/console/whoami", "Authorization", key).statusCode()).isEqualTo(200);
    }

    @Test
    void secretsOfEveryTypeAreCreatedAndReadWithAndWithoutStorePassword() throws Exception {
        String base = "/api/v1/org/Default/secret";
        assertThat(json(http.postForm(base, MYUSER, "name", "plain-data", "type", "data", "data", "hello"))
                .get("result").asText()).isEqualTo("CREATED");
        HttpResponse<String> data = http.send("POST", base + "/plain-data/data", null, null, "Authorization", MYUSER);
        assertThat(data.body()).isEqualTo("hello");
        assertThat(data.headers().firstValue("X-Concord-SecretType")).hasValue("DATA");

        http.postForm(base, MYUSER, "name", "guarded", "type", "username_password", "username", "app",
                "password", "tiger", "storePassword", "Sesame123");
        assertThat(http.postForm(base + "/guarded/data", MYUSER, "storePassword", "Sesame123").body())
                .isEqualTo("{\"username\":\"app\",\"password\":\"tiger\"}");
        HttpResponse<String> wrong = http.postForm(base + "/guarded/data", MYUSER, "storePassword", "Wrong1234");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(json(wrong).get("message").asText()).isEqualTo("Invalid password or corrupted data");
        assertThat(http.send("POST", base + "/guarded/data", null, null, "Authorization", MYUSER).statusCode())
                .as("no store password given").isEqualTo(400);
        assertThat(http.postForm(base + "/guarded/data", MYUSER, "storePassword", "Sesame123").statusCode())
                .as("a wrong password changed nothing").isEqualTo(200);

        JsonNode generated = json(http.postForm(base, MYUSER, "name", "gen-pass", "type", "data", "data", "x",
                "generatePassword", "true"));
        assertThat(generated.get("password").asText()).hasSizeGreaterThanOrEqualTo(12);
        assertThat(http.postForm(base + "/gen-pass/data", MYUSER, "storePassword", generated.get("password").asText())
                .body()).isEqualTo("x");

        JsonNode pair = json(http.postForm(base, MYUSER, "name", "rsa-pair", "type", "key_pair", "keyType", "rsa"));
        assertThat(pair.get("publicKey").asText()).startsWith("ssh-rsa ");
        assertThat(json(http.get(base + "/rsa-pair/public", "Authorization", MYUSER)).get("publicKey").asText())
                .isEqualTo(pair.get("publicKey").asText());
        assertThat(json(http.send("POST", base + "/rsa-pair/data", null, null, "Authorization", MYUSER))
                .get("private").asText()).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");

        SecretValue.KeyPair mine = SshKeys.generate();
        JsonNode imported = json(http.postForm(base, MYUSER, "name", "imported", "type", "key_pair",
                "public", mine.publicKey(), "private", new String(mine.privateKey(), StandardCharsets.UTF_8)));
        assertThat(imported.get("publicKey").asText()).isEqualTo(mine.publicKey());

        assertThat(http.postForm(base, MYUSER, "name", "plain-data", "type", "data", "data", "again").statusCode())
                .isEqualTo(409);
        assertThat(http.postForm(base, MYUSER, "name", "for-nothing", "type", "data", "data", "x", "project", "nope")
                .statusCode()).as("restricted to a project that does not exist").isEqualTo(404);
        assertThat(http.postForm("/api/v1/org/Nope/secret", admin, "name", "orphan", "type", "data", "data", "x")
                .statusCode()).as("even an admin cannot create a secret in an org that does not exist").isEqualTo(404);
        assertThat(http.get(base, "Authorization", MYUSER).body()).contains("\"name\":\"guarded\"")
                .doesNotContain("tiger").doesNotContain("hello");
        assertThat(http.send("DELETE", base + "/plain-data", null, null, "Authorization", MYUSER).body())
                .isEqualTo("{\"ok\":true,\"result\":\"DELETED\"}");
    }

    @Test
    void oversizedSecretsAreA413NotA400OrA500() throws Exception {
        String base = "/api/v1/org/Default/secret";
        HttpResponse<String> overLimit = http.alone().postForm(base, MYUSER, "name", "too-big", "type", "data", "data",
                "a".repeat(1024 * 1024 + 1));
        HttpResponse<String> overUpload = http.alone().postForm(base, MYUSER, "name", "way-too-big", "type", "data", "data",
                "a".repeat(3 * 1024 * 1024));

        // A form field that large stops at Jetty's form limits, a file part at the secret size limit (1 MiB,
        // seen by the README's curl -F data=@file): either way a 413 with a message, nothing stored.
        assertThat(overLimit.statusCode()).isEqualTo(413);
        assertThat(json(overLimit).get("message").asText()).isNotBlank();
        assertThat(overUpload.statusCode()).isEqualTo(413);
        assertThat(http.send("POST", base + "/too-big/data", null, null, "Authorization", MYUSER).statusCode())
                .as("nothing was stored").isEqualTo(404);
    }

    @Test
    void privateSecretIsNotReadableByAnotherMember() throws Exception {
        String base = "/api/v1/org/Default/secret";
        http.postForm(base, MYUSER, "name", "mine-only", "type", "data", "data", "s3cr3t", "visibility", "PRIVATE");

        assertThat(http.send("POST", base + "/mine-only/data", null, null, "Authorization", BOB).statusCode())
                .isIn(403, 404);
    }

    @Test
    void encryptedStringIsDecryptedByAProcessOfItsProjectOnly() throws Exception {
        http.postJson("/api/v1/org/Default/project", "{\"name\":\"alpha\"}", "Authorization", MYUSER);
        http.postJson("/api/v1/org/Default/project", "{\"name\":\"beta\"}", "Authorization", MYUSER);
        String encrypted = json(http.send("POST", "/api/v1/org/Default/project/alpha/encrypt", "swordfish", "text/plain",
                "Authorization", MYUSER)).get("data").asText();
        assertThat(encrypted).doesNotContain("swordfish");

        String ok = startProcess("alpha", "pw=${crypto.decryptString('" + encrypted + "')}");
        assertThat(http.get("/api/v1/process/" + ok + "/log", "Authorization", MYUSER).body()).isEqualTo("pw=swordfish");
        assertThat(json(http.get("/api/v1/process/" + ok, "Authorization", MYUSER)).get("status").asText())
                .isEqualTo("RUNNING");

        HttpResponse<String> refused = http.postJson("/api/v1/process", TestServers.JSON.createObjectNode()
                .put("org", "Default").put("project", "beta").put("log", "pw=${crypto.decryptString('" + encrypted + "')}")
                .toString(), "Authorization", MYUSER);
        assertThat(refused.statusCode()).as("a process whose template fails is a 4xx, not a 200").isEqualTo(422);
        assertThat(json(refused).get("message").asText()).contains("crypto.decryptString").contains("access denied").doesNotContain("swordfish");
        String other = json(refused).get("instanceId").asText();
        assertThat(json(http.get("/api/v1/process/" + other, "Authorization", MYUSER)).get("status").asText())
                .isEqualTo("FAILED");
        assertThat(http.get("/api/v1/process/" + other + "/log", "Authorization", MYUSER).body())
                .doesNotContain("swordfish").contains("access denied");
    }

    @Test
    void sessionTokenActsAsTheProcessUserUntilTheProcessFinishes() throws Exception {
        String id = startProcess(null, "${processInfo.sessionToken}");
        String token = http.get("/api/v1/process/" + id + "/log", "Authorization", MYUSER).body();

        JsonNode whoami = json(http.get("/api/service/console/whoami", "X-Concord-SessionToken", token));
        assertThat(whoami.get("username").asText()).isEqualTo("myuser");
        assertThat(whoami.get("realm").asText()).isEqualTo("session");
        assertThat(whoami.get("processId").asText()).isEqualTo(id);
        assertThat(http.get("/api/service/console/whoami", "Authorization", basic(token, "")).statusCode())
                .as("Concord clients send the token as a Basic username").isEqualTo(200);

        http.send("POST", "/api/v1/process/" + id + "/finish", null, null, "Authorization", MYUSER);
        assertThat(http.get("/api/service/console/whoami", "X-Concord-SessionToken", token).statusCode()).isEqualTo(401);

        String cancelled = startProcess(null, "${processInfo.sessionToken}");
        String token2 = http.get("/api/v1/process/" + cancelled + "/log", "Authorization", MYUSER).body();
        http.send("DELETE", "/api/v1/process/" + cancelled, null, null, "Authorization", MYUSER);
        assertThat(json(http.get("/api/v1/process/" + cancelled, "Authorization", MYUSER)).get("status").asText())
                .isEqualTo("CANCELLED");
        assertThat(http.get("/api/service/console/whoami", "X-Concord-SessionToken", token2).statusCode()).isEqualTo(401);
    }

    @Test
    void processOfAnotherUserIsInvisible() throws Exception {
        String id = startProcess(null, "hello");

        assertThat(http.get("/api/v1/process/" + id, "Authorization", BOB).statusCode()).isEqualTo(404);
        assertThat(http.send("POST", "/api/v1/process/" + id + "/finish", null, null, "Authorization", BOB).statusCode())
                .isEqualTo(404);
    }

    @Test
    void badRequestsGetJsonErrorsNeverA500() throws Exception {
        assertThat(http.postJson("/api/v1/apikey", "{not json", "Authorization", MYUSER).statusCode()).isEqualTo(400);
        assertThat(http.postJson("/api/v1/apikey", "{\"name\":\"bad name!\"}", "Authorization", MYUSER).statusCode())
                .isEqualTo(400);
        assertThat(http.send("DELETE", "/api/v1/apikey/not-a-uuid", null, null, "Authorization", MYUSER).statusCode())
                .isEqualTo(400);
        assertThat(http.get("/api/v1/nothing-here", "Authorization", MYUSER).statusCode()).isEqualTo(404);
        assertThat(http.get("/api/v1/process/" + java.util.UUID.randomUUID(), "Authorization", MYUSER).statusCode())
                .isEqualTo(404);
        HttpResponse<String> noProject = http.postJson("/api/v1/process",
                "{\"project\":\"nope\",\"log\":\"x\"}", "Authorization", MYUSER);
        assertThat(noProject.statusCode()).isEqualTo(404);
        assertThat(json(noProject).get("message").asText()).isEqualTo("Project not found: Default/nope");
        HttpResponse<String> encryptNoProject = http.send("POST", "/api/v1/org/Default/project/nope/encrypt", "x",
                "text/plain", "Authorization", MYUSER);
        assertThat(encryptNoProject.statusCode()).isEqualTo(404);
    }

    @Test
    void keysAndDatabaseInTheDataFolderAreOwnerOnly() throws Exception {
        Path data = dataDir.resolve("data");
        assertThat(Files.getPosixFilePermissions(data)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        for (String file : new String[] {"server.key", "session.key", "admin-api-key", "gatehouse.mv.db"}) {
            assertThat(Files.getPosixFilePermissions(data.resolve(file))).as(file)
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(Files.readString(data.resolve("admin-api-key")).strip()).isEqualTo(admin);
    }

    private static String startProcess(String project, String log) throws Exception {
        String body = TestServers.JSON.createObjectNode().put("org", "Default").put("project", project).put("log", log)
                .toString();
        HttpResponse<String> r = http.postJson("/api/v1/process", body, "Authorization", MYUSER);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r).get("instanceId").asText();
    }
}
