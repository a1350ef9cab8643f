package dev.gatehouse.examples;

import static dev.gatehouse.examples.TestServers.basic;
import static dev.gatehouse.examples.TestServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST calls the web console needed that the API lacked (user list and roles, org and
 * project lists, key expiry and creation time, the store-password policy, whoami's user id),
 * over real HTTP, refusals included.
 */
class ConsoleApiTest {

    @TempDir
    static Path dataDir;
    private static ExampleServer server;
    private static TestServers.Client http;
    private static String admin;

    private static final String MYUSER = basic("myuser", "mypwd");
    private static final String BOB = basic("bob", "Builder22");

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
    void whoamiNamesTheUserRecord() throws Exception {
        JsonNode me = json(http.get("/api/service/console/whoami", "Authorization", MYUSER));
        assertThat(me.get("userId").asText())
                .isEqualTo(json(http.get("/api/v1/user/myuser", "Authorization", admin)).get("id").asText());
    }

    @Test
    void adminsListUsersAndSetTheirRoles() throws Exception {
        http.get("/api/service/console/whoami", "Authorization", BOB);
        JsonNode users = json(http.get("/api/v1/user?limit=1000", "Authorization", admin));
        assertThat(users.findValuesAsText("username")).contains("admin", "bob");
        assertThat(json(http.get("/api/v1/user?offset=0&limit=1", "Authorization", admin))).hasSize(1);
        assertThat(http.get("/api/v1/user?limit=0", "Authorization", admin).statusCode()).isEqualTo(400);
        assertThat(http.get("/api/v1/user?limit=x", "Authorization", admin).statusCode()).isEqualTo(400);
        assertThat(http.get("/api/v1/user", "Authorization", BOB).statusCode()).isEqualTo(403);

        String bob = json(http.get("/api/v1/user/bob", "Authorization", admin)).get("id").asText();
        String roles = "/api/v1/user/" + bob + "/roles";
        assertThat(json(http.send("PUT", roles, "{\"roles\":[\"deployer\",\" auditor \"]}", "application/json",
                "Authorization", admin)).get("result").asText()).isEqualTo("UPDATED");
        assertThat(json(http.get("/api/v1/user/bob", "Authorization", admin)).get("roles").toString())
                .isEqualTo("[\"auditor\",\"deployer\"]");
        assertThat(json(http.get("/api/service/console/whoami", "Authorization", BOB)).get("roles").toString())
                .as("the next login has them").isEqualTo("[\"auditor\",\"deployer\"]");
        assertThat(http.send("PUT", roles, "{\"roles\":\"admin\"}", "application/json", "Authorization", admin)
                .statusCode()).isEqualTo(400);
        assertThat(http.send("PUT", roles, "{\"roles\":[\"\"]}", "application/json", "Authorization", admin)
                .statusCode()).isEqualTo(400);
        assertThat(http.send("PUT", roles, "{}", "application/json", "Authorization", admin).statusCode()).isEqualTo(400);
        assertThat(http.send("PUT", "/api/v1/user/" + UUID.randomUUID() + "/roles", "{\"roles\":[]}",
                "application/json", "Authorization", admin).statusCode()).isEqualTo(404);
        assertThat(http.send("PUT", roles, "{\"roles\":[\"admin\"]}", "application/json", "Authorization", BOB)
                .statusCode()).isEqualTo(403);
        assertThat(http.send("PUT", roles, "{\"roles\":[]}", "application/json", "Authorization", admin).statusCode())
                .isEqualTo(200);
    }

    @Test
    void keysTakeAnExpiryAndListTheirCreationTime() throws Exception {
        Instant expiry = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<String> created = http.postJson("/api/v1/apikey",
                "{\"name\":\"expiring\",\"expiredAt\":\"" + expiry + "\"}", "Authorization", MYUSER);
        assertThat(json(created).get("expiredAt").asText()).isEqualTo(expiry.toString());
        JsonNode listed = null;
        for (JsonNode k : json(http.get("/api/v1/apikey", "Authorization", MYUSER))) {
            if (k.get("name").asText().equals("expiring")) {
                listed = k;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.get("expiredAt").asText()).isEqualTo(expiry.toString());
        assertThat(Instant.parse(listed.get("createdAt").asText())).isBefore(expiry);

        assertThat(http.postJson("/api/v1/apikey", "{\"name\":\"bad-expiry\",\"expiredAt\":\"next week\"}",
                "Authorization", MYUSER).statusCode()).isEqualTo(400);
        assertThat(http.postJson("/api/v1/apikey", "{\"name\":\"past-expiry\",\"expiredAt\":\"2001-01-01T00:00:00Z\"}",
                "Authorization", MYUSER).statusCode()).isEqualTo(400);
    }

    @Test
    void orgsAndProjectsAreListedForMembers() throws Exception {
        http.postJson("/api/v1/org", "{\"name\":\"bobs-team\"}", "Authorization", BOB);
        http.postJson("/api/v1/org/bobs-team/project", "{\"name\":\"zeta\"}", "Authorization", BOB);
        http.postJson("/api/v1/org/bobs-team/project", "{\"name\":\"alpha\"}", "Authorization", BOB);

        assertThat(json(http.get("/api/v1/org", "Authorization", BOB)).findValuesAsText("name"))
                .containsExactlyInAnyOrder("Default", "bobs-team");
        assertThat(json(http.get("/api/v1/org", "Authorization", MYUSER)).findValuesAsText("name"))
                .doesNotContain("bobs-team");
        assertThat(json(http.get("/api/v1/org", "Authorization", admin)).findValuesAsText("name")).contains("bobs-team");
        assertThat(json(http.get("/api/v1/org/bobs-team/project", "Authorization", BOB)).findValuesAsText("name"))
                .containsExactly("alpha", "zeta");
        assertThat(http.get("/api/v1/org/bobs-team/project", "Authorization", MYUSER).statusCode()).isEqualTo(403);
        assertThat(http.get("/api/v1/org/nope/project", "Authorization", admin).statusCode()).isEqualTo(404);
    }

    @Test
    void thePasswordPolicyIsPublishedToSignedInCallers() throws Exception {
        JsonNode policy = json(http.get("/api/v1/secret/password-policy", "Authorization", MYUSER));
        assertThat(policy.get("minLength").asInt()).isEqualTo(7);
        assertThat(policy.get("requireDigit").asBoolean()).isTrue();
        assertThat(policy.get("description").asText())
                .isEqualTo("A store password needs at least 7 characters, an upper-case letter, a lower-case letter and a digit.");
        assertThat(http.get("/api/v1/secret/password-policy").statusCode()).isEqualTo(401);
    }
}
