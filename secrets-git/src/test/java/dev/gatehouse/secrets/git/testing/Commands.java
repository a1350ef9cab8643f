package dev.gatehouse.secrets.git.testing;

import dev.gatehouse.core.testing.Services;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds and runs the Debian binaries the Git tests use to set up servers ({@code git},
 * {@code sshd}, {@code ssh-keygen}); a missing one skips the test, or fails it in CI.
 */
public final class Commands {

    private static final List<String> SBIN = List.of("/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/bin", "/bin");

    private Commands() {}

    /** The absolute path of {@code name}, looked up on PATH and in the sbin folders. */
    public static Optional<Path> find(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(SBIN);
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    /** {@code name}'s path, or the test is skipped (failed in CI) naming the Debian package. */
    public static Path require(String name, String debianPackage) {
        Optional<Path> p = find(name);
        if (p.isEmpty()) {
            Services.unavailable(name + " (Debian package " + debianPackage + ")", "not found on PATH or in /usr/sbin");
        }
        return p.orElseThrow();
    }

    /**
     * Runs a command in {@code dir} with {@code env} added, waits up to 60 s and returns its
     * standard output.
     *
     * @throws IllegalStateException with its output if it fails or times out
     */
    public static String run(Path dir, Map<String, String> env, String... command) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().putAll(env);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("cmd", ".out");
            err = Files.createTempFile("cmd", ".err");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 60 s");
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue() + ": "
                        + Files.readString(err, StandardCharsets.UTF_8) + stdout);
            }
            return stdout;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command[0], e);
        } finally {
            try {
                if (out != null) {
                    Files.deleteIfExists(out);
                }
                if (err != null) {
                    Files.deleteIfExists(err);
                }
            } catch (IOException e) {
                // temporary files; the OS cleans up
            }
        }
    }

    /** Generates an unencrypted key pair with ssh-keygen; returns {@code [public line, private PEM]}. */
    public static String[] sshKeygen(Path dir, String type, String name) {
        Path keygen = require("ssh-keygen", "openssh-client");
        List<String> cmd = new ArrayList<>(List.of(keygen.toString(), "-q", "-t", type, "-N", "", "-C", name + "@test",
                "-f", dir.resolve(name).toString()));
        if (type.equals("rsa")) {
            cmd.addAll(List.of("-b", "3072"));
        }
        run(dir, Map.of(), cmd.toArray(String[]::new));
        try {
            String pub = Files.readString(dir.resolve(name + ".pub"), StandardCharsets.UTF_8).strip();
            String priv = Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
            Files.delete(dir.resolve(name));
            Files.delete(dir.resolve(name + ".pub"));
            return new String[] {pub, priv};
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the key ssh-keygen wrote: " + e.getMessage(), e);
        }
    }
}
