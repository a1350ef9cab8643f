package dev.gatehouse.secrets.git.internal;

import java.security.PublicKey;
import java.util.Optional;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * One parsed {@code known_hosts} line (OpenSSH sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT"): host
 * patterns (plain, {@code [host]:port}, wildcards, negations or hashed {@code |1|salt|hash}), the
 * key, and an optional {@code @revoked} marker. {@code @cert-authority} lines are refused:
 * Gatehouse does not check host certificates. MINA SSHD's reader parses and matches the
 * patterns, so they match as OpenSSH matches them. Immutable, thread-safe.
 */
public final class KnownHostLine {

    private final String line;
    private final boolean revoked;
    private final PublicKey key;
    private final KnownHostEntry parsed;

    private KnownHostLine(String line, boolean revoked, PublicKey key,
            KnownHostEntry parsed) {
        this.line = line;
        this.revoked = revoked;
        this.key = key;
        this.parsed = parsed;
    }

    /**
     * Parses one line that is neither blank nor a comment.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static KnownHostLine parse(String line) {
        KnownHostEntry e;
        try {
            e = KnownHostEntry.parseKnownHostEntry(line);
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException("not a known_hosts line (hosts key-type base64-key [comment])", ex);
        }
        if (e == null || e.getKeyEntry() == null) {
            throw new IllegalArgumentException("not a known_hosts line (hosts key-type base64-key [comment])");
        }
        Optional<String> marker = Optional.ofNullable(e.getMarker()).filter(m -> !m.isEmpty());
        if (marker.isPresent() && !marker.get().equals("revoked")) {
            throw new IllegalArgumentException("unsupported marker @" + marker.get() + " (only @revoked is supported)");
        }
        if (e.getHashedEntry() == null && e.getPatterns().isEmpty()) {
            throw new IllegalArgumentException("names no host");
        }
        PublicKey key;
        try {
            key = e.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        } catch (Exception ex) {
            throw new IllegalArgumentException("its key cannot be read (" + ex.getClass().getSimpleName() + ")", ex);
        }
        if (key == null) {
            throw new IllegalArgumentException("unsupported key type");
        }
        return new KnownHostLine(line, marker.isPresent(), key, e);
    }

    /** The line as given. */
    public String line() {
        return line;
    }

    /** Whether the line is marked {@code @revoked}: its key must be refused. */
    public boolean revoked() {
        return revoked;
    }

    /** The host's public key. */
    public PublicKey key() {
        return key;
    }

    /** Whether this line names {@code host} on {@code port}. */
    public boolean matches(String host, int port) {
        return parsed.isHostMatch(host, port);
    }
}
