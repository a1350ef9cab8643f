package dev.gatehouse.secrets;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.spec.SecretKeySpec;

/**
 * Concord's writing side, re-implemented line by line from {@code common/.../secret/SecretUtils},
 * {@code KeyPair.serialize}, {@code UsernamePassword.serialize} and
 * {@code EncryptedProjectValueManager}, so that the decoders are checked against Concord's algorithms
 * and not against themselves.
 */
final class ConcordWriter {

    static final String SHA256 = "SHA-256";
    /** {@code HashAlgorithm.LEGACY_MD5.getName()}. */
    static final String MD5 = "md5";

    private ConcordWriter() {}

    /** {@code SecretUtils.hash}: digest.update(salt); digest(in) or digest() when in is null. */
    static byte[] hash(byte[] in, byte[] salt, String algorithm) throws Exception {
        MessageDigest digest = MessageDigest.getInstance(algorithm);
        digest.update(salt);
        return in != null ? digest.digest(in) : digest.digest();
    }

    /** {@code SecretUtils.encrypt(input, password, salt, algorithm)}: Cipher "AES" through a CipherInputStream. */
    static byte[] encrypt(byte[] input, byte[] password, byte[] salt, String algorithm) throws Exception {
        Cipher c = Cipher.getInstance("AES");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(hash(password, salt, algorithm), "AES"));
        try (CipherInputStream in = new CipherInputStream(new ByteArrayInputStream(input), c)) {
            return in.readAllBytes();
        }
    }

    /** {@code UsernamePassword.serialize}. */
    static byte[] usernamePassword(String username, char[] password) throws IOException {
        ByteArrayOutputStream baos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(baos);
        out.writeUTF(username);
        ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] ab = new byte[bb.remaining()];
        bb.get(ab);
        out.writeInt(ab.length);
        out.write(ab);
        return baos.toByteArray();
    }

    /** {@code KeyPair.serialize}. */
    static byte[] keyPair(byte[] publicKey, byte[] privateKey) throws IOException {
        ByteArrayOutputStream baos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(baos);
        out.writeInt(publicKey.length);
        out.write(publicKey);
        out.writeInt(privateKey.length);
        out.write(privateKey);
        return baos.toByteArray();
    }

    /** {@code EncryptedProjectValueManager.createEncryptedSecretKey}: the key wrapped with no password. */
    static byte[] wrapProjectKey(byte[] key, byte[] secretStoreSalt) throws Exception {
        return encrypt(key, null, secretStoreSalt, MD5);
    }

    /** {@code ProjectResource.encrypt}: value.getBytes(), encrypted under the project key, sent as base64 by Jackson. */
    static String encryptString(String value, byte[] projectKey, byte[] projectSecretSalt) throws Exception {
        return java.util.Base64.getEncoder().encodeToString(
                encrypt(value.getBytes(StandardCharsets.UTF_8), projectKey, projectSecretSalt, MD5));
    }
}
