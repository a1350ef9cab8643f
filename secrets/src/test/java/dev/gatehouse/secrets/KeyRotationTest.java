package dev.gatehouse.secrets;

import static dev.gatehouse.secrets.Fixtures.ORG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.testing.MutableClock;
import dev.gatehouse.secrets.KeyRingStatus.KeyState;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.store.SecretStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 item 2: rotating the server key on several nodes sharing one store. The cluster's primary
 * key moves only when every live node is configured with it; a node that lacks a key the cluster
 * uses cannot start; a node that meets an envelope under a key it lacks gets a
 * {@link KeyUnavailableException} (503) naming the key; and a key can be removed only after it was
 * retired, which needs every secret moved off it. The last test is the README's procedure.
 */
class KeyRotationTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final byte[] k1 = ServerKeyRing.generateKeyMaterial();
    private final byte[] k2 = ServerKeyRing.generateKeyMaterial();
    private final MutableClock clock = MutableClock.atEpochOfTests();
    private final SecretStore store = SecretStore.inMemory();
    private final Caller alice = Fixtures.member();

    private ServerKeyRing keys(String primary, String... ids) {
        Map<String, byte[]> material = new TreeMap<>();
        for (String id : ids) {
            material.put(id, id.equals("k1") ? k1 : k2);
        }
        return ServerKeyRing.of(primary, material);
    }

    private SecretManager node(String id, ServerKeyRing ring) {
        return SecretManager.builder().store(store).keyRing(ring).clock(clock).nodeId(id).nodeTimeout(TIMEOUT).build();
    }

    private void create(SecretManager node, String name, String value) {
        node.create(alice, NewSecret.builder(ORG, name, SecretValue.ofString(value)).build());
    }

    private String read(SecretManager node, String name) {
        return ((SecretValue.Data) node.read(alice, ORG, name)).asString();
    }

    @Test
    void aKeyBecomesPrimaryOnlyWhenEveryLiveNodeIsConfiguredWithIt() {
        SecretManager a = node("a", keys("k1", "k1"));
        SecretManager b = node("b", keys("k2", "k1", "k2"));
        // b would like k2, but a cannot read it: the cluster keeps sealing with k1, on b too
        assertThat(b.keyRing().primary()).contains("k1");
        create(b, "from-b", "1");
        assertThat(b.metadata(alice, ORG, "from-b").serverKeyId()).contains("k1");
        assertThat(read(a, "from-b")).isEqualTo("1");

        a = restart(a, "a", keys("k1", "k1", "k2")); // a learns k2, still configured with k1
        assertThat(a.keyRing().primary()).contains("k1");
        assertThat(a.keyRing().keys()).containsEntry("k2", KeyState.NEW);

        a = restart(a, "a", keys("k2", "k1", "k2")); // now every live node names k2
        KeyRingStatus status = b.keyRing();
        assertThat(status.primary()).contains("k2");
        assertThat(status.keys()).containsEntry("k1", KeyState.OLD).containsEntry("k2", KeyState.PRIMARY);
        create(b, "after", "2");
        assertThat(b.metadata(alice, ORG, "after").serverKeyId()).contains("k2");
        assertThat(read(a, "after")).isEqualTo("2");
        assertThat(read(a, "from-b")).isEqualTo("1");
    }

    /** A restart under the same node id: the new instance takes the node's entry over, then the old one stops. */
    private SecretManager restart(SecretManager old, String id, ServerKeyRing ring) {
        SecretManager replacement = node(id, ring);
        old.close();
        return replacement;
    }

    @Test
    void aNodeThatLacksTheClusterPrimaryCannotStart() {
        node("a", keys("k1", "k1"));
        assertThatThrownBy(() -> node("b", keys("k2", "k2")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("secrets.serverKey.k1: missing on this node")
                .hasMessageContaining("it is the primary key");
    }

    @Test
    void aNodeWithOtherMaterialUnderAKnownIdCannotStart() {
        node("a", keys("k1", "k1"));
        ServerKeyRing impostor = ServerKeyRing.of("k1", Map.of("k1", ServerKeyRing.generateKeyMaterial()));
        assertThatThrownBy(() -> node("b", impostor))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("secrets.serverKey.k1: this node's key differs");
    }

    @Test
    void aNodeWhoseRegistrationLapsedGetsA503NamingTheKeyItLacks() {
        SecretManager stale = node("stale", keys("k1", "k1"));
        SecretManager fresh = node("fresh", keys("k2", "k1", "k2"));
        assertThat(fresh.keyRing().primary()).contains("k1"); // "stale" is live and lacks k2
        // "stale" stays idle beyond the node timeout: it no longer counts, and k2 becomes primary
        clock.advance(TIMEOUT.plusMinutes(1));
        fresh.heartbeat();
        assertThat(fresh.keyRing().primary()).contains("k2");
        assertThat(fresh.keyRing().nodes()).extracting(KeyRingStatus.Node::nodeId).containsExactly("fresh");
        create(fresh, "new-secret", "v");

        assertThatThrownBy(() -> stale.read(alice, ORG, "new-secret"))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining("'k2'")
                .satisfies(e -> assertThat(((KeyUnavailableException) e).keyId()).isEqualTo("k2"))
                .satisfies(e -> assertThat(((SecretException) e).kind()).isEqualTo(Kind.KEY_UNAVAILABLE));
        // nor can it seal: the cluster's primary is a key it was not given
        assertThatThrownBy(() -> create(stale, "from-stale", "x"))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining("Server key 'k2' is the cluster's primary key")
                .hasMessageContaining("node stale");
        // and its heartbeat does not register it again, so it never holds up or takes part in a rotation
        assertThat(fresh.keyRing().nodes()).extracting(KeyRingStatus.Node::nodeId).containsExactly("fresh");
    }

    @Test
    void aKeyIsRetiredOnlyWhenNothingIsSealedWithItAndOnlyThenMayANodeDropIt() {
        SecretManager a = node("a", keys("k1", "k1"));
        create(a, "one", "1");
        a.encryptedStrings().encrypt(ORG, "proj", "inline");
        a = restart(a, "a", keys("k2", "k1", "k2"));
        assertThat(a.keyRing().primary()).contains("k2");

        SecretManager sole = a;
        assertThatThrownBy(() -> sole.retireKey("k2")).hasMessageContaining("is the primary key");
        assertThatThrownBy(() -> sole.retireKey("k1"))
                .isInstanceOf(SecretException.class)
                .hasMessageContaining("still seals 1 secret(s) and 1 project key(s)")
                .satisfies(e -> assertThat(((SecretException) e).kind()).isEqualTo(Kind.CONFLICT));
        assertThatThrownBy(() -> node("b", keys("k2", "k2")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("secrets.serverKey.k1: missing on this node")
                .hasMessageContaining("state OLD");

        assertThat(a.reencryptAll()).isEqualTo(new ReencryptionReport(1, 1, 0, 0, 0, 1, 0));
        a.retireKey("k1");
        assertThat(a.keyRing().keys()).containsEntry("k1", KeyState.RETIRED);
        assertThat(a.keyRing().removable("k1")).isTrue();
        SecretManager b = node("b", keys("k2", "k2"));
        assertThat(read(b, "one")).isEqualTo("1");
    }

    @Test
    void aKeyANodeIsStillConfiguredToPreferCannotBeRetired() {
        SecretManager a = node("a", keys("k1", "k1", "k2"));
        node("b", keys("k2", "k1", "k2"));
        assertThatThrownBy(() -> a.retireKey("k2"))
                .isInstanceOf(SecretException.class)
                .hasMessageContaining("node b is configured with it as its primary");
        assertThatThrownBy(() -> a.retireKey("nope")).hasMessageContaining("No server key 'nope' is registered");
    }

    @Test
    void aClosedNodeNoLongerHoldsUpARotation() {
        SecretManager a = node("a", keys("k1", "k1"));
        SecretManager b = node("b", keys("k2", "k1", "k2"));
        assertThat(b.keyRing().primary()).contains("k1");
        a.close();
        assertThat(b.keyRing().primary()).contains("k2");
        assertThat(b.keyRing().nodes()).extracting(KeyRingStatus.Node::nodeId).containsExactly("b");
    }

    @Test
    void theReadmeProcedureKeepsEveryReadWorkingOnTwoNodes() {
        // Before: two nodes with key "old".
        SecretManager a = node("a", keys("k1", "k1"));
        SecretManager b = node("b", keys("k1", "k1"));
        create(a, "sec1", "v1");
        create(b, "sec2", "v2");
        String enc = a.encryptedStrings().encrypt(ORG, "proj", "inline");
        List<String> names = List.of("sec1", "sec2");
        everyNodeReadsEverything(List.of(a, b), names, enc);

        // 1. Every node learns the new key, read-only: add secrets.serverKey.k2, keep primary=k1, restart one by one.
        a = restart(a, "a", keys("k1", "k1", "k2"));
        everyNodeReadsEverything(List.of(a, b), names, enc);
        b = restart(b, "b", keys("k1", "k1", "k2"));
        everyNodeReadsEverything(List.of(a, b), names, enc);
        assertThat(a.keyRing().primary()).contains("k1");
        assertThat(a.keyRing().nodes()).allSatisfy(n -> assertThat(n.keyIds()).contains("k2"));

        // 2. The new key becomes primary: set secrets.serverKey.primary=k2, restart one by one.
        a = restart(a, "a", keys("k2", "k1", "k2"));
        create(a, "sec3", "v3"); // still sealed with k1: b is not configured with k2 yet
        assertThat(a.metadata(alice, ORG, "sec3").serverKeyId()).contains("k1");
        everyNodeReadsEverything(List.of(a, b), List.of("sec1", "sec2", "sec3"), enc);
        b = restart(b, "b", keys("k2", "k1", "k2"));
        assertThat(b.keyRing().primary()).contains("k2");
        create(b, "sec4", "v4");
        assertThat(b.metadata(alice, ORG, "sec4").serverKeyId()).contains("k2");
        List<String> all = List.of("sec1", "sec2", "sec3", "sec4");
        everyNodeReadsEverything(List.of(a, b), all, enc);

        // 3. The sweep, until it moves and fails nothing.
        assertThat(a.reencryptAll()).isEqualTo(new ReencryptionReport(4, 3, 1, 0, 0, 1, 0));
        assertThat(b.reencryptAll()).isEqualTo(new ReencryptionReport(4, 0, 4, 0, 0, 0, 0));
        everyNodeReadsEverything(List.of(a, b), all, enc);

        // 4. The old key goes: retire it, then remove secrets.serverKey.k1 and restart one by one.
        a.retireKey("k1");
        a = restart(a, "a", keys("k2", "k2"));
        everyNodeReadsEverything(List.of(a, b), all, enc);
        b = restart(b, "b", keys("k2", "k2"));
        everyNodeReadsEverything(List.of(a, b), all, enc);
        assertThat(b.keyRing().keys()).containsOnlyKeys("k2");
        for (String n : all) {
            assertThat(b.metadata(alice, ORG, n).serverKeyId()).contains("k2");
        }
    }

    private void everyNodeReadsEverything(List<SecretManager> nodes, List<String> names, String enc) {
        for (SecretManager n : nodes) {
            for (String name : names) {
                assertThat(read(n, name)).isEqualTo("v" + name.substring("sec".length()));
            }
            assertThat(n.encryptedStrings().decrypt(ORG, "proj", enc)).isEqualTo("inline");
        }
    }
}
