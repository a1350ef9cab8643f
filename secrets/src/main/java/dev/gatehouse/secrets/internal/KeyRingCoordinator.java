package dev.gatehouse.secrets.internal;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.secrets.KeyRingStatus;
import dev.gatehouse.secrets.KeyUnavailableException;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.secrets.store.SecretStore.KeyRingRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's side of the {@link ClusterKeyRing} in a store: registers this node's keys at start
 * (refusing to start with a key that differs from the cluster's, or without one the cluster still
 * uses), registers again at least every quarter of the node timeout while the node is used, tells
 * which key seals new envelopes, and retires keys. Every change is a compare-and-set of the one
 * record, retried when another node wrote first. Thread-safe.
 */
final class KeyRingCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(KeyRingCoordinator.class);
    private static final int ATTEMPTS = 50;

    private final SecretStore store;
    private final ServerKeyRing ring;
    private final Clock clock;
    private final String nodeId;
    private final String instance = UUID.randomUUID().toString();
    private final Duration timeout;
    private final Duration heartbeat;
    private final AtomicBoolean registering = new AtomicBoolean();
    private volatile Instant lastRegistered = Instant.MIN;
    private volatile boolean closed;
    private volatile String lastProblem = "";
    private volatile boolean formatOneSwept;

    KeyRingCoordinator(SecretStore store, ServerKeyRing ring, Clock clock, String nodeId, Duration timeout) {
        this.store = store;
        this.ring = ring;
        this.clock = clock;
        this.nodeId = nodeId;
        this.timeout = timeout;
        this.heartbeat = timeout.dividedBy(4);
    }

    String nodeId() {
        return nodeId;
    }

    /**
     * Registers this node; the strict check of a start.
     *
     * @throws ConfigurationException naming the {@code secrets.serverKey.<id>} setting that is wrong
     */
    void start() {
        register(true);
    }

    /** Registers again if the last registration is a quarter of the node timeout old; one thread does it. */
    void heartbeatIfDue() {
        if (closed || clock.instant().isBefore(lastRegistered.plus(heartbeat))) {
            return;
        }
        if (registering.compareAndSet(false, true)) {
            try {
                register(false);
            } finally {
                registering.set(false);
            }
        }
    }

    /** Registers again now. */
    void heartbeat() {
        register(false);
    }

    private ClusterKeyRing decode(Optional<KeyRingRecord> record) {
        return record.map(r -> ClusterKeyRing.decode(r.content())).orElse(ClusterKeyRing.EMPTY);
    }

    private void register(boolean strict) {
        change(current -> {
            List<String> problems = current.problemsFor(ring);
            if (problems.isEmpty()) {
                lastProblem = "";
                return current.register(nodeId, instance, ring, clock.instant(), timeout, strict);
            }
            String message = String.join("; ", problems);
            if (strict) {
                throw new ConfigurationException(message);
            }
            // Running already: keep serving what this node can, but stop counting as a node that holds
            // the cluster's keys, so that no rotation waits for it or relies on it.
            if (!message.equals(lastProblem)) {
                lastProblem = message;
                LOG.error("secrets node {} no longer matches the cluster's key ring and is not registered: {}", nodeId,
                        message);
            }
            return current.deregister(nodeId, instance, clock.instant(), timeout);
        });
        lastRegistered = clock.instant();
    }

    /** Removes this node from the record; a failure is logged, as the entry expires anyway. */
    void close() {
        closed = true;
        try {
            change(current -> current.deregister(nodeId, instance, clock.instant(), timeout));
        } catch (RuntimeException e) {
            LOG.warn("secrets node {} could not deregister from the key ring; its entry expires after {}: {}", nodeId,
                    timeout, e.toString());
        }
    }

    /**
     * This node's keys with the cluster's primary as primary: what seals new envelopes.
     *
     * @throws KeyUnavailableException if this node lacks the cluster's primary key
     */
    ServerKeyRing sealing() {
        ClusterKeyRing current = decode(store.findKeyRing());
        if (current.primary().isEmpty()) {
            register(false); // the record was removed under us: set it up again
            current = decode(store.findKeyRing());
        }
        String primary = current.primary().orElse(ring.primaryId());
        if (!ring.contains(primary)) {
            throw new KeyUnavailableException(primary, "Server key '" + primary + "' is the cluster's primary key, but "
                    + "it is not configured on node " + nodeId + " (configured: " + ring.ids() + "): add "
                    + "secrets.serverKey." + primary + " to this node");
        }
        return ring.withPrimary(primary);
    }

    /**
     * Whether a sweep found no server-key envelope of format 1 left; once true it stays true, so
     * this reads the store only until it is.
     */
    boolean formatOneSwept() {
        if (!formatOneSwept) {
            formatOneSwept = decode(store.findKeyRing()).formatOneSwept();
        }
        return formatOneSwept;
    }

    /** Records that no server-key envelope of format 1 is left. */
    void markFormatOneSwept() {
        if (!formatOneSwept()) {
            change(ClusterKeyRing::withFormatOneSwept);
            formatOneSwept = true;
        }
    }

    /** Marks {@code keyId} RETIRED; the caller has checked that nothing is sealed with it. */
    void retire(String keyId) {
        change(current -> current.retire(keyId, clock.instant(), timeout));
    }

    KeyRingStatus status() {
        return decode(store.findKeyRing()).status(clock.instant(), timeout);
    }

    private void change(UnaryOperator<ClusterKeyRing> change) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<KeyRingRecord> record = store.findKeyRing();
            ClusterKeyRing current = decode(record);
            ClusterKeyRing next = change.apply(current);
            byte[] encoded = next.encode();
            if (record.isPresent() && Arrays.equals(encoded, record.get().content())) {
                return; // nothing changed: no write
            }
            if (store.replaceKeyRing(record.map(KeyRingRecord::version).orElse(0L), encoded)) {
                if (!next.primary().equals(current.primary()) && next.primary().isPresent()) {
                    LOG.info("secrets key ring: server key '{}' is now the primary key (was {}), agreed by nodes {}",
                            next.primary().get(), current.primary().orElse("none"), next.nodes().keySet());
                }
                return;
            }
        }
        throw new BackendUnavailableException("secret store key ring", "cannot update the key-ring record: other "
                + "nodes changed it " + ATTEMPTS + " times in a row", null);
    }

    @Override
    public String toString() {
        return "KeyRingCoordinator[node=" + nodeId + ", keys=" + ring.ids() + ", configured primary="
                + ring.primaryId() + "]";
    }
}
