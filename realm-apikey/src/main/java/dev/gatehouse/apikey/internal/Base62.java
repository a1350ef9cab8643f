package dev.gatehouse.apikey.internal;

import java.security.SecureRandom;

/** Base62 ({@code 0-9A-Za-z}), the alphabet of Gatehouse keys: no character needs escaping anywhere. */
final class Base62 {

    static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private Base62() {}

    /** {@code n} characters drawn uniformly at random (rejection sampling, no modulo bias). */
    static void random(SecureRandom random, StringBuilder out, int n) {
        byte[] buf = new byte[n * 2];
        int written = 0;
        while (written < n) {
            random.nextBytes(buf);
            for (int i = 0; i < buf.length && written < n; i++) {
                int v = buf[i] & 0x3f; // 0..63; 62 and 63 are rejected
                if (v < 62) {
                    out.append(ALPHABET.charAt(v));
                    written++;
                }
            }
        }
    }

    /** {@code value} (0 .. 62^width - 1) in exactly {@code width} characters, left-padded with '0'. */
    static void encode(long value, int width, StringBuilder out) {
        char[] chars = new char[width];
        long v = value;
        for (int i = width - 1; i >= 0; i--) {
            chars[i] = ALPHABET.charAt((int) (v % 62));
            v /= 62;
        }
        out.append(chars);
    }

    /** The value of one character, or -1 if it is not base62. */
    static int valueOf(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 36;
        }
        return -1;
    }
}
