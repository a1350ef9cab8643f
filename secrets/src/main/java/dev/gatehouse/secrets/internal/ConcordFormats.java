package dev.gatehouse.secrets.internal;

import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.SecretType;
import dev.gatehouse.secrets.SecretValue;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Read-only decoders for Concord's formats, as {@code com.walmartlabs.concord.common.secret.SecretUtils},
 * {@code KeyPair} and {@code UsernamePassword} write them. Concord encrypts with
 * {@code Cipher.getInstance("AES")} (ECB, PKCS#5 padding) under {@code digest(salt || password)}
 * ({@code SHA-256} gives AES-256, {@code md5} AES-128), with no integrity check: a wrong key is noticed
 * through bad padding (about 255 times in 256) or a malformed payload. A {@code null} password is
 * Concord's "no password": the key is {@code digest(salt)}, as for wrapped project keys. Never used to write.
 */
public final class ConcordFormats {

    /** Concord's {@code KeyPair.assertKeyLength} bound on each half. */
    public static final int MAX_KEY_HALF = 8192;

    private ConcordFormats() {}

    /** The AES key Concord derives: {@code digest(salt || password)}; {@code password} may be null. */
    public static byte[] deriveKey(byte[] password, byte[] salt, String digestAlgorithm) {
        try {
            MessageDigest md = MessageDigest.getInstance(digestAlgorithm);
            md.update(salt);
            return password != null ? md.digest(password) : md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(digestAlgorithm + " is not available", e);
        }
    }

    /** AES-ECB-PKCS5 decryption with key {@code algorithm(salt || password)}. */
    public static byte[] decrypt(byte[] input, byte[] password, byte[] salt, String digestAlgorithm) {
        byte[] key = deriveKey(password, salt, digestAlgorithm);
        try {
            return decryptWithKey(input, key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * AES-ECB-PKCS5 decryption with a derived key.
     *
     * @throws SecretException CORRUPTED for an empty or truncated ciphertext; INVALID_PASSWORD for bad padding
     */
    public static byte[] decryptWithKey(byte[] input, byte[] key) {
        if (input.length == 0) {
            // Concord never writes an empty ciphertext: even an empty value has a padding block.
            throw new SecretException(Kind.CORRUPTED, "The Concord ciphertext is empty (even an empty value is "
                    + "one 16-byte block)");
        }
        if (input.length % 16 != 0) {
            throw new SecretException(Kind.CORRUPTED, "The Concord ciphertext is truncated: " + input.length
                    + " bytes is not a multiple of the AES block size");
        }
        try {
            Cipher c = Cipher.getInstance("AES/ECB/PKCS5Padding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"));
            return c.doFinal(input);
        } catch (BadPaddingException e) {
            throw new SecretException(Kind.INVALID_PASSWORD, SecretException.INVALID_PASSWORD_MESSAGE);
        } catch (IllegalBlockSizeException e) {
            throw new SecretException(Kind.CORRUPTED, "The Concord ciphertext is truncated");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/ECB is not available", e);
        }
    }

    /** Strict UTF-8 decoding, or {@code null} if {@code bytes} is not valid UTF-8. */
    public static char[] strictUtf8(byte[] bytes) {
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            char[] out = new char[cb.remaining()];
            cb.get(out);
            Arrays.fill(cb.array(), '\0');
            return out;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * Parses a decrypted Concord payload of {@code type}: DATA is the bytes; USERNAME_PASSWORD is
     * {@code writeUTF(username)}, int32 length, UTF-8 password; KEY_PAIR is int32 length + public key,
     * int32 length + private key (each at most {@value #MAX_KEY_HALF} bytes). The layout must be exact
     * (no trailing bytes) and strings valid UTF-8. Wipes {@code plain} unless it becomes a DATA value.
     *
     * @throws SecretException INVALID_PASSWORD ("Invalid password or corrupted data") if the layout is wrong
     */
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
                    char[] chars = strictUtf8(pw);
                    if (chars == null) {
                        throw new IOException("password not UTF-8");
                    }
                    return new SecretValue.UsernamePassword(username, chars);
                } finally {
                    Arrays.fill(pw, (byte) 0);
                }
            }
            byte[] pub = readBlock(in, MAX_KEY_HALF);
            byte[] priv = readBlock(in, MAX_KEY_HALF);
            requireEnd(in);
            char[] pubChars = strictUtf8(pub);
            char[] privChars = strictUtf8(priv);
            if (pubChars == null || privChars == null) {
                Arrays.fill(priv, (byte) 0);
                throw new IOException("key half not UTF-8");
            }
            Arrays.fill(privChars, '\0');
            return new SecretValue.KeyPair(new String(pubChars).strip(), priv);
        } catch (IOException e) {
            // Garbage from a wrong key usually lands here when the padding happened to look valid.
            throw new SecretException(Kind.INVALID_PASSWORD, SecretException.INVALID_PASSWORD_MESSAGE);
        } finally {
            if (type != SecretType.DATA) {
                Arrays.fill(plain, (byte) 0);
            }
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
