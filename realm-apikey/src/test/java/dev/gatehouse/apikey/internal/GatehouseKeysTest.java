package dev.gatehouse.apikey.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class GatehouseKeysTest {

    private final GatehouseKeys keys = new GatehouseKeys("gh");
    private final SecureRandom random = new SecureRandom();

    @Test
    void generatedKeyIsPrefixUnderscoreFortyThreeRandomAndSixChecksumCharacters() {
        String key = keys.generate(random);
        assertThat(key).hasSize(3 + 43 + 6).startsWith("gh_").matches("gh_[0-9A-Za-z]{49}");
        assertThat(keys.wellFormedBytes(key)).isEqualTo(key.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void randomPartCarriesAtLeast256Bits() {
        assertThat(GatehouseKeys.RANDOM_CHARS * Math.log(62) / Math.log(2)).isGreaterThanOrEqualTo(256.0);
    }

    @Test
    void checksumIsCrc32OfPrefixAndRandomPartInBase62() {
        String key = keys.generate(random);
        CRC32 crc = new CRC32();
        crc.update(key.substring(0, key.length() - 6).getBytes(StandardCharsets.US_ASCII));
        long decoded = 0;
        for (char c : key.substring(key.length() - 6).toCharArray()) {
            decoded = decoded * 62 + Base62.ALPHABET.indexOf(c);
        }
        assertThat(decoded).isEqualTo(crc.getValue());
    }

    @Test
    void everySingleCharacterTypoIsRefused() {
        String key = keys.generate(random);
        for (int i = 3; i < key.length(); i++) {
            for (char c : Base62.ALPHABET.toCharArray()) {
                if (c == key.charAt(i)) {
                    continue;
                }
                String typo = key.substring(0, i) + c + key.substring(i + 1);
                assertThat(keys.wellFormedBytes(typo)).as("typo at %d", i).isNull();
            }
        }
    }

    @Test
    void wrongPrefixWrongLengthAndForeignCharactersAreRefused() {
        String key = keys.generate(random);
        assertThat(keys.wellFormedBytes("gx" + key.substring(2))).isNull();
        assertThat(new GatehouseKeys("ghx").wellFormedBytes(key)).isNull();
        assertThat(keys.wellFormedBytes(key + "0")).isNull();
        assertThat(keys.wellFormedBytes(key.substring(0, key.length() - 1))).isNull();
        assertThat(keys.wellFormedBytes(key.substring(0, 10) + "-" + key.substring(11))).isNull();
        assertThat(keys.wellFormedBytes(key + "\n")).isNull();
        assertThat(keys.wellFormedBytes("")).isNull();
    }

    @Test
    void generatedKeysDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(keys.generate(random))).isTrue();
        }
    }

    @Test
    void prefixMustBeShortLowerCaseAlphanumeric() {
        assertThatThrownBy(() -> new GatehouseKeys("GH")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GatehouseKeys("g")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GatehouseKeys("g_h")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GatehouseKeys("a234567890123456x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new GatehouseKeys("acme2").generate(random)).startsWith("acme2_");
    }
}
