package dev.gatehouse.secrets.internal;

import dev.gatehouse.secrets.KeyRingStatus;
import dev.gatehouse.secrets.KeyRingStatus.KeyState;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The key-ring record every node of a store shares, as a value: which server keys exist (with
 * their check values and states), which one is primary, and which node holds which keys and names
 * which key as its configured primary. The rules of rotation are the transitions of this value:
 *
 * <ul>
 *   <li>A key id keeps the check value it was first registered with: a node with other material
 *       under the same id is refused.
 *   <li>The first node to register makes its configured primary the cluster's primary; its other
 *       keys are {@link KeyState#OLD} (they may seal data written before the record existed).
 *   <li>The primary moves to key {@code X} only when every live node names {@code X} as its
 *       configured primary, which implies that every live node holds {@code X}: a key that some
 *       live node cannot read never becomes primary. The key it replaces becomes
 *       {@link KeyState#OLD}.
 *   <li>An OLD key becomes {@link KeyState#RETIRED} only through {@link #retire}, which the manager
 *       calls after checking that no envelope uses it; only then may a node start without it.
 *   <li>A node is live while it registered within the node timeout; NEW and RETIRED keys that no
 *       live node holds are forgotten.
 *   <li>Once a sweep has moved every server-key envelope to format 2, {@link #formatOneSwept()}
 *       stays true: a server-key envelope of format 1 found later was put back, and is refused.
 * </ul>
 *
 * Immutable, thread-safe.
 */
final class ClusterKeyRing {

    private static final byte[] MAGIC = {'G', 'H', 'K'};
    private static final int FORMAT = 1;

    record Key(String checkValue, KeyState state) {}

    record Node(String instance, Set<String> keyIds, String configuredPrimary, Instant lastSeen) {
        Node {
            keyIds = Set.copyOf(keyIds);
        }
    }

    static final ClusterKeyRing EMPTY = new ClusterKeyRing(Optional.empty(), Map.of(), Map.of(), false);

    private final Optional<String> primary;
    private final Map<String, Key> keys;
    private final Map<String, Node> nodes;
    private final boolean formatOneSwept;

    private ClusterKeyRing(Optional<String> primary, Map<String, Key> keys, Map<String, Node> nodes,
            boolean formatOneSwept) {
        this.primary = primary;
        this.keys = Map.copyOf(keys);
        this.nodes = Map.copyOf(nodes);
        this.formatOneSwept = formatOneSwept;
    }

    /** Whether a sweep found no server-key envelope of format 1 left. */
    boolean formatOneSwept() {
        return formatOneSwept;
    }

    /** This record noting that no server-key envelope of format 1 is left. */
    ClusterKeyRing withFormatOneSwept() {
        return new ClusterKeyRing(primary, keys, nodes, true);
    }

    Optional<String> primary() {
        return primary;
    }

    Map<String, Key> keys() {
        return keys;
    }

    Map<String, Node> nodes() {
        return nodes;
    }

    /** What is wrong with starting a node with {@code ring}: a key whose material differs, a key in use it lacks. */
    List<String> problemsFor(ServerKeyRing ring) {
        List<String> problems = new ArrayList<>();
        for (String id : ring.ids()) {
            Key k = keys.get(id);
            if (k != null && !k.checkValue().equals(ring.checkValue(id))) {
                problems.add("secrets.serverKey." + id + ": this node's key differs from the one the other nodes "
                        + "registered under id '" + id + "' (check value " + ring.checkValue(id) + ", registered "
                        + k.checkValue() + "); give every node the same material for one id");
            }
        }
        for (Map.Entry<String, Key> e : new TreeMap<>(keys).entrySet()) {
            KeyState state = e.getValue().state();
            if ((state == KeyState.PRIMARY || state == KeyState.OLD) && !ring.contains(e.getKey())) {
                problems.add("secrets.serverKey." + e.getKey() + ": missing on this node, but the cluster "
                        + (state == KeyState.PRIMARY ? "seals new secrets with it (it is the primary key); add it"
                                : "may still have secrets sealed with it (state OLD); add it, or finish the rotation "
                                        + "first (reencryptAll(), then retireKey(\"" + e.getKey()
                                        + "\") on a node that has it)"));
            }
        }
        return problems;
    }

    /**
     * This record with node {@code nodeId} (instance {@code instance}) registered as holding
     * {@code ring} at {@code now}, nodes unseen for {@code timeout} dropped, and the primary moved
     * if the live nodes now agree. Call {@link #problemsFor} first: this does not check.
     *
     * @param takeOver whether to replace an entry of {@code nodeId} that another instance holds (a
     *     start does: the node was restarted); a heartbeat does not, so an instance that is being
     *     replaced never overwrites its successor
     */
    ClusterKeyRing register(String nodeId, String instance, ServerKeyRing ring, Instant now, Duration timeout,
            boolean takeOver) {
        Node existing = nodes.get(nodeId);
        if (!takeOver && existing != null && !existing.instance().equals(instance) && live(existing, now, timeout)) {
            return settle(primary, new TreeMap<>(keys), new TreeMap<>(nodes), now, timeout, formatOneSwept);
        }
        Map<String, Key> k = new TreeMap<>(keys);
        Optional<String> p = primary;
        if (p.isEmpty()) {
            p = Optional.of(ring.primaryId());
            for (String id : ring.ids()) {
                k.put(id, new Key(ring.checkValue(id), id.equals(ring.primaryId()) ? KeyState.PRIMARY : KeyState.OLD));
            }
        }
        for (String id : ring.ids()) {
            k.putIfAbsent(id, new Key(ring.checkValue(id), KeyState.NEW));
        }
        Map<String, Node> n = new TreeMap<>(nodes);
        n.put(nodeId, new Node(instance, new TreeSet<>(ring.ids()), ring.primaryId(), now));
        return settle(p, k, n, now, timeout, formatOneSwept);
    }

    /** This record without node {@code nodeId}, if instance {@code instance} still holds that entry. */
    ClusterKeyRing deregister(String nodeId, String instance, Instant now, Duration timeout) {
        Map<String, Node> n = new TreeMap<>(nodes);
        Node mine = n.get(nodeId);
        if (mine != null && mine.instance().equals(instance)) {
            n.remove(nodeId);
        }
        return settle(primary, new TreeMap<>(keys), n, now, timeout, formatOneSwept);
    }

    /** Whether instance {@code instance} holds node {@code nodeId}'s entry, live at {@code now}. */
    boolean registered(String nodeId, String instance, Instant now, Duration timeout) {
        Node mine = nodes.get(nodeId);
        return mine != null && mine.instance().equals(instance) && live(mine, now, timeout);
    }

    /**
     * This record with {@code keyId} RETIRED.
     *
     * @throws SecretException CONFLICT if it is the primary or a live node names it as its primary;
     *     INVALID_INPUT if no such key is registered
     */
    ClusterKeyRing retire(String keyId, Instant now, Duration timeout) {
        Key key = keys.get(keyId);
        if (key == null) {
            throw new SecretException(Kind.INVALID_INPUT, "No server key '" + keyId + "' is registered (known: "
                    + new TreeSet<>(keys.keySet()) + ")");
        }
        if (primary.filter(keyId::equals).isPresent()) {
            throw new SecretException(Kind.CONFLICT, "Server key '" + keyId + "' is the primary key and cannot be "
                    + "retired: make another key primary first");
        }
        for (Map.Entry<String, Node> e : nodes.entrySet()) {
            if (live(e.getValue(), now, timeout) && e.getValue().configuredPrimary().equals(keyId)) {
                throw new SecretException(Kind.CONFLICT, "Server key '" + keyId + "' cannot be retired: node "
                        + e.getKey() + " is configured with it as its primary (secrets.serverKey.primary)");
            }
        }
        Map<String, Key> k = new TreeMap<>(keys);
        k.put(keyId, new Key(key.checkValue(), KeyState.RETIRED));
        return settle(primary, k, new TreeMap<>(nodes), now, timeout, formatOneSwept);
    }

    private static boolean live(Node node, Instant now, Duration timeout) {
        return !node.lastSeen().plus(timeout).isBefore(now);
    }

    /** Drops expired nodes and keys no live node holds that nothing depends on, then moves the primary if agreed. */
    private static ClusterKeyRing settle(Optional<String> primary, Map<String, Key> keys, Map<String, Node> nodes,
            Instant now, Duration timeout, boolean formatOneSwept) {
        nodes.values().removeIf(node -> !live(node, now, timeout));
        Set<String> held = new TreeSet<>();
        nodes.values().forEach(node -> held.addAll(node.keyIds()));
        keys.entrySet().removeIf(e -> (e.getValue().state() == KeyState.NEW || e.getValue().state() == KeyState.RETIRED)
                && !held.contains(e.getKey()));
        Set<String> wanted = new LinkedHashSet<>();
        nodes.values().forEach(node -> wanted.add(node.configuredPrimary()));
        if (wanted.size() == 1 && primary.isPresent()) {
            String next = wanted.iterator().next();
            if (!next.equals(primary.get()) && keys.containsKey(next)) {
                String previous = primary.get();
                Key old = keys.get(previous);
                if (old != null) {
                    keys.put(previous, new Key(old.checkValue(), KeyState.OLD));
                }
                keys.put(next, new Key(keys.get(next).checkValue(), KeyState.PRIMARY));
                primary = Optional.of(next);
            }
        }
        return new ClusterKeyRing(primary, keys, nodes, formatOneSwept);
    }

    /** What {@link dev.gatehouse.secrets.SecretManager#keyRing()} shows. */
    KeyRingStatus status(Instant now, Duration timeout) {
        Map<String, KeyState> states = new TreeMap<>();
        keys.forEach((id, k) -> states.put(id, k.state()));
        List<KeyRingStatus.Node> out = new ArrayList<>();
        for (Map.Entry<String, Node> e : new TreeMap<>(nodes).entrySet()) {
            Node node = e.getValue();
            out.add(new KeyRingStatus.Node(e.getKey(), node.keyIds(), node.configuredPrimary(), node.lastSeen(),
                    live(node, now, timeout)));
        }
        return new KeyRingStatus(primary, states, out);
    }

    byte[] encode() {
        Codec.Writer w = new Codec.Writer().raw(MAGIC).u8(FORMAT).string(primary.orElse("")).u8(formatOneSwept ? 1 : 0);
        w.u32(keys.size());
        for (Map.Entry<String, Key> e : new TreeMap<>(keys).entrySet()) {
            w.string(e.getKey()).string(e.getValue().checkValue()).u8(e.getValue().state().ordinal());
        }
        w.u32(nodes.size());
        for (Map.Entry<String, Node> e : new TreeMap<>(nodes).entrySet()) {
            Node node = e.getValue();
            w.string(e.getKey()).string(node.instance()).string(node.configuredPrimary())
                    .u64(node.lastSeen().getEpochSecond()).u32(node.lastSeen().getNano());
            w.u32(node.keyIds().size());
            new TreeSet<>(node.keyIds()).forEach(w::string);
        }
        return w.toByteArray();
    }

    /** @throws SecretException CORRUPTED if {@code b} is not a key-ring record */
    static ClusterKeyRing decode(byte[] b) {
        try {
            Codec.Reader r = new Codec.Reader(b);
            if (!Arrays.equals(r.raw(3), MAGIC) || r.u8() != FORMAT) {
                throw new SecretException(Kind.CORRUPTED, "The store's key-ring record is not of a known format");
            }
            String p = r.string();
            boolean swept = r.u8() == 1;
            Map<String, Key> keys = new TreeMap<>();
            long nk = r.u32();
            for (long i = 0; i < nk; i++) {
                String id = r.string();
                String check = r.string();
                int state = r.u8();
                if (state >= KeyState.values().length) {
                    throw new SecretException(Kind.CORRUPTED, "The store's key-ring record has an unknown key state");
                }
                keys.put(id, new Key(check, KeyState.values()[state]));
            }
            Map<String, Node> nodes = new TreeMap<>();
            long nn = r.u32();
            for (long i = 0; i < nn; i++) {
                String id = r.string();
                String instance = r.string();
                String configured = r.string();
                Instant seen = Instant.ofEpochSecond(r.u64(), r.u32());
                Set<String> ids = new TreeSet<>();
                long m = r.u32();
                for (long j = 0; j < m; j++) {
                    ids.add(r.string());
                }
                nodes.put(id, new Node(instance, ids, configured, seen));
            }
            return new ClusterKeyRing(p.isEmpty() ? Optional.empty() : Optional.of(p), keys, nodes, swept);
        } catch (Codec.Truncated e) {
            throw new SecretException(Kind.CORRUPTED, "The store's key-ring record is truncated");
        }
    }
}
