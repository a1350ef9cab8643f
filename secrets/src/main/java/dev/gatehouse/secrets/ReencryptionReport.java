package dev.gatehouse.secrets;

/**
 * What {@link SecretManager#reencryptAll()} did. Every secret the sweep listed is counted exactly
 * once, so {@code moved + current + failed == seen}. Immutable.
 *
 * @param seen secrets the sweep listed
 * @param moved secrets re-sealed under the primary server key in the current envelope format
 * @param current secrets that needed nothing: already on the primary key in the current format,
 *     sealed with a store password, or deleted before the sweep reached them
 * @param failed secrets that could not be moved: sealed with a key this node lacks, unreadable, or
 *     changed concurrently on every attempt; nothing was written for them. Run the sweep again.
 * @param passwordProtected of {@code current}, the secrets skipped because a store password, not a
 *     server key, seals them (their key comes from the password)
 * @param projectKeysMoved project data keys re-wrapped under the primary key
 * @param projectKeysFailed project data keys that could not be re-wrapped
 */
public record ReencryptionReport(int seen, int moved, int current, int failed, int passwordProtected,
        int projectKeysMoved, int projectKeysFailed) {

    /** @throws IllegalArgumentException if the counts do not add up */
    public ReencryptionReport {
        if (moved < 0 || current < 0 || failed < 0 || passwordProtected < 0 || projectKeysMoved < 0
                || projectKeysFailed < 0 || moved + current + failed != seen || passwordProtected > current) {
            throw new IllegalArgumentException("the counts do not add up: seen " + seen + ", moved " + moved + ", current "
                    + current + ", failed " + failed + ", password-protected " + passwordProtected);
        }
    }

    /** Whether nothing is left on an older key: nothing failed, secrets or project keys. */
    public boolean complete() {
        return failed == 0 && projectKeysFailed == 0;
    }
}
