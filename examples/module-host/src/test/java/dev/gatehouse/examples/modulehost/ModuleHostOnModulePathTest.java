package dev.gatehouse.examples.modulehost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.testing.ModulePath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link ModuleHost} in a fresh JVM with {@code java --module-path} and nothing on the
 * class path: every schema, realm provider and store provider must be reachable across module
 * boundaries.
 */
class ModuleHostOnModulePathTest {

    @TempDir
    Path work;

    @Test
    void aHostOnTheModulePathAppliesEverySchemaIssuesCredentialsAndReadsASecret() throws Exception {
        Process java = ModulePath.start(work, "dev.gatehouse.examples.modulehost",
                "dev.gatehouse.examples.modulehost.ModuleHost");
        String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(java.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(java.exitValue()).as("java --module-path output:%n%s", output).isZero();
        assertThat(output).contains("module-host: OK");
    }
}
