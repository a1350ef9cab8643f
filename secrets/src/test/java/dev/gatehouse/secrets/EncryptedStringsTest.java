package dev.gatehouse.secrets;

import static dev.gatehouse.secrets.SecretManagerTest.assertKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.crypto.SecretEnvelope;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.store.SecretStore;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EncryptedStringsTest {

    private final SecretStore store = SecretStore.inMemory();
    private final ServerKeyRing ring = ServerKeyRing.generate("k1");
    private final EncryptedStrings strings = Fixtures.manager(store, ring).encryptedStrings();

    @Test
    void aValueEncryptedForAProjectDecryptsForThatProject() {
        String enc = strings.encrypt("acme", "payments", "Grüße, world");
        assertThat(enc).startsWith("gh1.").doesNotContain("world");
        assertThat(strings.decrypt("acme", "payments", enc)).isEqualTo("Grüße, world");
        assertThat(strings.decrypt("acme", "payments", strings.encrypt("acme", "payments", ""))).isEmpty();
    }

    @Test
    void encryptingTheSameValueTwiceGivesDifferentStrings() {
        assertThat(strings.encrypt("acme", "payments", "same")).isNotEqualTo(strings.encrypt("acme", "payments", "same"));
    }

    @Test
    void theStringIsCompact() {
        // gh1. + base64url(4 + 12 + n + 16)
        assertThat(strings.encrypt("acme", "payments", "12345678")).hasSize(4 + (int) Math.ceil((4 + 12 + 8 + 16) * 4 / 3.0));
    }

    @Test
    void aStringOfAnotherProjectOrOrgIsRefusedClearly() {
        String enc = strings.encrypt("acme", "payments", "v");
        strings.encrypt("acme", "billing", "make the key exist");
        assertThatThrownBy(() -> strings.decrypt("acme", "billing", enc))
                .isInstanceOf(SecretException.class)
                .hasMessageContaining("belongs to another project");
        assertKind(() -> strings.decrypt("other", "payments", enc), Kind.ACCESS_DENIED);
        assertKind(() -> strings.decrypt("acme", "never-used", enc), Kind.ACCESS_DENIED);
    }

    @Test
    void aValueThatIsNotOursIsRefusedClearly() {
        String concordStyle = Base64.getEncoder().encodeToString("it's not an actual encrypted string".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> strings.decrypt("acme", "payments", concordStyle))
                .isInstanceOf(SecretException.class)
                .hasMessageContaining("Not a Gatehouse encrypted string")
                .hasMessageContaining("migrated");
        assertThatThrownBy(() -> strings.decrypt("acme", "payments", "gh1.***"))
                .hasMessageContaining("is not base64url");
    }

    @Test
    void aTruncatedStringIsRefusedClearly() {
        String enc = strings.encrypt("acme", "payments", "value");
        assertThatThrownBy(() -> strings.decrypt("acme", "payments", enc.substring(0, 20)))
                .isInstanceOf(SecretException.class).hasMessageContaining("truncated");
        assertKind(() -> strings.decrypt("acme", "payments", enc.substring(0, enc.length() - 3)), Kind.CORRUPTED);
    }

    @Test
    void aModifiedStringIsRefused() {
        String enc = strings.encrypt("acme", "payments", "value");
        // every character after the key check value (4 bytes = first 6 characters) is covered by the tag
        for (int i = "gh1.".length() + 6; i < enc.length() - 1; i++) {
            char c = enc.charAt(i);
            String tampered = enc.substring(0, i) + (c == 'A' ? 'B' : 'A') + enc.substring(i + 1);
            assertKind(() -> strings.decrypt("acme", "payments", tampered), Kind.CORRUPTED);
        }
    }

    @Test
    void aNonCanonicalEncodingOfAValidStringIsRefused() {
        // "value" gives 37 bytes: 50 characters whose last one carries 2 unused bits
        String enc = strings.encrypt("acme", "payments", "value");
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(enc.charAt(enc.length() - 1));
        String sameBytes = enc.substring(0, enc.length() - 1) + alphabet.charAt(last ^ 1);
        assertThat(Base64.getUrlDecoder().decode(sameBytes.substring(4))).isEqualTo(Base64.getUrlDecoder().decode(enc.substring(4)));
        assertKind(() -> strings.decrypt("acme", "payments", sameBytes), Kind.INVALID_INPUT);
    }

    @Test
    void theProjectKeyIsStoredWrappedUnderTheServerKeyAndSurvivesARestart() {
        String enc = strings.encrypt("acme", "payments", "persisted");
        byte[] wrapped = store.findProjectKey("acme", "payments").orElseThrow();
        assertThat(SecretEnvelope.header(wrapped).serverKeyId()).contains("k1");
        EncryptedStrings afterRestart = Fixtures.manager(store, ring).encryptedStrings();
        assertThat(afterRestart.decrypt("acme", "payments", enc)).isEqualTo("persisted");
        // another key under the same id is refused before it could open anything
        ServerKeyRing impostor = ServerKeyRing.generate("k1");
        assertThatThrownBy(() -> Fixtures.manager(store, impostor))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("secrets.serverKey.k1: this node's key differs");
        // and the wrapped key does not open under it, wherever it is copied
        SecretStore copy = SecretStore.inMemory();
        copy.insertProjectKeyIfAbsent("acme", "payments", wrapped);
        EncryptedStrings otherServerKey = Fixtures.manager(copy, impostor).encryptedStrings();
        assertKind(() -> otherServerKey.decrypt("acme", "payments", enc), Kind.CORRUPTED);
    }

    @Test
    void invalidProjectNamesAreRefused() {
        assertKind(() -> strings.encrypt("acme", "../x", "v"), Kind.INVALID_INPUT);
    }
}
