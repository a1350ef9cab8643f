package dev.gatehouse.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.testing.H2Database;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.store.SecretStore;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in stores through {@link SecretsConfig#openStore}: found by type with ServiceLoader, settings checked. */
class SecretStoresTest {

    @TempDir
    Path dir;

    private static SecretsConfig config(String... keyValues) {
        Properties p = new Properties();
        p.setProperty("secrets.serverKey.k1", Base64.getEncoder().encodeToString(ServerKeyRing.generateKeyMaterial()));
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return SecretsConfig.from(p, n -> null);
    }

    @Test
    void builtInStoresAreFoundThroughServiceLoader() {
        assertThat(config().openStore(Map.of())).isNotNull();
        assertThat(config("secrets.store", "memory").openStore(Map.of())).isNotNull();
        assertThat(config("secrets.store", "file", "secrets.store.path", dir.toString()).openStore(Map.of())).isNotNull();
    }

    @Test
    void anUnknownTypeListsTheKnownOnes() {
        assertThatThrownBy(() -> config("secrets.store", "vault").openStore(Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no secret store of type 'vault'")
                .hasMessageContaining("memory").hasMessageContaining("file").hasMessageContaining("jdbc");
    }

    @Test
    void storeSettingsAreCheckedForTyposAndMissingServices() {
        assertThatThrownBy(() -> config("secrets.store", "file", "secrets.store.pth", "/tmp").openStore(Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("secrets.store.path: required");
        assertThatThrownBy(() -> config("secrets.store", "file", "secrets.store.path", dir.toString(),
                "secrets.store.pth", "/tmp").openStore(Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown setting: secrets.store.pth");
        assertThatThrownBy(() -> config("secrets.store", "jdbc").openStore(Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("needs a DataSource");
        assertThatThrownBy(() -> config("secrets.store", "jdbc", "secrets.store.applySchema", "maybe")
                .openStore(Map.of(DataSource.class, H2Database.create())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("secrets.store.applySchema: expected true or false");
    }

    @Test
    void theOldSchemaSettingNameIsRefusedAsUnknown() {
        assertThatThrownBy(() -> config("secrets.store", "jdbc", "secrets.store.migrate", "false")
                .openStore(Map.of(DataSource.class, H2Database.create())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown setting: secrets.store.migrate");
    }

    @Test
    void theJdbcStoreAppliesItsSchemaUnlessToldNotTo() {
        DataSource ds = H2Database.create();
        SecretStore bare = config("secrets.store", "jdbc", "secrets.store.applySchema", "false")
                .openStore(Map.of(DataSource.class, ds));
        assertThatThrownBy(() -> bare.find("acme", "x")).isInstanceOf(BackendUnavailableException.class);
        SecretStore applied = config("secrets.store", "jdbc").openStore(Map.of(DataSource.class, ds));
        assertThat(applied.find("acme", "x")).isEmpty();
    }
}
