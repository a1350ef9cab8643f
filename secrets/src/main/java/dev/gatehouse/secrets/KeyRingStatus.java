package dev.gatehouse.secrets;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster's server keys as the store's key-ring record has them: which key seals new envelopes,
 * what state every key is in, and which node holds which keys. What an operator looks at while
 * rotating (see the module README, "Key rotation"); contains ids and times, never key material.
 * Immutable.
 *
 * @param primary the key that seals new envelopes on every node; empty before the first node registered
 * @param keys every registered key id and its state
 * @param nodes the nodes that registered, by id
 */
public record KeyRingStatus(Optional<String> primary, Map<String, KeyState> keys, List<Node> nodes) {

    /** Copies the collections. */
    public KeyRingStatus {
        Objects.requireNonNull(primary, "primary");
        keys = Map.copyOf(keys);
        nodes = List.copyOf(nodes);
    }

    /** Where a key is in its life. */
    public enum KeyState {
        /** Held by some node, never primary: nothing is sealed with it, and it may be dropped from any node. */
        NEW,
        /** Seals new envelopes; every node must hold it. */
        PRIMARY,
        /** Was primary (or predates the key ring): secrets may still be sealed with it; every node must hold it. */
        OLD,
        /** Checked to seal nothing any more ({@link SecretManager#retireKey}): nodes may drop it. */
        RETIRED
    }

    /**
     * One node of the cluster, as it last registered.
     *
     * @param nodeId the node's id ({@code secrets.nodeId}, or a random one per start)
     * @param keyIds the server keys it holds
     * @param configuredPrimary the key its {@code secrets.serverKey.primary} names; the cluster's primary
     *     moves to a key once every live node names it
     * @param lastSeen when it last registered
     * @param live whether it registered within the node timeout, so that it counts for rotation
     */
    public record Node(String nodeId, Set<String> keyIds, String configuredPrimary, Instant lastSeen, boolean live) {
        /** Copies the set. */
        public Node {
            Objects.requireNonNull(nodeId, "nodeId");
            keyIds = Set.copyOf(keyIds);
            Objects.requireNonNull(configuredPrimary, "configuredPrimary");
            Objects.requireNonNull(lastSeen, "lastSeen");
        }
    }

    /** Whether key {@code keyId} may be removed from every node's configuration: RETIRED or unknown. */
    public boolean removable(String keyId) {
        KeyState s = keys.get(keyId);
        return s == null || s == KeyState.RETIRED || s == KeyState.NEW;
    }
}
