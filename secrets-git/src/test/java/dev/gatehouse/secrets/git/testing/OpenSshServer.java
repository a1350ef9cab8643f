package dev.gatehouse.secrets.git.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OpenSSH's {@code sshd} (Debian's openssh-server), started by a test in the foreground on a
 * loopback address with its own {@code sshd_config}, an Ed25519 host key and an
 * {@code authorized_keys} file, all generated into a temporary folder. It lets in the user the
 * tests run as, by public key only (no password, no PAM, no forced command), and gives that user
 * the shell that runs {@code git-upload-pack}. The system's sshd is never touched; {@link #close()}
 * stops the process this class started.
 */
public final class OpenSshServer implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final String address;
    private final int port;
    private final String user;
    private final String hostPublicKey;

    private OpenSshServer(Process process, Path dir, String address, int port, String user, String hostPublicKey) {
        this.process = process;
        this.dir = dir;
        this.address = address;
        this.port = port;
        this.user = user;
        this.hostPublicKey = hostPublicKey;
    }

    /** An sshd on 127.0.0.1 and a free port; skips the test (fails it in CI) without sshd. */
    public static OpenSshServer start(Path dir) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return start(dir.resolve("sshd-" + attempt), "127.0.0.1", freePort());
            } catch (IllegalStateException e) {
                last = e; // most likely another process took the port between probe and bind
            }
        }
        throw last;
    }

    /** An sshd on {@code address}:{@code port}, e.g. 127.0.0.2:22 for scp-like URLs (needs root). */
    public static OpenSshServer start(Path dir, String address, int port) {
        Path sshd = Commands.require("sshd", "openssh-server");
        Path keygen = Commands.require("ssh-keygen", "openssh-client");
        String user = System.getProperty("user.name");
        try {
            Files.createDirectories(dir);
            if (user.equals("root")) {
                // sshd running as root insists on its privilege-separation folder.
                Path privsep = Path.of("/run/sshd");
                if (!Files.isDirectory(privsep)) {
                    Files.createDirectories(privsep);
                }
            }
            Path hostKey = dir.resolve("ssh_host_ed25519_key");
            Commands.run(dir, Map.of(), keygen.toString(), "-q", "-t", "ed25519", "-N", "", "-C", "test-host",
                    "-f", hostKey.toString());
            String hostPublicKey = Files.readString(dir.resolve("ssh_host_ed25519_key.pub"), StandardCharsets.UTF_8).strip();
            Path authorized = dir.resolve("authorized_keys");
            Files.writeString(authorized, "");
            Path config = dir.resolve("sshd_config");
            Files.writeString(config, String.join("\n",
                    "ListenAddress " + address + ":" + port,
                    "HostKey " + hostKey,
                    "PidFile none",
                    "AuthorizedKeysFile " + authorized,
                    "StrictModes no",
                    "UsePAM no",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PermitRootLogin prohibit-password",
                    "AllowUsers " + user,
                    "AllowTcpForwarding no",
                    "AllowAgentForwarding no",
                    "X11Forwarding no",
                    "PermitTunnel no",
                    "PrintMotd no",
                    "LogLevel VERBOSE",
                    ""));
            Commands.run(dir, Map.of(), sshd.toString(), "-t", "-f", config.toString());
            Path log = dir.resolve("sshd.log");
            Process p = new ProcessBuilder(sshd.toString(), "-D", "-e", "-f", config.toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            OpenSshServer server = new OpenSshServer(p, dir, address, port, user, hostPublicKey);
            server.awaitBanner(Duration.ofSeconds(15));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start sshd in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void awaitBanner(Duration within) {
        Instant deadline = Instant.now().plus(within);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("sshd exited with " + process.exitValue() + ": " + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, port), 500);
                s.setSoTimeout(2000);
                InputStream in = s.getInputStream();
                byte[] banner = in.readNBytes(4);
                if (new String(banner, StandardCharsets.US_ASCII).equals("SSH-")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        throw new IllegalStateException("sshd did not answer on " + address + ":" + port + ": " + log());
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lets {@code publicKey} (an {@code authorized_keys} line) log in. */
    public void authorize(String publicKey) {
        try {
            Files.writeString(dir.resolve("authorized_keys"), publicKey.strip() + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The user that may log in: the one the tests run as. */
    public String user() {
        return user;
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    /** The host key's public half, {@code ssh-ed25519 AAAA... test-host}. */
    public String hostPublicKey() {
        return hostPublicKey;
    }

    /** The host's {@code known_hosts} line. */
    public String knownHostsLine() {
        return (port == 22 ? address : "[" + address + "]:" + port) + " " + hostPublicKey;
    }

    /** {@code ssh://user@address:port/absolute/path}. */
    public String sshUrl(Path repository) {
        return "ssh://" + user + "@" + address + ":" + port + repository.toAbsolutePath();
    }

    /** {@code user@address:/absolute/path}: scp-like, so only for a server on port 22. */
    public String scpLikeUrl(Path repository) {
        if (port != 22) {
            throw new IllegalStateException("scp-like URLs have no port; this sshd listens on " + port);
        }
        return user + "@" + address + ":" + repository.toAbsolutePath();
    }

    /** What sshd logged (VERBOSE: accepted and refused keys with their fingerprints). */
    public String log() {
        try {
            return Files.readString(dir.resolve("sshd.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops this sshd (the process this class started, by its handle). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
