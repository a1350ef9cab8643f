package dev.gatehouse.apikey.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ConcordKeysTest {

    /** Concord's ApiKeyDao: 16 random bytes, base64 without padding. */
    static String concordGenerate(SecureRandom random) {
        byte[] ab = new byte[16];
        random.nextBytes(ab);
        return Base64.getEncoder().withoutPadding().encodeToString(ab);
    }

    /** Concord's ApiKeyDao.hash: base64 (no padding) of SHA-256 of the decoded key. */
    static String concordHash(String key) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        return Base64.getEncoder().withoutPadding().encodeToString(md.digest(Base64.getDecoder().decode(key)));
    }

    private final SecureRandom random = new SecureRandom();

    @Test
    void digestOfAConcordKeyEqualsTheDigestConcordStored() throws Exception {
        for (int i = 0; i < 100; i++) {
            String key = concordGenerate(random);
            assertThat(ConcordKeys.isWellFormed(key)).isTrue();
            assertThat(ConcordKeys.digest(key)).isEqualTo(ConcordKeys.parseStoredDigest(concordHash(key)));
        }
    }

    @Test
    void storedDigestIsReadPaddedOrNot() throws Exception {
        String hash = concordHash(concordGenerate(random));
        assertThat(ConcordKeys.parseStoredDigest(hash)).hasSize(32);
        assertThat(ConcordKeys.parseStoredDigest(hash + "=")).isEqualTo(ConcordKeys.parseStoredDigest(hash));
        assertThat(ConcordKeys.parseStoredDigest(hash.substring(1))).isNull();
        assertThat(ConcordKeys.parseStoredDigest(hash.substring(1) + "!")).isNull();
        assertThat(ConcordKeys.parseStoredDigest(null)).isNull();
    }

    @Test
    void onlyTheExactShapeOfAConcordKeyIsWellFormed() {
        String key = concordGenerate(random);
        assertThat(ConcordKeys.isWellFormed(key + "A")).isFalse();
        assertThat(ConcordKeys.isWellFormed(key.substring(1))).isFalse();
        assertThat(ConcordKeys.isWellFormed(key.substring(0, 5) + "-" + key.substring(6))).isFalse();
        // the last character holds 2 of the 128 bits and 4 zero bits: 'B' (value 1) is not a key
        assertThat(ConcordKeys.isWellFormed(key.substring(0, 21) + "B")).isFalse();
        assertThat(ConcordKeys.isWellFormed(key.substring(0, 21) + "Q")).isTrue();
    }
}
