package dev.gatehouse.apikey;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A key as an {@link ApiKeyStore} holds it: the public {@link ApiKey} metadata and the SHA-256
 * digest of the key, never the key itself. Immutable: {@link #digest()} returns a copy.
 */
public final class StoredApiKey {

    /** Length of a SHA-256 digest in bytes. */
    public static final int DIGEST_LENGTH = 32;

    private final ApiKey key;
    private final byte[] digest;

    /**
     * A stored key; {@code digest} is copied.
     *
     * @throws IllegalArgumentException if {@code digest} is not 32 bytes long
     */
    public StoredApiKey(ApiKey key, byte[] digest) {
        this.key = Objects.requireNonNull(key, "key");
        Objects.requireNonNull(digest, "digest");
        if (digest.length != DIGEST_LENGTH) {
            throw new IllegalArgumentException("digest must be " + DIGEST_LENGTH + " bytes (SHA-256), was " + digest.length);
        }
        this.digest = digest.clone();
    }

    /** The metadata. */
    public ApiKey key() {
        return key;
    }

    /** The key's id. */
    public UUID id() {
        return key.id();
    }

    /** The id of the user the key authenticates as. */
    public UUID owner() {
        return key.owner();
    }

    /** A copy of the SHA-256 digest the key is looked up by. */
    public byte[] digest() {
        return digest.clone();
    }

    /** This record with {@code lastUsedAt} replaced. */
    public StoredApiKey withLastUsedAt(Optional<Instant> lastUsedAt) {
        ApiKey k = key;
        return new StoredApiKey(new ApiKey(k.id(), k.owner(), k.name(), k.format(), k.createdAt(), k.expiresAt(),
                lastUsedAt, k.scopes()), digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredApiKey other && key.equals(other.key) && Arrays.equals(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    /** Shows the metadata, not the digest. */
    @Override
    public String toString() {
        return "StoredApiKey[" + key + ", digest=<redacted>]";
    }
}
