package dev.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.testing.ModulePath;
import dev.gatehouse.core.testing.Services;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's walkthrough verbatim with bash, curl and jq against a fresh example server:
 * the only change is the port, since 8001 may be taken on the machine running the tests. The
 * walkthrough checks itself ({@code curl -f}, {@code test ... = 401}), so any step that does not
 * work as written fails this test.
 */
class ReadmeWalkthroughTest {

    @TempDir
    Path work;

    static String walkthrough() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("<!-- walkthrough:start -->");
        int end = readme.indexOf("<!-- walkthrough:end -->");
        assertThat(start).as("walkthrough markers in README.md").isPositive();
        String block = readme.substring(start, end);
        return block.substring(block.indexOf("```sh\n") + 6, block.lastIndexOf("```"));
    }

    private static void require(String tool) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "command -v " + tool).start();
        if (p.waitFor() != 0) {
            Services.unavailable(tool, "not on the PATH; the README walkthrough needs bash, curl and jq");
        }
    }

    @Test
    void everyCommandOfTheReadmeWalkthroughWorksAsWritten() throws Exception {
        require("curl");
        require("jq");
        try (ExampleServer server = TestServers.start(work.resolve("data"), Map.of())) {
            runWalkthrough(work, server.port());
        }
    }

    /**
     * The same walkthrough against the server started as the README says for the module path:
     * {@code java --module-path ... --module dev.gatehouse.examples/...}, nothing on the class path.
     */
    @Test
    void theWalkthroughWorksAgainstTheServerOnTheModulePath() throws Exception {
        require("curl");
        require("jq");
        Path config = work.resolve("server.properties");
        Files.writeString(config, "server.port=0\nserver.dataDir=" + work.resolve("data") + "\n");
        Process java = ModulePath.start(work, "dev.gatehouse.examples", "dev.gatehouse.examples.ExampleServer",
                "--config", config.toString());
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(java.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            Pattern banner = Pattern.compile("Gatehouse example server on http://[^:/]+:(\\d+)");
            int port = -1;
            for (String line; port < 0 && (line = out.readLine()) != null; ) {
                seen.append(line).append('\n');
                Matcher m = banner.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            assertThat(port).as("the server's start-up output on the module path:%n%s", seen).isPositive();
            Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "drain");
            drain.setDaemon(true);
            drain.start();
            runWalkthrough(work, port);
        } finally {
            java.destroy();
            java.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void runWalkthrough(Path work, int port) throws Exception {
        String script = walkthrough();
        assertThat(script).contains("curl").contains("http://localhost:8001/");
        Path file = work.resolve("walkthrough.sh");
        Files.writeString(file, script.replace("http://localhost:8001/", "http://localhost:" + port + "/"));
        Process bash = new ProcessBuilder("bash", "-euo", "pipefail", file.toString())
                .directory(work.toFile()) // so that data/admin-api-key resolves as in the README
                .redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(bash.exitValue()).as("walkthrough output:%n%s", output).isZero();
        assertThat(output).contains("\"realm\":\"ldap\"").contains("\"realm\":\"apikey\"")
                .contains("\"realm\":\"session\"").contains("Hello, world");
    }
}
