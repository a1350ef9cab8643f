package dev.gatehouse.secrets.internal;

import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretType;
import dev.gatehouse.secrets.SecretValue;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The plaintext form of a value inside an envelope; the type comes from the record's metadata. */
public final class Payloads {

    private Payloads() {}

    /** The plaintext to seal; the caller wipes it. */
    public static byte[] encode(SecretValue value) {
        if (value instanceof SecretValue.Data d) {
            return d.bytes().clone();
        }
        if (value instanceof SecretValue.UsernamePassword up) {
            byte[] pw = utf8(up.password());
            try {
                return new Codec.Writer().string(up.username()).bytes(pw).toByteArray();
            } finally {
                Arrays.fill(pw, (byte) 0);
            }
        }
        SecretValue.KeyPair kp = (SecretValue.KeyPair) value;
        return new Codec.Writer().string(kp.publicKey()).bytes(kp.privateKey()).toByteArray();
    }

    /** The size the limit applies to: the bytes of the value itself. */
    public static long size(SecretValue value) {
        if (value instanceof SecretValue.Data d) {
            return d.bytes().length;
        }
        if (value instanceof SecretValue.UsernamePassword up) {
            return up.username().length() + (long) up.password().length;
        }
        SecretValue.KeyPair kp = (SecretValue.KeyPair) value;
        return kp.publicKey().length() + (long) kp.privateKey().length;
    }

    /** The value of {@code type} in {@code plain}; wipes {@code plain} unless it becomes a DATA value. */
    public static SecretValue decode(SecretType type, byte[] plain) {
        if (type == SecretType.DATA) {
            return new SecretValue.Data(plain);
        }
        try {
            Codec.Reader r = new Codec.Reader(plain);
            if (type == SecretType.USERNAME_PASSWORD) {
                String user = r.string();
                byte[] pw = r.bytes();
                try {
                    return new SecretValue.UsernamePassword(user, chars(pw));
                } finally {
                    Arrays.fill(pw, (byte) 0);
                }
            }
            return new SecretValue.KeyPair(r.string(), r.bytes());
        } catch (Codec.Truncated e) {
            throw new SecretException(SecretException.Kind.CORRUPTED, "The decrypted value does not match its type " + type);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** UTF-8 bytes of {@code chars} without an intermediate String. */
    public static byte[] utf8(char[] chars) {
        ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] out = new byte[bb.remaining()];
        bb.get(out);
        if (bb.hasArray()) {
            Arrays.fill(bb.array(), (byte) 0);
        }
        return out;
    }

    /** Characters of UTF-8 {@code bytes} without an intermediate String. */
    public static char[] chars(byte[] bytes) {
        CharBuffer cb = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
        char[] out = new char[cb.remaining()];
        cb.get(out);
        if (cb.hasArray()) {
            Arrays.fill(cb.array(), '\0');
        }
        return out;
    }
}
