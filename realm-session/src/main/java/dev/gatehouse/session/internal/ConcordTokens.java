package dev.gatehouse.session.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads Concord's own session tokens, for migration only: {@code base64(AES/ECB/PKCS5Padding(
 * processId as text))} under the key {@code MD5(secretStoreSalt || serverPassword)}. These tokens
 * have no expiry, no integrity and no key id, which is why Gatehouse only reads them, and only
 * when configured to; the process registry still decides whether the process may act.
 * Thread-safe; {@code toString()} shows no key material.
 */
public final class ConcordTokens {

    /** base64 of 48 bytes: a 36-character UUID padded to three AES blocks. */
    static final int TOKEN_LENGTH = 64;

    private final SecretKeySpec key;

    private ConcordTokens(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * Concord's key derivation. The arguments are not kept; the caller may wipe them.
     *
     * @param secretStoreSalt Concord's {@code secretStoreSalt}, decoded
     * @param serverPassword Concord's {@code serverPassword}, decoded
     */
    public static ConcordTokens of(byte[] secretStoreSalt, byte[] serverPassword) {
        byte[] derived;
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(secretStoreSalt);
            md5.update(serverPassword);
            derived = md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is not available in this JVM", e);
        }
        try {
            return new ConcordTokens(derived);
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }

    /** Whether {@code s} has the shape of a Concord token: 64 characters of standard base64. */
    static boolean looksLikeToken(String s) {
        if (s.length() != TOKEN_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
                    || c == '/' || (c == '=' && i >= TOKEN_LENGTH - 2);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The process id in {@code token}, or empty if it is not a Concord token under this key. */
    Optional<UUID> read(String token) {
        if (!looksLikeToken(token)) {
            return Optional.empty();
        }
        byte[] plain = null;
        try {
            byte[] cipherText = Base64.getDecoder().decode(token);
            Cipher aes = Cipher.getInstance("AES/ECB/PKCS5Padding");
            aes.init(Cipher.DECRYPT_MODE, key);
            plain = aes.doFinal(cipherText);
            return ProcessIds.parse(new String(plain, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return Optional.empty();
        } finally {
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    @Override
    public String toString() {
        return "ConcordTokens[AES-128-ECB, key redacted]";
    }
}
