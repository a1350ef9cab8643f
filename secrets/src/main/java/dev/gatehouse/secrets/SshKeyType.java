package dev.gatehouse.secrets;

/** The SSH key pairs {@link SshKeys} generates. */
public enum SshKeyType {
    /** Ed25519 (RFC 8709), {@code ssh-ed25519}: the default. */
    ED25519("ssh-ed25519"),
    /** RSA with a 4096-bit modulus and e = 65537, {@code ssh-rsa} (signatures use rsa-sha2-*). */
    RSA_4096("ssh-rsa"),
    /** ECDSA on NIST P-256 (RFC 5656), {@code ecdsa-sha2-nistp256}. */
    ECDSA_P256("ecdsa-sha2-nistp256");

    private final String sshName;

    SshKeyType(String sshName) {
        this.sshName = sshName;
    }

    /** The key type as SSH names it in {@code authorized_keys}. */
    public String sshName() {
        return sshName;
    }
}
