package dev.gatehouse.secrets;

/** What a grant allows, ordered: {@code READER < WRITER < OWNER}; each level includes the ones below. */
public enum AccessLevel {
    /** May read the secret's value (subject to its project restriction) and metadata. */
    READER,
    /** May also replace the value and the store password. */
    WRITER,
    /** May also delete, grant and revoke, and change the owner, visibility and projects. */
    OWNER;

    /** Whether this level includes {@code other}. */
    public boolean includes(AccessLevel other) {
        return compareTo(other) >= 0;
    }
}
