package dev.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up on embedded defaults, restarts, and configuration errors. */
class StartupTest {

    @TempDir
    Path work;

    @Test
    void generatedAdminKeyIsWrittenOnceAndStillWorksAfterARestart() throws Exception {
        Path data = work.resolve("data");
        String first;
        try (ExampleServer server = TestServers.start(data, Map.of())) {
            first = server.adminApiKey().orElseThrow();
        }
        try (ExampleServer server = TestServers.start(data, Map.of())) {
            assertThat(server.adminApiKey()).hasValue(first);
            assertThat(new TestServers.Client(server).get("/api/service/console/whoami", "Authorization", first)
                    .body()).contains("\"username\":\"admin\"");
        }
        assertThat(Files.readString(data.resolve("admin-api-key")).strip()).isEqualTo(first);
    }

    @Test
    void adminKeyFromTheEnvironmentIsImportedAndReplacesAnOldOne() throws Exception {
        Path data = work.resolve("data");
        String generated;
        try (ExampleServer server = TestServers.start(data, Map.of())) {
            generated = server.adminApiKey().orElseThrow();
        }
        String chosen;
        try (ExampleServer server = TestServers.start(work.resolve("other"), Map.of())) {
            chosen = server.adminApiKey().orElseThrow(); // a valid key from another installation
        }
        try (ExampleServer server = TestServers.start(data, Map.of("GATEHOUSE_ADMIN_API_KEY", chosen))) {
            TestServers.Client http = new TestServers.Client(server);
            assertThat(http.get("/api/service/console/whoami", "Authorization", chosen).statusCode()).isEqualTo(200);
            assertThat(http.get("/api/service/console/whoami", "Authorization", generated).statusCode())
                    .as("the old admin key is revoked").isEqualTo(401);
        }
    }

    @Test
    void wrongSettingFailsAtStartUpNamingTheKey() {
        assertThatThrownBy(() -> TestServers.start(work.resolve("data"), Map.of(), "realm.ldap.cacheDuraton", "5m"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.ldap.cacheDuraton");
        assertThatThrownBy(() -> TestServers.start(work.resolve("data2"), Map.of(), "secrets.serverKey.main",
                "${env:MISSING_SERVER_KEY}"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("MISSING_SERVER_KEY");
        assertThatThrownBy(() -> TestServers.start(work.resolve("data3"), Map.of(), "server.port", "eighty"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("server.port: expected an integer, was 'eighty'");
    }
}
