package dev.gatehouse.apikey.internal;

import java.util.Base64;

/**
 * Keys issued by Concord: 22 characters of standard base64 without padding, encoding 16 random
 * bytes. Concord stores {@code base64(SHA-256(decoded bytes))}; Gatehouse stores the raw SHA-256 of
 * the decoded bytes, so a stored Concord digest imports as is. There is no checksum: shape is all
 * that can be checked before the store is asked.
 */
public final class ConcordKeys {

    static final int LENGTH = 22;

    private ConcordKeys() {}

    /**
     * Whether {@code token} has the exact shape of a Concord key: 22 base64 characters whose last
     * one carries no bits beyond the 128 (so each key has one spelling).
     */
    public static boolean isWellFormed(String token) {
        if (token.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            if (value(token.charAt(i)) < 0) {
                return false;
            }
        }
        return (value(token.charAt(LENGTH - 1)) & 0x0f) == 0;
    }

    /** The digest Gatehouse stores for a well-formed Concord key. */
    public static byte[] digest(String wellFormedToken) {
        byte[] raw = Base64.getDecoder().decode(wellFormedToken);
        try {
            return Digests.sha256(raw);
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
        }
    }

    /**
     * The 32 digest bytes of a digest as Concord stored it (base64 of SHA-256, padded or not), or
     * {@code null} if it is not one.
     */
    public static byte[] parseStoredDigest(String concordDigest) {
        if (concordDigest == null) {
            return null;
        }
        String s = concordDigest.strip();
        if (s.length() == 44 && s.endsWith("=")) {
            s = s.substring(0, 43);
        }
        if (s.length() != 43) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (value(s.charAt(i)) < 0) {
                return null;
            }
        }
        byte[] digest = Base64.getDecoder().decode(s);
        return digest.length == 32 ? digest : null;
    }

    private static int value(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        if (c == '+') {
            return 62;
        }
        if (c == '/') {
            return 63;
        }
        return -1;
    }
}
