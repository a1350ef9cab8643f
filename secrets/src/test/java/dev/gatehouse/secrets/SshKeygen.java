package dev.gatehouse.secrets;

import dev.gatehouse.core.testing.Services;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code ssh-keygen}; skips (or fails in CI) when it is not installed. */
final class SshKeygen {

    private SshKeygen() {}

    static void requireInstalled() {
        try {
            run(List.of("ssh-keygen", "-?"), true);
        } catch (IOException e) {
            Services.unavailable("ssh-keygen (package openssh-client)", e.getMessage());
        }
    }

    /** {@code ssh-keygen -y -f <file>} on {@code privateKey} written with mode 600: "type base64" of its public key. */
    static String publicKeyOf(Path dir, byte[] privateKey) throws IOException {
        Path f = Files.createTempFile(dir, "key", "");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        Files.write(f, privateKey);
        String out = run(List.of("ssh-keygen", "-y", "-f", f.toString()), false).strip();
        return typeAndKey(out);
    }

    /** Generates a key with ssh-keygen: {@code args} after {@code -q -N '' -f <file>}; returns the file. */
    static Path generate(Path dir, String passphrase, String... args) throws IOException {
        Path f = dir.resolve("gen-" + System.nanoTime());
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-N", passphrase, "-C", "imported@test", "-f", f.toString()));
        cmd.addAll(List.of(args));
        run(cmd, false);
        return f;
    }

    static String typeAndKey(String authorizedKeysLine) {
        String[] p = authorizedKeysLine.strip().split("\\s+");
        return p[0] + " " + p[1];
    }

    private static String run(List<String> cmd, boolean anyExit) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + cmd);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!anyExit && p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }
}
