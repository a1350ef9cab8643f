package dev.gatehouse.apikey.internal;

import dev.gatehouse.core.ConstantTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of keys, and digests as cache keys compared with core's {@link ConstantTime}. */
public final class Digests {

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    });

    private Digests() {}

    /** SHA-256 of {@code bytes}. */
    public static byte[] sha256(byte[] bytes) {
        MessageDigest md = SHA256.get();
        md.reset();
        return md.digest(bytes);
    }

    /** A cache key over a digest: hashes on its first bytes (uniform), compares in constant time. */
    public static final class Key {
        private final byte[] digest;
        private final int hash;

        /** Wraps {@code digest} (at least 4 bytes) without copying it. */
        public Key(byte[] digest) {
            this.digest = digest;
            this.hash = ((digest[0] & 0xff) << 24) | ((digest[1] & 0xff) << 16) | ((digest[2] & 0xff) << 8)
                    | (digest[3] & 0xff);
        }

        byte[] bytes() {
            return digest;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && ConstantTime.equals(digest, other.digest);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return "DigestKey[redacted]";
        }
    }
}
