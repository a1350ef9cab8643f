package dev.gatehouse.secrets;

import dev.gatehouse.secrets.internal.SshKeyCodec;
import java.nio.charset.StandardCharsets;

/**
 * Generates and imports SSH key pairs with Bouncy Castle. Private keys come out in OpenSSH's own
 * format ({@code -----BEGIN OPENSSH PRIVATE KEY-----}, unencrypted: the secret's envelope protects
 * it), public keys as an {@code authorized_keys} line. Stateless, thread-safe.
 */
public final class SshKeys {

    /** The comment of generated public keys unless another is given. */
    public static final String DEFAULT_COMMENT = "gatehouse";

    private SshKeys() {}

    /** A new Ed25519 key pair. */
    public static SecretValue.KeyPair generate() {
        return generate(SshKeyType.ED25519, DEFAULT_COMMENT);
    }

    /**
     * A new key pair of {@code type}; RSA 4096 takes a few seconds.
     *
     * @param comment the public key's comment (no line breaks)
     */
    public static SecretValue.KeyPair generate(SshKeyType type, String comment) {
        return SshKeyCodec.generate(type, comment);
    }

    /**
     * Imports an existing pair and returns it in Gatehouse's form: the private key re-encoded in
     * OpenSSH format, the public key line as given (type and key; the comment is kept).
     *
     * @param publicKey an {@code authorized_keys} line ({@code type base64 [comment]})
     * @param privateKey a PEM private key: OpenSSH ({@code OPENSSH PRIVATE KEY}), PKCS#1
     *     ({@code RSA PRIVATE KEY}), SEC1 ({@code EC PRIVATE KEY}) or PKCS#8 ({@code PRIVATE KEY}),
     *     unencrypted; RSA, ECDSA P-256 or Ed25519
     * @throws SecretException {@link SecretException.Kind#INVALID_INPUT} if either half cannot be read,
     *     is encrypted or of an unsupported type, or if the halves do not belong together
     */
    public static SecretValue.KeyPair importPair(String publicKey, String privateKey) {
        return SshKeyCodec.importPair(publicKey, privateKey.getBytes(StandardCharsets.UTF_8));
    }

    /** The {@code authorized_keys} line (without comment) of an OpenSSH, PKCS#1, SEC1 or PKCS#8 private key. */
    public static String publicKeyOf(String privateKey) {
        return SshKeyCodec.publicLine(SshKeyCodec.parsePrivate(privateKey.getBytes(StandardCharsets.UTF_8)), "");
    }
}
