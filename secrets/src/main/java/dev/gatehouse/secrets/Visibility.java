package dev.gatehouse.secrets;

/** Who may see a secret without an explicit grant. */
public enum Visibility {
    /** Readable by every member of the secret's organisation. */
    PUBLIC,
    /** Readable only by its owner, by holders of a grant and by admins. */
    PRIVATE
}
