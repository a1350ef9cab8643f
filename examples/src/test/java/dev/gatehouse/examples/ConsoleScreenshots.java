package dev.gatehouse.examples;

import static dev.gatehouse.examples.TestServers.basic;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * Screenshots of the console's main screens, for the README. Runs with every build (into
 * {@code examples/target/console-screenshots}); to refresh the committed pictures:
 *
 * <pre>mvn -B -pl examples -am verify -Dtest=ConsoleScreenshots -Dsurefire.failIfNoSpecifiedTests=false -Dgatehouse.screenshots=docs/console</pre>
 *
 * A relative folder is taken from the repository's root.
 */
class ConsoleScreenshots {

    static final List<String> SCREENS = List.of("sign-in", "api-keys", "secrets", "secret-create", "encrypted-strings",
            "users", "narrow-secrets");
    private static final int WIDTH = 1100;

    @TempDir
    Path dataDir;

    static Path folder() {
        String wanted = System.getProperty("gatehouse.screenshots");
        if (wanted == null || wanted.isBlank()) {
            return Path.of("target", "console-screenshots");
        }
        Path p = Path.of(wanted);
        return p.isAbsolute() ? p : Path.of(System.getProperty("gatehouse.rootDir", "..")).resolve(p).normalize();
    }

    @Test
    void mainScreens() throws Exception {
        Path out = folder();
        try (ExampleServer server = TestServers.start(dataDir.resolve("data"), Map.of());
                Chromium b = Chromium.start(WIDTH, 800)) {
            TestServers.Client http = new TestServers.Client(server);
            String admin = server.adminApiKey().orElseThrow();
            String alice = basic("alice", "Wonderland1");
            for (String user : new String[] {"bob:Builder22", "carol:Entropy42", "myuser:mypwd"}) {
                String[] up = user.split(":");
                http.get("/api/service/console/whoami", "Authorization", basic(up[0], up[1]));
            }
            http.postJson("/api/v1/user", "{\"username\":\"robot\",\"type\":\"LOCAL\",\"displayName\":\"Release robot\","
                    + "\"roles\":[\"deployer\"]}", "Authorization", admin);
            http.postJson("/api/v1/apikey", "{\"name\":\"laptop\"}", "Authorization", alice);
            http.postJson("/api/v1/org/Default/project", "{\"name\":\"myproject\"}", "Authorization", alice);
            http.postForm("/api/v1/org/Default/secret", alice, "name", "greeting", "type", "data", "data", "Hello",
                    "visibility", "PUBLIC");
            http.postForm("/api/v1/org/Default/secret", alice, "name", "db-credentials", "type", "username_password",
                    "username", "app", "password", "tiger", "storePassword", "Sesame123", "project", "myproject",
                    "visibility", "PRIVATE");
            http.postForm("/api/v1/org/Default/secret", alice, "name", "deploy-key", "type", "key_pair", "visibility", "PRIVATE");
            http.postForm("/api/v1/org/Default/secret", basic("bob", "Builder22"), "name", "bobs-token", "type", "data",
                    "data", "x", "visibility", "PUBLIC");

            ConsolePages console = new ConsolePages(b, server);
            console.openConsole();
            b.screenshot(out.resolve("sign-in.png"));

            console.signIn("alice", "Wonderland1");
            console.go("keys");
            b.type("key-name", "ci-deploy");
            b.click("create-key");
            b.byId("new-key-value");
            b.screenshot(out.resolve("api-keys.png"));
            console.clickInDialog("I have copied it, close");
            console.waitDialogClosed();

            console.go("secrets");
            console.row("secrets-list", "greeting");
            b.screenshot(out.resolve("secrets.png"));

            b.type("secret-name", "signing-key");
            console.choose("secret-type", "key_pair");
            console.choose("protection", "password");
            b.elementScreenshot(By.id("secret-form"), out.resolve("secret-create.png"), WIDTH);

            console.go("encrypt");
            b.type("encrypt-value", "my secret value");
            b.click("encrypt");
            b.byId("encrypted-line");
            b.fullPageScreenshot(out.resolve("encrypted-strings.png"), WIDTH);

            console.go("users");
            console.row("users-list", "robot");
            b.fullPageScreenshot(out.resolve("users.png"), WIDTH);

            console.go("secrets");
            b.viewport(375, 812, 1);
            console.row("secrets-list", "greeting");
            b.find(By.id("secrets-list-title"));
            b.js("document.getElementById('secrets-list-title').scrollIntoView()");
            b.screenshot(out.resolve("narrow-secrets.png"));
            b.assertNoAlert();
            b.assertCleanLog();
        }
        for (String screen : SCREENS) {
            assertThat(Files.size(out.resolve(screen + ".png"))).as(screen).isGreaterThan(5_000);
        }
    }
}
