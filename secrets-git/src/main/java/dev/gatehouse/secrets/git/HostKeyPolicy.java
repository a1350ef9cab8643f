package dev.gatehouse.secrets.git;

import dev.gatehouse.secrets.git.internal.HostKeyCheck;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How an SSH server's host key is checked before any credential is sent to it.
 *
 * <ul>
 *   <li>{@link #strict(KnownHosts)} (the default, with {@link KnownHosts#none()}): the key must be
 *       in the known hosts; an unknown host is refused with {@link GitAccessException.HostKeyUnknown},
 *       a changed key with {@link GitAccessException.HostKeyChanged}.</li>
 *   <li>{@link #trustOnFirstUse(KnownHosts, Consumer)}: a host that no entry names is accepted once
 *       and its {@code known_hosts} line handed to the listener to be recorded; a host that an entry
 *       names must still match it, so a changed key is refused as under {@code strict}.</li>
 * </ul>
 *
 * <p>Either way a key marked {@code @revoked} is refused. Immutable apart from the hosts that a
 * trust-on-first-use policy has accepted, which it remembers (so a second connection to such a
 * host must offer the same key); thread-safe.
 */
public final class HostKeyPolicy {

    private final KnownHosts knownHosts;
    private final Optional<Consumer<String>> onFirstUse;
    private final HostKeyCheck check;

    private HostKeyPolicy(KnownHosts knownHosts, Optional<Consumer<String>> onFirstUse) {
        this.knownHosts = knownHosts;
        this.onFirstUse = onFirstUse;
        this.check = new HostKeyCheck(knownHosts.entries(), onFirstUse);
    }

    /** Only host keys in {@code knownHosts} are accepted. */
    public static HostKeyPolicy strict(KnownHosts knownHosts) {
        return new HostKeyPolicy(Objects.requireNonNull(knownHosts, "knownHosts"), Optional.empty());
    }

    /**
     * Host keys in {@code knownHosts} are checked as under {@link #strict}; the first key a host
     * that no entry names offers is accepted and reported to {@code onFirstUse} as a
     * {@code known_hosts} line ({@code [host]:port key-type base64-key}), which the caller should
     * store so that later connections are checked against it. Opt-in: it trusts whoever answers
     * first.
     */
    public static HostKeyPolicy trustOnFirstUse(KnownHosts knownHosts, Consumer<String> onFirstUse) {
        return new HostKeyPolicy(Objects.requireNonNull(knownHosts, "knownHosts"),
                Optional.of(Objects.requireNonNull(onFirstUse, "onFirstUse")));
    }

    /** The host keys configured for this policy (not those it accepted on first use). */
    public KnownHosts knownHosts() {
        return knownHosts;
    }

    /** Whether unknown hosts are accepted on first use. */
    public boolean trustsOnFirstUse() {
        return onFirstUse.isPresent();
    }

    /** The check the SSH client runs. */
    HostKeyCheck check() {
        return check;
    }

    @Override
    public String toString() {
        return "HostKeyPolicy[" + (trustsOnFirstUse() ? "trust-on-first-use" : "strict") + ", " + knownHosts + "]";
    }
}
