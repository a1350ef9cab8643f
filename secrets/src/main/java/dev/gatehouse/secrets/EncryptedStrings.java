package dev.gatehouse.secrets;

/**
 * Inline encrypted strings, as in {@code ${crypto.decryptString('gh1.…')}}: AES-256-GCM under a
 * per-project data key (256 random bits, created on first use, stored wrapped under the server key),
 * associated data = org and project, a random nonce per value. The result is compact:
 * {@code gh1.} followed by base64url of a 4-byte key check value, the 12-byte nonce, the ciphertext
 * and the 16-byte tag. Unlike Concord's, encrypting the same value twice gives different strings.
 *
 * <p>This API does no access control: {@link dev.gatehouse.secrets.process.CryptoTask} decides which project a process may use.
 * Implementations are thread-safe.
 */
public interface EncryptedStrings {

    /** The version prefix of every encrypted string. */
    String PREFIX = "gh1.";

    /** Encrypts {@code value} for {@code org}/{@code project}, creating the project's key if needed. */
    String encrypt(String org, String project, String value);

    /**
     * Decrypts a string produced by {@link #encrypt} for the same org and project.
     *
     * @throws SecretException {@link SecretException.Kind#INVALID_INPUT} if it is not one of ours;
     *     {@link SecretException.Kind#CORRUPTED} if it is truncated or modified;
     *     {@link SecretException.Kind#ACCESS_DENIED} if it was encrypted for another project
     */
    String decrypt(String org, String project, String encrypted);
}
