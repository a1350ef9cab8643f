package dev.gatehouse.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.ConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretStoresTest {

    @Test
    void builtInStoresAreFoundThroughServiceLoader() {
        assertThat(SecretStores.open("memory", Map.of(), Map.of())).isNotNull();
    }

    @Test
    void anUnknownTypeListsTheKnownOnes() {
        assertThatThrownBy(() -> SecretStores.open("vault", Map.of(), Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no secret store of type 'vault'")
                .hasMessageContaining("memory").hasMessageContaining("file").hasMessageContaining("jdbc");
    }

    @Test
    void storeSettingsAreCheckedForTyposAndMissingServices() {
        assertThatThrownBy(() -> SecretStores.open("file", Map.of("pth", "/tmp"), Map.of()))
                .hasMessageContaining("secrets.store.pth: unknown setting");
        assertThatThrownBy(() -> SecretStores.open("file", Map.of(), Map.of()))
                .hasMessageContaining("secrets.store.path: required");
        assertThatThrownBy(() -> SecretStores.open("jdbc", Map.of(), Map.of()))
                .hasMessageContaining("needs a DataSource");
    }
}
