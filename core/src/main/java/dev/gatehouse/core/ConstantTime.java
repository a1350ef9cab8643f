package dev.gatehouse.core;

import java.security.MessageDigest;

/**
 * The one constant-time comparison of Gatehouse. Every comparison of a key, digest, token, MAC or
 * password goes through here, so that none leaks through its timing where two values first
 * differ. Thread-safe; stateless.
 */
public final class ConstantTime {

    private ConstantTime() {}

    /**
     * Whether {@code a} and {@code b} hold the same bytes, in time that depends on their lengths
     * only ({@link MessageDigest#isEqual}). {@code null} equals nothing, not even {@code null}.
     */
    public static boolean equals(byte[] a, byte[] b) {
        return a != null && b != null && MessageDigest.isEqual(a, b);
    }

    /** As {@link #equals(byte[], byte[])} for characters. {@code null} equals nothing. */
    public static boolean equals(char[] a, char[] b) {
        if (a == null || b == null) {
            return false;
        }
        int diff = a.length ^ b.length;
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            diff |= a[i] ^ b[i];
        }
        return diff == 0;
    }

    /** As {@link #equals(byte[], byte[])} for character sequences. {@code null} equals nothing. */
    public static boolean equals(CharSequence a, CharSequence b) {
        if (a == null || b == null) {
            return false;
        }
        int diff = a.length() ^ b.length();
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            diff |= a.charAt(i) ^ b.charAt(i);
        }
        return diff == 0;
    }
}
