package dev.gatehouse.secrets.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.secrets.SshKeyType;
import dev.gatehouse.secrets.SshKeys;
import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The tests run on the class path; this one resolves the module and its runtime dependencies as
 * modules (JGit and MINA SSHD by their automatic names) in a fresh layer, and calls into it, so that
 * a split package or a missing {@code requires} fails here rather than in a host's modular build.
 */
class ModulePathTest {

    /** The runtime dependencies of gatehouse-secrets-git, by a piece of their path on the class path. */
    private static final List<String> RUNTIME = List.of("secrets-git/target/classes", "secrets/target/classes",
            "core/target/classes", "gatehouse-secrets-git", "gatehouse-secrets-0", "gatehouse-core-0", "/org/eclipse/jgit/org.eclipse.jgit/",
            "/org.eclipse.jgit.ssh.apache/", "/org/apache/sshd/", "/com/googlecode/javaewah/", "/commons-codec/",
            "/org/slf4j/slf4j-api/", "/org/slf4j/jcl-over-slf4j/", "/org/bouncycastle/", "/jakarta/el/",
            "/org/glassfish/expressly/", "/com/github/ben-manes/caffeine/", "/org/jspecify/", "/com/google/errorprone/");

    @Test
    void theModuleResolvesWithJGitAndSshdAsAutomaticModulesAndWorks() throws Exception {
        Path[] path = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> RUNTIME.stream().anyMatch(e.replace(File.separatorChar, '/')::contains))
                .filter(e -> !e.contains("test-classes") && !e.contains("-tests.jar"))
                .map(Path::of).toArray(Path[]::new);
        ModuleFinder finder = ModuleFinder.of(path);
        Configuration cf = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(),
                Set.of("dev.gatehouse.secrets.git"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());

        Set<String> required = layer.findModule("dev.gatehouse.secrets.git").orElseThrow().getDescriptor().requires()
                .stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertThat(required).contains("org.eclipse.jgit", "org.eclipse.jgit.ssh.apache", "org.apache.sshd.osgi");
        assertThat(layer.findModule("org.eclipse.jgit").orElseThrow().getDescriptor().isAutomatic()).isTrue();
        assertThat(layer.findModule("dev.gatehouse.secrets.git").orElseThrow().getDescriptor().exports())
                .extracting(ModuleDescriptor.Exports::source).containsExactly("dev.gatehouse.secrets.git");

        ClassLoader loader = layer.findLoader("dev.gatehouse.secrets.git");
        // MINA SSHD loads its security registrars through the context class loader: point it at the
        // layer, or it finds the class-path copies this test runs beside.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            callInto(loader);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static void callInto(ClassLoader loader) throws Exception {
        Class<?> remotes = loader.loadClass("dev.gatehouse.secrets.git.GitRemote");
        assertThat(remotes.getModule().getName()).isEqualTo("dev.gatehouse.secrets.git");
        Object remote = remotes.getMethod("parse", String.class).invoke(null, "ssh://git@127.0.0.1:2222/x.git");
        // KnownHosts parses through MINA SSHD, so this reaches into the automatic modules too.
        Class<?> knownHosts = loader.loadClass("dev.gatehouse.secrets.git.KnownHosts");
        Method line = knownHosts.getMethod("line", remotes, String.class);
        // ECDSA: its key specs are JDK classes, shared with the class-path copy of Bouncy Castle that
        // other tests in this JVM may have registered (an Ed25519 spec would be the layer's own class).
        String[] fields = SshKeys.generate(SshKeyType.ECDSA_P256, "x").publicKey().split(" ");
        String key = fields[0] + " " + fields[1];
        assertThat(line.invoke(null, remote, key)).isEqualTo("[127.0.0.1]:2222 " + key);
        Object parsed = knownHosts.getMethod("parse", String.class).invoke(null, "[127.0.0.1]:2222 " + key);
        assertThat(parsed.toString()).startsWith("KnownHosts[SHA256:");
    }
}
