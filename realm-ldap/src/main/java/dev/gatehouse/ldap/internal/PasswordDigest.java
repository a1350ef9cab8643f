package dev.gatehouse.ldap.internal;

import dev.gatehouse.core.ConstantTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Salted SHA-256 digests of passwords, for remembering a successful login without remembering the
 * password. Thread-safe.
 */
public final class PasswordDigest {

    /** Bytes of salt per digest. */
    public static final int SALT_BYTES = 16;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    });

    private final byte[] salt;
    private final byte[] digest;

    private PasswordDigest(byte[] salt, byte[] digest) {
        this.salt = salt;
        this.digest = digest;
    }

    /** A digest of {@code password} (UTF-8) with fresh random salt. */
    public static PasswordDigest of(byte[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordDigest(salt, digest(salt, password));
    }

    /**
     * Whether {@code password} is the one this digest was made of: the presented password is
     * digested with this salt and the two digests are compared in constant time
     * ({@link ConstantTime#equals(byte[], byte[])}).
     */
    public boolean matches(byte[] password) {
        return ConstantTime.equals(digest, digest(salt, password));
    }

    private static byte[] digest(byte[] salt, byte[] password) {
        MessageDigest md = SHA256.get();
        md.update(salt);
        md.update(password);
        return md.digest();
    }

    /**
     * {@code chars} as UTF-8 in a fresh array that the caller wipes; an unpaired surrogate becomes
     * {@code ?}. Written out so that no {@code String} copy of a password is ever made.
     */
    public static byte[] utf8(char[] chars) {
        int length = 0;
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < chars.length && Character.isLowSurrogate(chars[i + 1])) {
                length += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                length += 1;
            } else {
                length += 3;
            }
        }
        byte[] out = new byte[length];
        int o = 0;
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (c < 0x80) {
                out[o++] = (byte) c;
            } else if (c < 0x800) {
                out[o++] = (byte) (0xC0 | (c >> 6));
                out[o++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < chars.length && Character.isLowSurrogate(chars[i + 1])) {
                int cp = Character.toCodePoint(c, chars[++i]);
                out[o++] = (byte) (0xF0 | (cp >> 18));
                out[o++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[o++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[o++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                out[o++] = '?';
            } else {
                out[o++] = (byte) (0xE0 | (c >> 12));
                out[o++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[o++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "PasswordDigest[<redacted>]";
    }
}
