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
    void adminChosenKeysOfAnyBase64LengthHaveTheDigestConcordStored() throws Exception {
        // the docker image's default admin token, a 44-character padded key, a 32-byte unpadded one, 3 bytes
        byte[] b32 = new byte[32];
        random.nextBytes(b32);
        for (String key : new String[] {"auBy4eDWrKWsyhiDp3AQiw", Base64.getEncoder().encodeToString(b32),
                Base64.getEncoder().withoutPadding().encodeToString(b32), "QUJD", "a+/b", "QQ==", "QQ"}) {
            assertThat(ConcordKeys.isWellFormed(key)).as(key).isTrue();
            assertThat(ConcordKeys.digest(key)).as(key).isEqualTo(ConcordKeys.parseStoredDigest(concordHash(key)));
        }
    }

    @Test
    void onlyWhatConcordsBase64DecoderReadsIsWellFormed() {
        String key = concordGenerate(random);
        assertThat(ConcordKeys.isWellFormed(key + "AAA")).isFalse(); // 25 characters: a dangling 6 bits
        assertThat(ConcordKeys.isWellFormed(key.substring(0, 5) + "-" + key.substring(6))).isFalse(); // base64url
        assertThat(ConcordKeys.isWellFormed(key.substring(0, 5) + "_" + key.substring(6))).isFalse();
        assertThat(ConcordKeys.isWellFormed("gh_" + key)).isFalse();
        assertThat(ConcordKeys.isWellFormed("QQ=")).isFalse();
        assertThat(ConcordKeys.isWellFormed("Q")).isFalse();
        assertThat(ConcordKeys.isWellFormed("")).isFalse();
        assertThat(ConcordKeys.isWellFormed("A".repeat(ConcordKeys.MAX_LENGTH + 4))).isFalse();
        // Concord's decoder ignores the unused low bits of the last character: same bytes, same key
        assertThat(ConcordKeys.digest(key.substring(0, 21) + "B"))
                .isEqualTo(ConcordKeys.digest(key.substring(0, 21) + "A"));
    }
}
