package dev.gatehouse.examples;

import static dev.gatehouse.examples.TestServers.basic;
import static dev.gatehouse.examples.TestServers.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defaults that must not surprise an operator, and answers that must not tell one user about
 * another: issue 12 item 6, and the 403-vs-404 and routing items of issue 13.
 */
class DisclosureTest {

    private static final String MYUSER = basic("myuser", "mypwd");
    private static final String BOB = basic("bob", "Builder22");

    @TempDir
    static Path dataDir;
    private static ExampleServer server;
    private static TestServers.Client http;
    private static String admin;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(dataDir.resolve("data"), Map.of());
        http = new TestServers.Client(server);
        admin = server.adminApiKey().orElseThrow();
        assertThat(http.get("/api/service/console/whoami", "Authorization", BOB).statusCode()).isEqualTo(200);
        assertThat(http.get("/api/service/console/whoami", "Authorization", MYUSER).statusCode()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aNewSecretIsPrivateUnlessAskedOtherwise() throws Exception {
        String base = "/api/v1/org/Default/secret";
        assertThat(http.postForm(base, MYUSER, "name", "no-visibility-given", "type", "data", "data", "mine")
                .statusCode()).isEqualTo(200);

        assertThat(http.send("POST", base + "/no-visibility-given/data", null, null, "Authorization", BOB).statusCode())
                .isIn(403, 404);
        assertThat(http.get(base, "Authorization", MYUSER).body())
                .contains("\"name\":\"no-visibility-given\",\"type\":\"DATA\",\"visibility\":\"PRIVATE\"");
        http.postForm(base, MYUSER, "name", "shared-on-purpose", "type", "data", "data", "ours", "visibility", "PUBLIC");
        assertThat(http.send("POST", base + "/shared-on-purpose/data", null, null, "Authorization", BOB).body())
                .isEqualTo("ours");
    }

    @Test
    void aUserSeesTheirOwnRecordOnlyAndAnotherUsersLooksLikeNoUser() throws Exception {
        JsonAnswer own = JsonAnswer.of(http.get("/api/v1/user/myuser", "Authorization", MYUSER));
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.body().get("email").asText()).isEqualTo("myuser@example.com");

        HttpResponse<String> other = http.get("/api/v1/user/bob", "Authorization", MYUSER);
        HttpResponse<String> nobody = http.get("/api/v1/user/no-such-user", "Authorization", MYUSER);
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(nobody.statusCode()).isEqualTo(404);
        assertThat(other.body()).doesNotContain("bob@example.com").doesNotContain("lastLoginAt")
                .isEqualTo(nobody.body().replace("no-such-user", "bob"));

        assertThat(JsonAnswer.of(http.get("/api/v1/user/bob", "Authorization", admin)).body().get("email").asText())
                .as("admins see anyone's record").isEqualTo("bob@example.com");
    }

    @Test
    void anotherUsersApiKeyIdIsA404LikeAnIdNobodyHas() throws Exception {
        String bobsKey = json(http.postJson("/api/v1/apikey", "{\"name\":\"bobs-key\"}", "Authorization", BOB))
                .get("id").asText();

        HttpResponse<String> others = http.send("DELETE", "/api/v1/apikey/" + bobsKey, null, null, "Authorization", MYUSER);
        String missingId = UUID.randomUUID().toString();
        HttpResponse<String> missing = http.send("DELETE", "/api/v1/apikey/" + missingId, null, null,
                "Authorization", MYUSER);

        assertThat(others.statusCode()).isEqualTo(404);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(others.body()).doesNotContain("bob").isEqualTo(missing.body().replace(missingId, bobsKey));
        assertThat(http.get("/api/v1/apikey", "Authorization", BOB).body()).as("bob's key is untouched")
                .contains("bobs-key");

        HttpResponse<String> listOther = http.get("/api/v1/apikey?username=bob", "Authorization", MYUSER);
        HttpResponse<String> listNobody = http.get("/api/v1/apikey?username=no-such-user", "Authorization", MYUSER);
        assertThat(listOther.statusCode()).isEqualTo(403);
        assertThat(listNobody.statusCode()).as("the same answer whether the user exists or not").isEqualTo(403);
        assertThat(listOther.body()).isEqualTo(listNobody.body());
    }

    @Test
    void routesAreMatchedOnTheDecodedPathTheFilterSawAndFixedSegmentsMustNotBeEncoded() throws Exception {
        HttpResponse<String> encodedPing = http.get("/api/v1/server/%70ing");
        assertThat(encodedPing.statusCode()).as(encodedPing.body()).isNotEqualTo(200).isIn(400, 401);
        assertThat(http.get("/api/v1/%75ser/myuser", "Authorization", MYUSER).statusCode()).isEqualTo(400);
        assertThat(http.get("/api/v1/server/ping").statusCode()).isEqualTo(200);

        assertThat(JsonAnswer.of(http.get("/api/v1/user/my%75ser", "Authorization", MYUSER)).body().get("username")
                .asText()).as("a parameter segment is decoded").isEqualTo("myuser");
        HttpResponse<String> plus = http.get("/api/v1/user/my+user", "Authorization", admin);
        assertThat(plus.statusCode()).isEqualTo(404);
        assertThat(json(plus).get("message").asText()).as("'+' in a path is a plus, not a space")
                .isEqualTo("User not found: my+user");
    }

    @Test
    void onEmbeddedDefaultsTheServerListensOnLoopbackOnly() throws Exception {
        assertThat(server.banner()).contains("http://127.0.0.1:" + server.port()).contains("server.host");
        Optional<InetAddress> external = TestServers.nonLoopbackAddress();
        if (external.isPresent()) {
            try (Socket s = new Socket()) {
                assertThatThrownBy(() -> s.connect(new InetSocketAddress(external.get(), server.port()), 2000))
                        .as("connecting through " + external.get()).isInstanceOf(IOException.class);
            }
            try (ExampleServer everywhere = TestServers.start(dataDir.resolve("everywhere"), Map.of(),
                    "server.host", "0.0.0.0"); Socket s = new Socket()) {
                s.connect(new InetSocketAddress(external.get(), everywhere.port()), 2000);
                assertThat(s.isConnected()).as("server.host=0.0.0.0 listens on " + external.get()).isTrue();
                assertThat(everywhere.banner()).doesNotContain("this machine only");
            }
        }
    }

    /** An answer and its JSON body. */
    private record JsonAnswer(int status, JsonNode body) {
        static JsonAnswer of(HttpResponse<String> r) throws IOException {
            return new JsonAnswer(r.statusCode(), json(r));
        }
    }
}
