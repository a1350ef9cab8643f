package dev.gatehouse.examples;

import static dev.gatehouse.examples.TestServers.basic;
import static dev.gatehouse.examples.TestServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process's session token acts for the process, not as its user: it reads what the process needs
 * and calls the process API about itself, but it cannot mint an API key, manage users, write
 * secrets or start a process whose token would outlive it. A leaked process token cannot outlive
 * its process or gain a credential.
 */
class ProcessTokenLeastPrivilegeTest {

    private static final String MYUSER = basic("myuser", "mypwd");

    @TempDir
    Path work;

    @Test
    void aProcessTokenCannotGainACredentialOrOutliveItsProcess() throws Exception {
        try (ExampleServer server = TestServers.start(work.resolve("data"), Map.of())) {
            TestServers.Client http = new TestServers.Client(server);
            assertThat(http.postForm("/api/v1/org/Default/secret", MYUSER, "name", "for-flows", "type", "data",
                    "data", "flow value").statusCode()).isEqualTo(200);
            String id = json(http.postJson("/api/v1/process", "{\"log\":\"${processInfo.sessionToken}\"}",
                    "Authorization", MYUSER)).get("instanceId").asText();
            String other = json(http.postJson("/api/v1/process", "{\"log\":\"x\"}", "Authorization", MYUSER))
                    .get("instanceId").asText();
            String token = http.get("/api/v1/process/" + id + "/log", "Authorization", MYUSER).body();
            String[] asProcess = {"X-Concord-SessionToken", token};

            assertForbidden(http.postJson("/api/v1/apikey", "{\"name\":\"stolen\"}", asProcess), "apikey:manage");
            assertForbidden(http.get("/api/v1/apikey", asProcess), "apikey:manage");
            assertForbidden(http.postJson("/api/v1/process", "{\"log\":\"child\"}", asProcess), "process:start");
            assertForbidden(http.postJson("/api/v1/user", "{\"username\":\"mallory\",\"type\":\"LOCAL\"}", asProcess),
                    "user:manage");
            assertForbidden(http.send("POST", "/api/v1/org/Default/secret", "--b--\r\n",
                    "multipart/form-data; boundary=b", asProcess), "secret:write");
            assertForbidden(http.send("DELETE", "/api/v1/org/Default/secret/for-flows", null, null, asProcess),
                    "secret:write");
            assertForbidden(http.postJson("/api/v1/org/Default/project", "{\"name\":\"p-from-flow\"}", asProcess),
                    "org:manage");

            // what the process needs still works: its secrets and its own process
            HttpResponse<String> read = http.send("POST", "/api/v1/org/Default/secret/for-flows/data", null, null,
                    asProcess);
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertThat(read.body()).isEqualTo("flow value");
            assertThat(http.get("/api/v1/process/" + id, asProcess).statusCode()).isEqualTo(200);
            assertThat(http.get("/api/v1/process/" + other, asProcess).statusCode())
                    .as("another process of the same user").isEqualTo(404);

            // nothing it tried left a credential behind, and it ends with its process
            assertThat(json(http.get("/api/v1/apikey", "Authorization", MYUSER))).isEmpty();
            assertThat(http.send("POST", "/api/v1/process/" + id + "/finish", null, null, "Authorization", MYUSER)
                    .statusCode()).isEqualTo(200);
            assertThat(http.get("/api/service/console/whoami", asProcess).statusCode()).isEqualTo(401);
        }
    }

    private static void assertForbidden(HttpResponse<String> r, String permission) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(r.body()).contains("\"message\"").contains(permission);
    }
}
