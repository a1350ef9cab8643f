package dev.gatehouse.apikey;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.Identity;
import java.util.List;
import java.util.UUID;

/**
 * The API a host's API-key endpoint calls: create, list, revoke and verify keys. Get it from
 * {@link ApiKeyRealm#keys()}; it shares the realm's cache, so a revocation here takes effect at
 * once on this node (and within the realm's revocation bound on other nodes).
 *
 * <p>Every management call names the {@code caller}; whether the caller may act for another user
 * or choose a key's value is decided by the realm's {@link ApiKeyPermissions}. Refused requests
 * are {@link ApiKeyException}s whose {@link ApiKeyException#reason()} maps to an HTTP status. When
 * the key store or the user directory does not answer, every management call throws core's
 * {@link BackendUnavailableException}, which a host answers with 503 and {@code Retry-After}
 * ({@link BackendUnavailableException#retryAfter()}); it is never an {@link ApiKeyException}.
 * A call that returns normally was committed: a created key is in the store, a revoked one gone.
 * Thread-safe.
 */
public interface ApiKeyService {

    /** Names match this: 3 to 128 characters, starting with a letter or digit. */
    String NAME_PATTERN = "^[0-9a-zA-Z][0-9a-zA-Z_@.\\-~]{2,127}$";

    /**
     * Creates a key. A missing name is generated; a missing expiry is the realm's default lifetime
     * (or none). The key value is generated unless {@code request} carries one (a Gatehouse key of
     * this realm's prefix, or a Concord key when Concord keys are enabled).
     *
     * @return the new key, committed to the store; its value is shown this once and never stored
     * @throws ApiKeyException FORBIDDEN, INVALID_NAME, NAME_TAKEN, INVALID_KEY, KEY_TAKEN,
     *     INVALID_EXPIRY or UNKNOWN_USER
     * @throws BackendUnavailableException if the store or the user directory did not answer, or
     *     the commit failed (the key may then exist, but its value was never shown to anyone)
     */
    IssuedApiKey create(Identity caller, NewApiKey request);

    /**
     * Imports a key issued by Concord by the digest Concord stored: base64 (padded or not) of the
     * SHA-256 of the key's 16 decoded bytes. Clients keep using their key; it authenticates only
     * while Concord keys are enabled in the realm. {@code request.value()} must be empty.
     *
     * @throws ApiKeyException FORBIDDEN (needs {@link ApiKeyPermissions#mayChooseKeyValue}),
     *     INVALID_KEY, KEY_TAKEN, INVALID_NAME, NAME_TAKEN, INVALID_EXPIRY or UNKNOWN_USER
     * @throws BackendUnavailableException if the store or the user directory did not answer
     */
    ApiKey importConcordKey(Identity caller, NewApiKey request, String concordDigest);

    /**
     * The keys of {@code owner}, ordered by name, without values or digests.
     *
     * @throws ApiKeyException FORBIDDEN
     * @throws BackendUnavailableException if the store did not answer
     */
    List<ApiKey> list(Identity caller, UUID owner);

    /**
     * Revokes (deletes) the key {@code keyId}; it is refused from now on on this node.
     *
     * @return false if there is no such key
     * @throws ApiKeyException FORBIDDEN
     * @throws BackendUnavailableException if the store did not answer; the key is then forgotten
     *     by this node's cache all the same, and is refused here if the delete went through
     */
    boolean revoke(Identity caller, UUID keyId);

    /**
     * Revokes every key of {@code owner}.
     *
     * @return how many keys were revoked
     * @throws ApiKeyException FORBIDDEN
     * @throws BackendUnavailableException if the store did not answer
     */
    int revokeAll(Identity caller, UUID owner);

    /**
     * Verifies {@code key} exactly as the realm does for a request: {@link
     * AuthenticationResult.Authenticated} with the owner's identity, {@link
     * AuthenticationResult.Rejected} (same client message for unknown, revoked and expired keys),
     * or {@link AuthenticationResult.Unavailable} if the store or directory did not answer in time
     * (never a rejection). Never throws for any input.
     */
    AuthenticationResult verify(String key);

    /**
     * Deletes every expired key from the store. A host calls it from a scheduled job.
     *
     * @return how many keys were deleted
     * @throws BackendUnavailableException if the store did not answer
     */
    int deleteExpired();
}
