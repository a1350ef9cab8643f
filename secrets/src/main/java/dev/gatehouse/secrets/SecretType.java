package dev.gatehouse.secrets;

/** What a secret holds. The type is part of every envelope's associated data. */
public enum SecretType {
    /** A string or binary data (a file). */
    DATA,
    /** A username and password pair. */
    USERNAME_PASSWORD,
    /** An SSH key pair: the private key in OpenSSH format and an {@code authorized_keys} line. */
    KEY_PAIR
}
