package dev.gatehouse.secrets;

/**
 * What {@link SecretManager#reencryptAll()} did. Immutable.
 *
 * @param resealed secrets moved to the primary server key
 * @param alreadyCurrent secrets that were on the primary key already
 * @param passwordProtected secrets skipped because a store password, not a server key, seals them
 * @param failed secrets that could not be moved (changed concurrently twice, or a key is missing); run again
 * @param projectKeysRewrapped project data keys re-wrapped under the primary key
 */
public record ReencryptionReport(int resealed, int alreadyCurrent, int passwordProtected, int failed,
        int projectKeysRewrapped) {}
