package dev.gatehouse.secrets.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.secrets.KeyRingStatus.KeyState;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of the key-ring record, as a value: registration, agreement on the primary, expiry, retirement. */
class ClusterKeyRingTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final byte[] k1 = ServerKeyRing.generateKeyMaterial();
    private final byte[] k2 = ServerKeyRing.generateKeyMaterial();
    private final ServerKeyRing onlyK1 = ServerKeyRing.of("k1", Map.of("k1", k1));
    private final ServerKeyRing bothPreferK1 = ServerKeyRing.of("k1", Map.of("k1", k1, "k2", k2));
    private final ServerKeyRing bothPreferK2 = ServerKeyRing.of("k2", Map.of("k1", k1, "k2", k2));

    private static ClusterKeyRing roundTrip(ClusterKeyRing r) {
        return ClusterKeyRing.decode(r.encode());
    }

    @Test
    void theFirstNodeBootstrapsThePrimaryAndItsOtherKeysCountAsInUse() {
        ClusterKeyRing r = ClusterKeyRing.EMPTY.register("a", "i1", bothPreferK2, T0, TIMEOUT, true);
        assertThat(r.primary()).contains("k2");
        assertThat(r.keys().get("k2").state()).isEqualTo(KeyState.PRIMARY);
        assertThat(r.keys().get("k1").state()).isEqualTo(KeyState.OLD);
        assertThat(roundTrip(r).encode()).isEqualTo(r.encode());
    }

    @Test
    void thePrimaryMovesOnlyWhenEveryLiveNodeNamesTheSameKey() {
        ClusterKeyRing r = ClusterKeyRing.EMPTY.register("a", "i1", onlyK1, T0, TIMEOUT, true);
        r = roundTrip(r.register("b", "i2", bothPreferK2, T0, TIMEOUT, true));
        assertThat(r.primary()).contains("k1");
        assertThat(r.keys().get("k2").state()).isEqualTo(KeyState.NEW);
        r = roundTrip(r.register("a", "i3", bothPreferK1, T0, TIMEOUT, true));
        assertThat(r.primary()).contains("k1");
        r = roundTrip(r.register("a", "i4", bothPreferK2, T0, TIMEOUT, true));
        assertThat(r.primary()).contains("k2");
        assertThat(r.keys().get("k1").state()).isEqualTo(KeyState.OLD);
    }

    @Test
    void anExpiredNodeStopsCountingAndAHeartbeatNeverTakesOverARestartedNodesEntry() {
        ClusterKeyRing r = ClusterKeyRing.EMPTY.register("a", "i1", onlyK1, T0, TIMEOUT, true)
                .register("b", "i2", bothPreferK2, T0, TIMEOUT, true);
        assertThat(r.primary()).contains("k1");
        Instant later = T0.plus(TIMEOUT).plusSeconds(1);
        r = r.register("b", "i2", bothPreferK2, later, TIMEOUT, false);
        assertThat(r.nodes()).containsOnlyKeys("b");
        assertThat(r.primary()).contains("k2");
        // "b" restarted as instance i5; the old instance's heartbeat leaves the new entry alone
        r = r.register("b", "i5", bothPreferK2, later, TIMEOUT, true).register("b", "i2", bothPreferK1, later, TIMEOUT, false);
        assertThat(r.nodes().get("b").instance()).isEqualTo("i5");
        assertThat(r.deregister("b", "i2", later, TIMEOUT).nodes()).containsOnlyKeys("b");
        assertThat(r.registered("b", "i5", later, TIMEOUT)).isTrue();
    }

    @Test
    void problemsNameTheSettingAndNeverTheKey() {
        ClusterKeyRing r = ClusterKeyRing.EMPTY.register("a", "i1", bothPreferK2, T0, TIMEOUT, true);
        ServerKeyRing impostor = ServerKeyRing.of("k2", Map.of("k2", ServerKeyRing.generateKeyMaterial()));
        assertThat(r.problemsFor(impostor)).anySatisfy(p -> assertThat(p).startsWith("secrets.serverKey.k2: this node's key differs"))
                .anySatisfy(p -> assertThat(p).startsWith("secrets.serverKey.k1: missing on this node"));
        assertThat(r.problemsFor(bothPreferK1)).isEmpty();
    }

    @Test
    void onlyAnOldKeyNobodyPrefersCanBeRetiredAndARetiredKeyNoOneHoldsIsForgotten() {
        ClusterKeyRing r = ClusterKeyRing.EMPTY.register("a", "i1", onlyK1, T0, TIMEOUT, true)
                .register("a", "i1", bothPreferK2, T0, TIMEOUT, true);
        assertThat(r.primary()).contains("k2");
        ClusterKeyRing current = r;
        assertThatThrownBy(() -> current.retire("k2", T0, TIMEOUT)).isInstanceOf(SecretException.class)
                .hasMessageContaining("is the primary key");
        r = r.retire("k1", T0, TIMEOUT);
        assertThat(r.keys().get("k1").state()).isEqualTo(KeyState.RETIRED);
        assertThat(r.problemsFor(ServerKeyRing.of("k2", Map.of("k2", k2)))).isEmpty();
        r = r.register("a", "i1", ServerKeyRing.of("k2", Map.of("k2", k2)), T0, TIMEOUT, true);
        assertThat(r.keys()).containsOnlyKeys("k2");
    }

    @Test
    void theSweptFlagSurvivesEveryChange() {
        ClusterKeyRing r = ClusterKeyRing.EMPTY.register("a", "i1", onlyK1, T0, TIMEOUT, true).withFormatOneSwept();
        r = roundTrip(r.register("b", "i2", onlyK1, T0, TIMEOUT, true).deregister("b", "i2", T0, TIMEOUT));
        assertThat(r.formatOneSwept()).isTrue();
    }
}
