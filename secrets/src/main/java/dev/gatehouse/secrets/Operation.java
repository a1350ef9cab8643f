package dev.gatehouse.secrets;

/** What a caller asks to do with a secret; {@link AccessPolicy} decides whether it may. */
public enum Operation {
    /** See the secret in a listing, read its metadata and, for key pairs, its public key. */
    READ_METADATA,
    /** Decrypt the secret's value. */
    READ_VALUE,
    /** Replace the value or the store password. */
    UPDATE,
    /** Change owner, visibility or project restriction; grant and revoke access. */
    MANAGE,
    /** Delete the secret. */
    DELETE
}
