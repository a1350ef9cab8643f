package dev.gatehouse.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Settings;
import dev.gatehouse.secrets.crypto.Argon2Parameters;
import dev.gatehouse.secrets.crypto.SecretEnvelope;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ServerKeyRingTest {

    private static Properties properties(Map<String, String> values) {
        Properties p = new Properties();
        p.putAll(values);
        return p;
    }

    private static ServerKeyRing ring(Map<String, String> values, UnaryOperator<String> env) {
        return ServerKeyRing.fromSettings(Settings.from(properties(values), "secrets", env));
    }

    private static SecretsConfig config(Map<String, String> values, UnaryOperator<String> env) {
        return SecretsConfig.from(properties(values), env);
    }

    private static String key() {
        return Base64.getEncoder().encodeToString(ServerKeyRing.generateKeyMaterial());
    }

    @Test
    void aSingleConfiguredKeyIsThePrimary() {
        ServerKeyRing ring = ring(Map.of("secrets.serverKey.k1", key()), n -> null);
        assertThat(ring.primaryId()).isEqualTo("k1");
        assertThat(ring.ids()).containsExactly("k1");
    }

    @Test
    void keysComeFromTheEnvironment() {
        String material = key();
        ServerKeyRing ring = ring(Map.of("secrets.serverKey.prod", "${env:GH_KEY}"),
                n -> n.equals("GH_KEY") ? material : null);
        ServerKeyRing direct = ring(Map.of("secrets.serverKey.prod", material), n -> null);
        byte[] env = SecretEnvelope.withServerKeys(ring).seal(new byte[] {1, 2, 3}, new byte[0]);
        assertThat(SecretEnvelope.withServerKeys(direct).open(env, new byte[0])).containsExactly(1, 2, 3);
        assertThat(ring.checkValue("prod")).isEqualTo(direct.checkValue("prod"));
    }

    @Test
    void aMissingEnvironmentVariableNamesTheSetting() {
        assertThatThrownBy(() -> ring(Map.of("secrets.serverKey.prod", "${env:NOPE}"), n -> null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("secrets.serverKey.prod")
                .hasMessageContaining("NOPE");
    }

    @Test
    void keysShorterThan256BitsAreRefusedWithoutShowingThem() {
        String shortKey = Base64.getEncoder().encodeToString("sixteen byte key".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> ring(Map.of("secrets.serverKey.k1", shortKey), n -> null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("secrets.serverKey.k1: must be at least 256 bits")
                .hasMessageNotContaining(shortKey);
    }

    @Test
    void notBase64IsRefused() {
        assertThatThrownBy(() -> ring(Map.of("secrets.serverKey.k1", "not base64!!"), n -> null))
                .hasMessageContaining("not valid base64");
    }

    @Test
    void severalKeysNeedAPrimaryThatExists() {
        assertThatThrownBy(() -> ring(
                Map.of("secrets.serverKey.a", key(), "secrets.serverKey.b", key()), n -> null))
                .hasMessageContaining("secrets.serverKey.primary: required");
        assertThatThrownBy(() -> ring(
                Map.of("secrets.serverKey.a", key(), "secrets.serverKey.primary", "c"), n -> null))
                .hasMessageContaining("names key 'c', which is not configured");
        ServerKeyRing ring = ring(
                Map.of("secrets.serverKey.a", key(), "secrets.serverKey.b", key(), "secrets.serverKey.primary", "b"),
                n -> null);
        assertThat(ring.primaryId()).isEqualTo("b");
    }

    @Test
    void noKeyAtAllIsRefused() {
        assertThatThrownBy(() -> ring(Map.of(), n -> null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("secrets.serverKey.<id>: required");
    }

    @Test
    void toStringShowsIdsButNoKeyMaterial() {
        String material = key();
        ServerKeyRing ring = ring(Map.of("secrets.serverKey.k1", material), n -> null);
        assertThat(ring.toString()).contains("k1").doesNotContain(material);
    }

    @Test
    void configReadsEverySettingAndRefusesUnknownOnes() {
        SecretsConfig c = config(Map.of("secrets.serverKey.k1", key(), "secrets.argon2.memoryKiB", "65536",
                "secrets.argon2.iterations", "3", "secrets.password.minLength", "12", "secrets.password.requireDigit", "false",
                "secrets.maxSize", "4096", "secrets.store", "file", "secrets.store.path", "/tmp/x", "other.key", "ignored"),
                n -> null);
        assertThat(c.argon2()).isEqualTo(new Argon2Parameters(65536, 3, 1));
        assertThat(c.passwordPolicy()).isEqualTo(new PasswordPolicy(12, true, true, false));
        assertThat(c.maxValueBytes()).isEqualTo(4096);
        assertThat(c.storeType()).isEqualTo("file");
        assertThat(c.storeSettings()).containsEntry("path", "/tmp/x");
        assertThatThrownBy(() -> config(Map.of("secrets.serverKey.k1", key(), "secrets.maxSzie", "1"), n -> null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("secrets.maxSzie");
    }

    @Test
    void configRefusesArgon2BelowOwaspMinimum() {
        assertThatThrownBy(() -> config(Map.of("secrets.serverKey.k1", key(), "secrets.argon2.memoryKiB", "8192"),
                n -> null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("secrets.argon2");
    }

    @Test
    void configReadsTheNodeSettings() {
        SecretsConfig c = config(Map.of("secrets.serverKey.k1", key(), "secrets.nodeId", "host-1.example",
                "secrets.nodeTimeout", "2m"), n -> null);
        assertThat(c.nodeId()).contains("host-1.example");
        assertThat(c.nodeTimeout()).isEqualTo(Duration.ofMinutes(2));
        SecretsConfig defaults = config(Map.of("secrets.serverKey.k1", key()), n -> null);
        assertThat(defaults.nodeId()).isEmpty();
        assertThat(defaults.nodeTimeout()).isEqualTo(SecretsConfig.DEFAULT_NODE_TIMEOUT);
        assertThatThrownBy(() -> config(Map.of("secrets.serverKey.k1", key(), "secrets.nodeId", "no spaces"), n -> null))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("secrets.nodeId: must be");
        assertThatThrownBy(() -> config(Map.of("secrets.serverKey.k1", key(), "secrets.nodeTimeout", "1s"), n -> null))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("secrets.nodeTimeout: must be at least");
    }
}
