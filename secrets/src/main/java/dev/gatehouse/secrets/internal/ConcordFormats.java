package dev.gatehouse.secrets.internal;

import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.SecretType;
import dev.gatehouse.secrets.SecretValue;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Read-only decoders for Concord's secret formats. Concord encrypts with {@code Cipher.getInstance("AES")}
 * (ECB, PKCS#5 padding) under {@code digest(salt || password)} (SHA-256, or MD5 for old secrets), with
 * no integrity check: a wrong key is noticed only through bad padding or a malformed payload, and with
 * probability about 1/256 a DATA secret decrypts to garbage instead. Never used to write.
 */
public final class ConcordFormats {

    private ConcordFormats() {}

    /** AES-ECB-PKCS5 decryption with key {@code algorithm(salt || password)}. */
    public static byte[] decrypt(byte[] input, byte[] password, byte[] salt, String digestAlgorithm) {
        byte[] key = null;
        try {
            MessageDigest md = MessageDigest.getInstance(digestAlgorithm);
            md.update(salt);
            md.update(password);
            key = md.digest();
            Cipher c = Cipher.getInstance("AES/ECB/PKCS5Padding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"));
            return c.doFinal(input);
        } catch (BadPaddingException e) {
            throw new SecretException(Kind.INVALID_PASSWORD, SecretException.INVALID_PASSWORD_MESSAGE);
        } catch (IllegalBlockSizeException e) {
            throw new SecretException(Kind.CORRUPTED, "The Concord ciphertext is truncated: " + input.length
                    + " bytes is not a multiple of the AES block size");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/ECB or " + digestAlgorithm + " is not available", e);
        } finally {
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    /** Parses a decrypted Concord payload of {@code type}; wipes {@code plain} unless it becomes a DATA value. */
    public static SecretValue parse(SecretType type, byte[] plain) {
        if (type == SecretType.DATA) {
            return new SecretValue.Data(plain);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain))) {
            if (type == SecretType.USERNAME_PASSWORD) {
                String username = in.readUTF();
                byte[] pw = readBlock(in, plain.length);
                requireEnd(in);
                try {
                    return new SecretValue.UsernamePassword(username, Payloads.chars(pw));
                } finally {
                    Arrays.fill(pw, (byte) 0);
                }
            }
            byte[] pub = readBlock(in, plain.length);
            byte[] priv = readBlock(in, plain.length);
            requireEnd(in);
            return new SecretValue.KeyPair(new String(pub, StandardCharsets.UTF_8).strip(), priv);
        } catch (IOException e) {
            // Garbage from a wrong key usually lands here when the padding happened to look valid.
            throw new SecretException(Kind.INVALID_PASSWORD, SecretException.INVALID_PASSWORD_MESSAGE);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private static byte[] readBlock(DataInputStream in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new IOException("bad length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    private static void requireEnd(DataInputStream in) throws IOException {
        if (in.read() != -1) {
            throw new IOException("trailing bytes");
        }
    }
}
