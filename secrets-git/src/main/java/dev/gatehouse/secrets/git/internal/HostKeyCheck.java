package dev.gatehouse.secrets.git.internal;

import dev.gatehouse.secrets.git.GitAccessException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether an SSH server's host key is trusted, for {@code HostKeyPolicy}. Keeps the keys
 * it accepted on first use, one per host, so that a second connection must offer the same key.
 * Thread-safe.
 */
public final class HostKeyCheck {

    private static final Logger LOG = LoggerFactory.getLogger(HostKeyCheck.class);

    private final List<KnownHostLine> known;
    private final Optional<Consumer<String>> onFirstUse;
    private final Map<String, KnownHostLine> acceptedOnFirstUse = new ConcurrentHashMap<>();

    /**
     * @param known the configured entries
     * @param onFirstUse if present, unknown hosts are trusted on first use and their line reported here
     */
    public HostKeyCheck(List<KnownHostLine> known, Optional<Consumer<String>> onFirstUse) {
        this.known = List.copyOf(known);
        this.onFirstUse = onFirstUse;
    }

    /** The keys trusted for {@code host}:{@code port} (not revoked), so the client can prefer their algorithms. */
    public List<PublicKey> keysFor(String host, int port) {
        return entriesFor(host, port).stream().filter(e -> !e.revoked()).map(KnownHostLine::key).toList();
    }

    /**
     * Checks {@code offered}.
     *
     * @param knownHostsName {@code host} or {@code [host]:port}, for messages and recorded lines
     * @return empty if the key is trusted, else why not
     */
    public Optional<GitAccessException.HostKeyRejected> verify(String host, int port, String knownHostsName,
            PublicKey offered) {
        String type = HostKeys.type(offered);
        String fingerprint = HostKeys.fingerprint(offered);
        List<KnownHostLine> entries = entriesFor(host, port);
        if (entries.stream().anyMatch(e -> e.revoked() && HostKeys.same(e.key(), offered))) {
            return Optional.of(new GitAccessException.HostKeyChanged(knownHostsName, type, fingerprint,
                    "that key marked @revoked"));
        }
        List<KnownHostLine> trusted = entries.stream().filter(e -> !e.revoked()).toList();
        if (trusted.stream().anyMatch(e -> HostKeys.same(e.key(), offered))) {
            return Optional.empty();
        }
        if (!trusted.isEmpty()) {
            String knownFingerprints = trusted.stream().map(e -> HostKeys.type(e.key()) + " "
                    + HostKeys.fingerprint(e.key())).distinct().collect(Collectors.joining(", "));
            return Optional.of(new GitAccessException.HostKeyChanged(knownHostsName, type, fingerprint, knownFingerprints));
        }
        if (onFirstUse.isEmpty()) {
            return Optional.of(new GitAccessException.HostKeyUnknown(knownHostsName, type, fingerprint));
        }
        KnownHostLine line = KnownHostLine.parse(knownHostsName + " " + HostKeys.line(offered));
        KnownHostLine first = acceptedOnFirstUse.putIfAbsent(knownHostsName, line);
        if (first != null) {
            // Another connection got here first: this one must offer the key that one accepted.
            return HostKeys.same(first.key(), offered) ? Optional.empty()
                    : Optional.of(new GitAccessException.HostKeyChanged(knownHostsName, type, fingerprint,
                            HostKeys.type(first.key()) + " " + HostKeys.fingerprint(first.key())
                                    + " (accepted on first use)"));
        }
        try {
            onFirstUse.get().accept(line.line());
        } catch (RuntimeException e) {
            acceptedOnFirstUse.remove(knownHostsName, line);
            LOG.warn("the host key of {} could not be recorded, so it is not trusted: {}", knownHostsName, e.getClass().getName());
            return Optional.of(new GitAccessException.HostKeyUnknown(knownHostsName, type, fingerprint));
        }
        LOG.info("trusted the host key of {} on first use: {} {}", knownHostsName, type, fingerprint);
        return Optional.empty();
    }

    private List<KnownHostLine> entriesFor(String host, int port) {
        List<KnownHostLine> out = new ArrayList<>();
        for (KnownHostLine e : known) {
            if (e.matches(host, port)) {
                out.add(e);
            }
        }
        for (KnownHostLine e : acceptedOnFirstUse.values()) {
            if (e.matches(host, port)) {
                out.add(e);
            }
        }
        return out;
    }
}
