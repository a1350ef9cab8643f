package dev.gatehouse.examples;

import static dev.gatehouse.examples.TestServers.basic;
import static dev.gatehouse.examples.TestServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.examples.internal.WebConsole;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * What keeps the console and the API it calls safe in a browser: the headers on every
 * {@code /console/} response, files served only from the console's own folder, no inline code
 * and no HTML sinks in its sources, and cross-site state changes refused (over HTTP, and from a
 * real attacker page in Chromium while the browser holds the victim's cached credentials).
 */
class ConsoleSecurityTest {

    @TempDir
    static Path dataDir;
    private static ExampleServer server;
    private static TestServers.Client http;

    private static final String MYUSER = basic("myuser", "mypwd");
    private static final List<String> CONSOLE_FILES = List.of("index.html", "console.css", "icon.svg", "js/main.js",
            "js/api.js", "js/dom.js", "js/keys.js", "js/secrets.js", "js/orgs.js", "js/encrypt.js", "js/users.js");

    @TempDir
    Path work;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServers.start(dataDir.resolve("data"), Map.of());
        http = new TestServers.Client(server);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static void assertSecurityHeaders(HttpResponse<String> r) {
        assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue(WebConsole.CONTENT_SECURITY_POLICY);
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void everyConsoleResponseCarriesTheSecurityHeaders() throws Exception {
        for (String file : CONSOLE_FILES) {
            HttpResponse<String> r = http.get("/console/" + file);
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            assertSecurityHeaders(r);
        }
        for (String path : List.of("/console/", "/console/missing.js", "/console")) {
            assertSecurityHeaders(http.get(path));
        }
        String policy = WebConsole.CONTENT_SECURITY_POLICY;
        assertThat(policy).contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'",
                "object-src 'none'", "base-uri 'none'", "require-trusted-types-for 'script'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:", "*");
    }

    @Test
    void filesAreServedWithTheirTypesAndOnlyFromTheConsoleFolder() throws Exception {
        assertThat(http.get("/console/").headers().firstValue("Content-Type")).hasValue("text/html;charset=utf-8");
        assertThat(http.get("/console/js/main.js").headers().firstValue("Content-Type")).hasValue("text/javascript;charset=utf-8");
        assertThat(http.get("/console/console.css").headers().firstValue("Content-Type")).hasValue("text/css;charset=utf-8");
        HttpResponse<String> bare = http.get("/console");
        assertThat(bare.statusCode()).isEqualTo(301);
        assertThat(bare.headers().firstValue("Location")).hasValue("/console/");

        for (String path : List.of("/console/missing.js", "/console/JS/MAIN.JS", "/console/js/main.js/",
                "/console/.hidden.js", "/console/%2e%2e/demo-users.ldif", "/console/js/%2e%2e/%2e%2e/demo-users.ldif",
                "/console/..%2fdemo-users.ldif", "/console/%2E%2E/ExampleServer.class", "/console/index.html%00.js")) {
            HttpResponse<String> r = http.alone().get(path);
            assertThat(r.statusCode()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("userPassword");
        }
        HttpResponse<String> post = http.send("POST", "/console/", "x", "text/plain");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void theConsoleHasNoInlineCodeAndUsesNoHtmlSinkNorBrowserStorage() throws Exception {
        String html = resource("index.html");
        assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE).matcher(html).find())
                .as("inline script").isFalse();
        assertThat(Pattern.compile("\\son[a-z]+\\s*=|\\sstyle\\s*=|<style|javascript:", Pattern.CASE_INSENSITIVE)
                .matcher(html).find()).as("inline handler or style").isFalse();
        for (String file : CONSOLE_FILES) {
            if (!file.endsWith(".js")) {
                continue;
            }
            String js = resource(file).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*//.*$", "");
            assertThat(js).as(file).doesNotContain("innerHTML", "outerHTML =", "insertAdjacentHTML", "document.write",
                    "eval(", "new Function", "localStorage", "sessionStorage", "document.cookie", "http://", "https://");
        }
        assertThat(resource("console.css")).doesNotContain("@import", "url(http", "@font-face");
    }

    private static String resource(String file) throws IOException {
        try (InputStream in = WebConsole.class.getClassLoader()
                .getResourceAsStream("dev/gatehouse/examples/console/" + file)) {
            assertThat(in).as(file).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void stateChangesFromAnotherOriginAreRefusedBeforeAuthentication() throws Exception {
        String key = "{\"name\":\"cross-origin-key\"}";
        for (String[] headers : List.of(
                new String[] {"Origin", "http://evil.example"},
                new String[] {"Origin", "null"},
                new String[] {"Origin", "http://127.0.0.1:1"},
                new String[] {"Sec-Fetch-Site", "cross-site"},
                new String[] {"Sec-Fetch-Site", "same-site"})) {
            // A refusal does not read the body and closes the connection: a client of its own each time.
            HttpResponse<String> r = http.alone().postJson("/api/v1/apikey", key, "Authorization", MYUSER, headers[0], headers[1]);
            assertThat(r.statusCode()).as(String.join(": ", headers)).isEqualTo(403);
            assertThat(json(r).get("message").asText()).startsWith("Cross-origin request refused");
        }
        assertThat(http.get("/api/v1/apikey", "Authorization", MYUSER).body()).doesNotContain("cross-origin-key");
        assertThat(http.alone().postJson("/api/v1/apikey", "{}", "Origin", "http://evil.example").statusCode())
                .as("refused without looking at credentials").isEqualTo(403);

        assertThat(http.get("/api/v1/org", "Authorization", MYUSER, "Sec-Fetch-Site", "cross-site").statusCode())
                .as("reads are left to CORS, which shares nothing").isEqualTo(200);
        assertThat(http.postJson("/api/v1/apikey", "{\"name\":\"same-origin-key\"}", "Authorization", MYUSER,
                "Origin", "http://127.0.0.1:" + server.port(), "Sec-Fetch-Site", "same-origin").statusCode()).isEqualTo(200);
        assertThat(http.postJson("/api/v1/apikey", "{\"name\":\"curl-key\"}", "Authorization", MYUSER).statusCode())
                .as("curl sends neither header").isEqualTo(200);
    }

    @Test
    void aCrossSiteFormPostIsRefusedEvenWhileTheBrowserHoldsTheVictimsCredentials() throws Exception {
        String target = "http://127.0.0.1:" + server.port();
        String page = """
                <!doctype html><html><head><title>Win a prize</title></head><body>
                <form method="POST" enctype="multipart/form-data" action="%1$s/api/v1/org/Default/secret">
                  <input name="name" value="csrf-planted"><input name="type" value="data">
                  <input name="data" value="planted"><input name="visibility" value="PUBLIC">
                  <button id="plant">Win a prize</button>
                </form>
                <form method="POST" enctype="text/plain" action="%1$s/api/v1/apikey">
                  <input name='{"name":"csrf-key","x":"' value='"}'><button id="mint">Win another</button>
                </form>
                <a id="peek" href="%1$s/api/service/console/whoami">peek</a>
                <iframe id="frame" src="%1$s/console/" title="framed console"></iframe>
                </body></html>""".formatted(target);
        HttpServer attacker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        attacker.createContext("/", exchange -> {
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html;charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        attacker.start();
        // "localhost" and 127.0.0.1 are different sites to the browser.
        String evil = "http://localhost:" + attacker.getAddress().getPort() + "/";
        try (Chromium browser = Chromium.start(1280, 900)) {
            // The victim once logged in to the API in this browser: Basic credentials in its cache.
            browser.open("http://myuser:mypwd@127.0.0.1:" + server.port() + "/api/v1/org");
            assertThat(browser.find(By.tagName("body")).getText()).contains("Default");

            browser.open(evil);
            browser.click("peek");
            assertThat(browser.waitForText(By.tagName("body"), "myuser"))
                    .as("a cross-site navigation does carry the cached credentials").contains("\"username\":\"myuser\"");

            browser.open(evil);
            browser.click("plant");
            assertThat(browser.waitForText(By.tagName("body"), "Cross-origin request refused")).isNotBlank();
            browser.open(evil);
            browser.click("mint");
            assertThat(browser.waitForText(By.tagName("body"), "Cross-origin request refused")).isNotBlank();

            browser.open(evil);
            browser.waitFor(d -> browser.log().stream().anyMatch(l -> l.contains("frame-ancestors")));
            browser.assertNoAlert();
        } finally {
            attacker.stop(0);
        }
        assertThat(http.send("POST", "/api/v1/org/Default/secret/csrf-planted/data", null, null, "Authorization", MYUSER)
                .statusCode()).isEqualTo(404);
        assertThat(http.get("/api/v1/apikey", "Authorization", MYUSER).body()).doesNotContain("csrf-key");
    }
}
