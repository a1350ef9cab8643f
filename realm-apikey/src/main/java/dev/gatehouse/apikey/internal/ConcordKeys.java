package dev.gatehouse.apikey.internal;

import java.util.Base64;

/**
 * Keys Concord accepts: any value its {@code Base64.getDecoder()} decodes (standard alphabet, padding
 * optional), since an admin may choose a key ({@code POST /api/v1/apikey} with a {@code key}, or the
 * docker image's configured admin token); Concord generates 22 characters encoding 16 random bytes.
 * Concord stores {@code base64(SHA-256(decoded bytes))} ({@code ApiKeyUtils.hash}); Gatehouse stores
 * the raw SHA-256 of the decoded bytes, so a stored Concord digest imports as is, and the plaintext, as
 * a Concord client holds it, authenticates. Like Concord, the decoder ignores unused low bits of the
 * last character, so spellings that decode to the same bytes are the same key. There is no checksum:
 * shape is all that can be checked before the store is asked.
 */
public final class ConcordKeys {

    /** The length of the keys Concord generates. */
    static final int LENGTH = 22;
    /** The longest key read as a Concord key (Concord has no limit; an HTTP header line has one). */
    static final int MAX_LENGTH = 4096;

    private ConcordKeys() {}

    /**
     * Whether {@code token} is a key Concord would accept: at most {@value #MAX_LENGTH} characters of
     * standard base64 (padding optional) that decode to at least one byte.
     */
    public static boolean isWellFormed(String token) {
        return decode(token) != null;
    }

    /** The digest Gatehouse stores for a well-formed Concord key. */
    public static byte[] digest(String wellFormedToken) {
        byte[] raw = decode(wellFormedToken);
        if (raw == null) {
            throw new IllegalArgumentException("not a Concord key");
        }
        try {
            return Digests.sha256(raw);
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
        }
    }

    private static byte[] decode(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
            return null;
        }
        for (int i = 0; i < token.length(); i++) {
            if (value(token.charAt(i)) < 0 && token.charAt(i) != '=') {
                return null;
            }
        }
        try {
            byte[] raw = Base64.getDecoder().decode(token);
            return raw.length == 0 ? null : raw;
        } catch (IllegalArgumentException e) {
            return null;
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
