package dev.gatehouse.secrets.git;

import dev.gatehouse.secrets.git.internal.HostKeys;
import dev.gatehouse.secrets.git.internal.KnownHostLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The SSH host keys Gatehouse trusts, as {@code known_hosts} lines in OpenSSH's format
 * ({@code host[,host...] key-type base64-key [comment]}; {@code [host]:port} for other ports than
 * 22, hashed {@code |1|...} names, wildcards and {@code @revoked} work as in OpenSSH;
 * {@code @cert-authority} is refused). Host keys are public: these lines are configuration, not
 * secrets. Every line is parsed when given, so a typo fails at configuration time. Immutable,
 * thread-safe.
 */
public final class KnownHosts {

    private static final KnownHosts NONE = new KnownHosts(List.of());

    private final List<KnownHostLine> entries;

    private KnownHosts(List<KnownHostLine> entries) {
        this.entries = List.copyOf(entries);
    }

    /** No known hosts: every SSH host is unknown. */
    public static KnownHosts none() {
        return NONE;
    }

    /**
     * Parses {@code text}: one entry a line; blank lines and lines starting with {@code #} are skipped.
     *
     * @throws IllegalArgumentException naming the first line (by number) that cannot be read and why
     */
    public static KnownHosts parse(String text) {
        Objects.requireNonNull(text, "text");
        List<KnownHostLine> entries = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                entries.add(KnownHostLine.parse(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("known_hosts line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new KnownHosts(entries);
    }

    /**
     * Reads a {@code known_hosts} file.
     *
     * @throws UncheckedIOException if it cannot be read
     * @throws IllegalArgumentException as {@link #parse(String)}, with the file named
     */
    public static KnownHosts read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read known hosts file " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The {@code known_hosts} line that trusts {@code publicKey} for {@code remote}'s host and port.
     *
     * @param publicKey the host's public key as {@code key-type base64-key [comment]}, e.g. the
     *     content of {@code /etc/ssh/ssh_host_ed25519_key.pub}
     * @throws IllegalArgumentException if {@code publicKey} cannot be read
     */
    public static String line(GitRemote remote, String publicKey) {
        String line = remote.knownHostsName() + " " + publicKey.strip();
        KnownHostLine.parse(line);
        return line;
    }

    /** These entries followed by {@code other}'s. */
    public KnownHosts plus(KnownHosts other) {
        if (other.entries.isEmpty()) {
            return this;
        }
        List<KnownHostLine> all = new ArrayList<>(entries);
        all.addAll(other.entries);
        return new KnownHosts(all);
    }

    /** Whether there is no entry at all. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The entries, as the lines they were parsed from, in order. */
    public List<String> lines() {
        return entries.stream().map(KnownHostLine::line).toList();
    }

    /** The parsed entries, for the host-key check. */
    List<KnownHostLine> entries() {
        return entries;
    }

    /** The number of entries and their fingerprints; host keys are public. */
    @Override
    public String toString() {
        return "KnownHosts" + entries.stream().map(e -> HostKeys.fingerprint(e.key())).toList();
    }
}
