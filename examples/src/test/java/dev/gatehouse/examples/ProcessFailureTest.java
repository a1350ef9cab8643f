package dev.gatehouse.examples;

import static dev.gatehouse.examples.TestServers.basic;
import static dev.gatehouse.examples.TestServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile process templates over real HTTP: whatever the evaluation throws (an Error included),
 * the process ends FAILED with a message in its log, the start request is a 4xx JSON answer,
 * nothing the template handled reaches the server's log, and the files it exported are gone.
 */
class ProcessFailureTest {

    private static final String MYUSER = basic("myuser", "mypwd");
    private static final String SECRET_VALUE = "plain-7f3c9e1d-value";
    private static final String STORE_PASSWORD = "Guarded-Pass-4471";

    @TempDir
    static Path dataDir;
    private static ExampleServer server;
    private static TestServers.Client http;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(dataDir.resolve("data"), Map.of());
        http = new TestServers.Client(server);
        http.postJson("/api/v1/org/Default/project", "{\"name\":\"hostile\"}", "Authorization", MYUSER);
        assertThat(http.postForm("/api/v1/org/Default/secret", MYUSER, "name", "plain", "type", "data",
                "data", SECRET_VALUE).statusCode()).isEqualTo(200);
        assertThat(http.postForm("/api/v1/org/Default/secret", MYUSER, "name", "guarded", "type", "data",
                "data", SECRET_VALUE, "storePassword", STORE_PASSWORD).statusCode()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> startProcess(String project, String template) throws Exception {
        String body = TestServers.JSON.createObjectNode().put("org", "Default").put("project", project)
                .put("log", template).toString();
        return http.postJson("/api/v1/process", body, "Authorization", MYUSER);
    }

    /** Asserts a 422 JSON answer for a FAILED process whose log says {@code expected}; returns the id. */
    private static String assertFailed(HttpResponse<String> r, String expected) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode answer = json(r);
        assertThat(answer.get("message").asText()).contains(expected);
        assertThat(answer.get("status").asText()).isEqualTo("FAILED");
        String id = answer.get("instanceId").asText();
        assertThat(json(http.get("/api/v1/process/" + id, "Authorization", MYUSER)).get("status").asText())
                .isEqualTo("FAILED");
        assertThat(http.get("/api/v1/process/" + id + "/log", "Authorization", MYUSER).body())
                .startsWith("ERROR: ").contains(expected);
        return id;
    }

    @Test
    void selfApplicationThatOverflowedTheStackFailsTheProcessNotTheServer() throws Exception {
        // The secrets module refuses lambdas by default (ExpressionLimits), before anything is evaluated.
        assertFailed(startProcess(null, "${(f -> f(f))(f -> f(f))}"), "lambda expressions (->) are not allowed");
    }

    @Test
    void fiveHundredNestedParenthesesFailTheProcessNotTheServer() throws Exception {
        assertFailed(startProcess(null, "${" + "(".repeat(500) + "1" + ")".repeat(500) + "}"), "nests deeper than 64");
    }

    @Test
    void aTemplateThatDoublesAStringIntoSixteenMegabytesFailsItsProcess() throws Exception {
        String doubling = "${(f -> f(f, 'ab', 0))((g, s, n) -> n < 23 ? g(g, s += s, n + 1) : s)}";

        assertFailed(startProcess(null, doubling), "lambda expressions (->) are not allowed");
    }

    @Test
    void noValueATemplateHandledReachesTheServersLog() throws Exception {
        String[] hostile = {
            "${crypto.exportAsString('Default', 'plain', null) + 1}", // NumberFormatException quoting the value
            "${crypto.exportAsString('Default', 'guarded', '" + STORE_PASSWORD + "') + 1}",
            "${crypto.exportAsString('Default', 'guarded', '" + STORE_PASSWORD + "'", // a parse error quoting it
            "${crypto.exportAsString('Default', 'plain', null)(f -> f(f))}",
        };
        try (LogCapture log = new LogCapture()) {
            for (String template : hostile) {
                HttpResponse<String> r = startProcess(null, template);
                assertThat(r.statusCode()).as(template).isEqualTo(422);
                assertThat(r.body()).doesNotContain(SECRET_VALUE).doesNotContain(STORE_PASSWORD);
                String log422 = http.get("/api/v1/process/" + json(r).get("instanceId").asText() + "/log",
                        "Authorization", MYUSER).body();
                assertThat(log422).doesNotContain(SECRET_VALUE).doesNotContain(STORE_PASSWORD);
            }
            assertThat(log.text()).contains("failed: dev.gatehouse.secrets.process.ExpressionException")
                    .doesNotContain(SECRET_VALUE).doesNotContain(STORE_PASSWORD).doesNotContain("exportAsString");
        }
    }

    @Test
    void encryptingForAProjectThatDoesNotExistIsRefused() throws Exception {
        assertFailed(startProcess("hostile", "${crypto.encryptString('Default', 'no-such-project', 'v')}"),
                "in crypto.encryptString: not found");
        HttpResponse<String> ok = startProcess("hostile", "${crypto.encryptString('Default', 'hostile', 'v')}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    }

    @Test
    void exportedFilesAreRemovedWhenTheProcessEndsWhateverItsStatus() throws Exception {
        String export = "${crypto.exportAsFile('Default', 'plain', null)}";
        for (String end : new String[] {"finish", "cancel"}) {
            HttpResponse<String> r = startProcess(null, export);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            String id = json(r).get("instanceId").asText();
            Path file = Path.of(http.get("/api/v1/process/" + id + "/log", "Authorization", MYUSER).body());
            assertThat(file).exists().hasContent(SECRET_VALUE);

            if (end.equals("finish")) {
                http.send("POST", "/api/v1/process/" + id + "/finish", null, null, "Authorization", MYUSER);
            } else {
                http.send("DELETE", "/api/v1/process/" + id, null, null, "Authorization", MYUSER);
            }

            assertThat(file).as("after " + end).doesNotExist();
            assertThat(file.getParent()).as("the work folder, after " + end).doesNotExist();
        }

        String failing = assertFailed(startProcess(null, export + "${crypto.decryptString('gh1.nonsense')}"),
                "decrypt strings");
        Path workDir = dataDir.resolve("data").resolve("processes").resolve(failing);
        assertThat(workDir).as("the work folder of a FAILED process").doesNotExist();
        try (var left = Files.list(dataDir.resolve("data").resolve("processes"))) {
            assertThat(left.filter(p -> Files.exists(p.resolve("x"))).count()).isZero();
        }
    }
}
