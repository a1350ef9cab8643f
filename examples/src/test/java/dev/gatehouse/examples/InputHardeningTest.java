package dev.gatehouse.examples;

import static dev.gatehouse.examples.TestServers.basic;
import static dev.gatehouse.examples.TestServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the API takes, over real HTTP: issue 12, item 5. */
class InputHardeningTest {

    private static final String MYUSER = basic("myuser", "mypwd");
    private static final String SECRETS = "/api/v1/org/Default/secret";

    @TempDir
    static Path dataDir;
    private static ExampleServer server;
    private static TestServers.Client http;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(dataDir.resolve("data"), Map.of());
        http = new TestServers.Client(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertJsonError(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(json(r).get("message").asText()).isNotBlank();
    }

    private static HttpResponse<String> multipart(String path, Object... fields) throws Exception {
        String boundary = "gh" + UUID.randomUUID().toString().replace("-", "");
        return http.sendBytes("POST", path, TestServers.multipart(boundary, fields),
                "multipart/form-data; boundary=" + boundary, "Authorization", MYUSER);
    }

    @Test
    void anEmptyStorePasswordIsRefusedNotDropped() throws Exception {
        assertJsonError(http.postForm(SECRETS, MYUSER, "name", "empty-pass", "type", "data", "data", "x",
                "storePassword", ""), 400);
        assertThat(http.send("POST", SECRETS + "/empty-pass/data", null, null, "Authorization", MYUSER).statusCode())
                .as("nothing was stored under the server key instead").isEqualTo(404);
        assertJsonError(http.postForm(SECRETS, MYUSER, "name", "weak-pass", "type", "data", "data", "x",
                "storePassword", "abc"), 400);

        assertThat(http.postForm(SECRETS, MYUSER, "name", "with-pass", "type", "data", "data", "x", "storePassword",
                "Sesame123").statusCode()).isEqualTo(200);
        assertJsonError(http.postForm(SECRETS + "/with-pass/data", MYUSER, "storePassword", ""), 400);
    }

    @Test
    void secretValuesAndStorePasswordsAreRefusedInTheQueryString() throws Exception {
        assertJsonError(http.postForm(SECRETS + "?data=hello&storePassword=Sesame123", MYUSER, "name", "in-url",
                "type", "data"), 400);
        assertThat(http.send("POST", SECRETS + "/in-url/data", null, null, "Authorization", MYUSER).statusCode())
                .isEqualTo(404);
        assertThat(http.postForm(SECRETS, MYUSER, "name", "in-body", "type", "data", "data", "x", "storePassword",
                "Sesame123").statusCode()).isEqualTo(200);
        assertJsonError(http.send("POST", SECRETS + "/in-body/data?storePassword=Sesame123", null, null,
                "Authorization", MYUSER), 400);
        assertJsonError(http.send("POST", SECRETS + "/in-body/data?storePassword=Sesame123", "",
                "application/x-www-form-urlencoded", "Authorization", MYUSER), 400);
        assertThat(http.send("POST", SECRETS + "/in-body/data", "storePassword=Sesame123",
                "application/x-www-form-urlencoded", "Authorization", MYUSER).body()).isEqualTo("x");
    }

    @Test
    void invalidUtf8IsRefusedNotReplaced() throws Exception {
        byte[] bad = {'S', 'e', 's', 'a', 'm', 'e', (byte) 0xFF, '1', '2', '3'};
        byte[] otherBad = {'S', 'e', 's', 'a', 'm', 'e', (byte) 0xFE, '1', '2', '3'};
        assertJsonError(multipart(SECRETS, "name", "bad-utf8", "type", "data", "data", "x", "storePassword", bad), 400);
        assertJsonError(multipart(SECRETS, "name", "bad-utf8", "type", "username_password", "username",
                new byte[] {'a', (byte) 0xC3}, "password", "tiger"), 400);
        assertThat(http.send("POST", SECRETS + "/bad-utf8/data", null, null, "Authorization", MYUSER).statusCode())
                .isEqualTo(404);

        assertThat(multipart(SECRETS, "name", "good-utf8", "type", "data", "data", "x", "storePassword",
                "Sésame-123").statusCode()).isEqualTo(200);
        assertJsonError(multipart(SECRETS + "/good-utf8/data", "storePassword", bad), 400);
        assertJsonError(multipart(SECRETS + "/good-utf8/data", "storePassword", otherBad), 400);
        assertJsonError(http.send("POST", SECRETS + "/good-utf8/data", "storePassword=S%E9same-123",
                "application/x-www-form-urlencoded", "Authorization", MYUSER), 400);
        assertThat(http.send("POST", SECRETS + "/good-utf8/data", "storePassword=S%C3%A9same-123",
                "application/x-www-form-urlencoded", "Authorization", MYUSER).body()).isEqualTo("x");

        byte[] jsonBody = ("{\"name\":\"k" + new String(new byte[] {(byte) 0xFF}, StandardCharsets.ISO_8859_1) + "\"}")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertJsonError(http.sendBytes("POST", "/api/v1/apikey", jsonBody, "application/json", "Authorization", MYUSER), 400);
        http.postJson("/api/v1/org/Default/project", "{\"name\":\"utf8\"}", "Authorization", MYUSER);
        assertJsonError(http.sendBytes("POST", "/api/v1/org/Default/project/utf8/encrypt", bad, "text/plain",
                "Authorization", MYUSER), 400);
    }

    @Test
    void uploadsWithinTheLimitNeverTouchTheDisk() throws Exception {
        Path uploads = server.uploadFolder();
        byte[] big = new byte[256 * 1024];
        Arrays.fill(big, (byte) 'u');
        List<String> created = new ArrayList<>();
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            WatchKey key = uploads.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            assertThat(multipart(SECRETS, "name", "big-upload", "type", "data", "data", big).statusCode()).isEqualTo(200);
            WatchKey fired = watch.poll(500, TimeUnit.MILLISECONDS);
            if (fired != null) {
                for (WatchEvent<?> e : fired.pollEvents()) {
                    created.add(String.valueOf(e.context()));
                }
            }
            key.cancel();
        }
        assertThat(created).as("files created in " + uploads + " during a 256 KiB upload").isEmpty();
        assertThat(http.send("POST", SECRETS + "/big-upload/data", null, null, "Authorization", MYUSER).body())
                .hasSize(big.length);
    }

    @Test
    void jsonWithDuplicateKeysOrTrailingContentIsRefused() throws Exception {
        assertJsonError(http.postJson("/api/v1/apikey", "{\"name\":\"first\",\"name\":\"second\"}", "Authorization", MYUSER), 400);
        assertJsonError(http.postJson("/api/v1/apikey", "{\"name\":\"one\"} {\"name\":\"two\"}", "Authorization", MYUSER), 400);
        assertJsonError(http.postJson("/api/v1/apikey", "{\"name\":\"one\"}garbage", "Authorization", MYUSER), 400);
        assertThat(http.postJson("/api/v1/apikey", "{\"name\":\"strict-ok\"}\n", "Authorization", MYUSER).statusCode())
                .isEqualTo(200);
    }

    @Test
    void orgAndProjectNamesFollowConcordsRule() throws Exception {
        String[] good = {"abc", "a@b~c.d-e_f", "9lives", "a".repeat(128)};
        String[] bad = {"ab", "a".repeat(129), "-abc", "_abc", "a b", "a/b", "a%b", "caf\u00e9"};
        for (String name : good) {
            HttpResponse<String> org = http.postJson("/api/v1/org", TestServers.JSON.createObjectNode().put("name", name)
                    .toString(), "Authorization", MYUSER);
            assertThat(org.statusCode()).as("org " + name + ": " + org.body()).isEqualTo(200);
            HttpResponse<String> project = http.postJson("/api/v1/org/Default/project",
                    TestServers.JSON.createObjectNode().put("name", name).toString(), "Authorization", MYUSER);
            assertThat(project.statusCode()).as("project " + name + ": " + project.body()).isEqualTo(200);
        }
        for (String name : bad) {
            assertJsonError(http.postJson("/api/v1/org", TestServers.JSON.createObjectNode().put("name", name).toString(),
                    "Authorization", MYUSER), 400);
            assertJsonError(http.postJson("/api/v1/org/Default/project", TestServers.JSON.createObjectNode()
                    .put("name", name).toString(), "Authorization", MYUSER), 400);
        }
    }

    @Test
    void errorsJettyAnswersItselfAreJsonToo() throws Exception {
        String host = "Host: 127.0.0.1\r\nConnection: close\r\n";
        List<String> requests = List.of(
                "GET /api/%2e%2e/v1/server/ping HTTP/1.1\r\n" + host + "\r\n", // an ambiguous path: 400
                "GET /api/" + "a".repeat(10_000) + " HTTP/1.1\r\n" + host + "\r\n", // 414
                "GET /api/v1/server/ping HTTP/1.1\r\n" + host + "X-Big: " + "b".repeat(10_000) + "\r\n\r\n", // 431
                "GET /nothing-mapped-here HTTP/1.1\r\n" + host + "\r\n", // 404 outside the servlet
                "DELETE /nothing-mapped-here HTTP/1.1\r\n" + host + "\r\n", // 405, a method Jetty gives no page by default
                "GET /api/v1/server/ping HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n"); // two Hosts: 400
        List<Integer> expected = List.of(400, 414, 431, 404, 405, 400);
        for (int i = 0; i < requests.size(); i++) {
            String answer = TestServers.raw(server, requests.get(i).getBytes(StandardCharsets.ISO_8859_1));
            String what = requests.get(i).substring(0, Math.min(60, requests.get(i).indexOf('\r')));
            assertThat(answer).as(what).startsWith("HTTP/1.1 " + expected.get(i));
            String headers = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
            assertThat(headers).as(what).contains("content-type: application/json");
            JsonNode body = TestServers.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            assertThat(body.get("message").asText()).as(what).isNotBlank();
            assertThat(body.size()).as(what + ": only a message").isEqualTo(1);
        }
    }
}
