package dev.gatehouse.apikey.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The Gatehouse key format: {@code <prefix>_<random><checksum>}, after GitHub's token format. The
 * random part is 43 base62 characters (43 x log2(62) = 256.03 bits from {@link SecureRandom}); the
 * checksum is the CRC32 of everything before it (prefix and underscore included) in 6 base62
 * characters. The prefix makes a leaked key recognisable to secret scanners; the checksum refuses
 * typos and made-up values before any store is asked. Immutable and thread-safe.
 */
public final class GatehouseKeys {

    /** Prefixes: a lower-case letter, then 1 to 15 lower-case letters or digits. */
    public static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{1,15}");
    static final int RANDOM_CHARS = 43;
    static final int CHECKSUM_CHARS = 6;

    private final String head;
    private final int length;

    /**
     * @throws IllegalArgumentException if {@code prefix} does not match {@link #PREFIX}
     */
    public GatehouseKeys(String prefix) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("prefix must match " + PREFIX.pattern() + ", was '" + prefix + "'");
        }
        this.head = prefix + "_";
        this.length = head.length() + RANDOM_CHARS + CHECKSUM_CHARS;
    }

    /** A new random key. */
    public String generate(SecureRandom random) {
        StringBuilder b = new StringBuilder(length).append(head);
        Base62.random(random, b, RANDOM_CHARS);
        Base62.encode(crc(b.toString().getBytes(StandardCharsets.US_ASCII), b.length()), CHECKSUM_CHARS, b);
        return b.toString();
    }

    /** Whether {@code token} starts with this format's prefix and underscore (cheap; not a check). */
    public boolean hasPrefix(String token) {
        return token.startsWith(head);
    }

    /** The length of every key of this format. */
    public int length() {
        return length;
    }

    /**
     * The key's ASCII bytes if it is well-formed (prefix, length, base62 body, checksum), else
     * {@code null}. Never throws.
     */
    public byte[] wellFormedBytes(String token) {
        if (token.length() != length || !token.startsWith(head)) {
            return null;
        }
        byte[] ascii = token.getBytes(StandardCharsets.US_ASCII);
        return isWellFormed(ascii) ? ascii : null;
    }

    /**
     * Whether {@code ascii} (the bytes of a token that has this format's prefix and length, as
     * {@link String#getBytes} with US-ASCII gives them) is base62 after the prefix and carries a
     * matching checksum.
     */
    public boolean isWellFormed(byte[] ascii) {
        if (ascii.length != length) {
            return false;
        }
        for (int i = 0; i < head.length(); i++) {
            if (ascii[i] != head.charAt(i)) {
                return false;
            }
        }
        for (int i = head.length(); i < length; i++) {
            if (Base62.valueOf(ascii[i]) < 0) {
                return false;
            }
        }
        long expected = 0;
        for (int i = length - CHECKSUM_CHARS; i < length; i++) {
            expected = expected * 62 + Base62.valueOf(ascii[i]);
        }
        return expected == crc(ascii, length - CHECKSUM_CHARS);
    }

    private static long crc(byte[] bytes, int n) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, n);
        return crc.getValue();
    }

    @Override
    public String toString() {
        return "GatehouseKeys[prefix=" + head.substring(0, head.length() - 1) + "]";
    }
}
