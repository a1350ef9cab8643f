package dev.gatehouse.apikey;

import java.util.Objects;

/**
 * A key just created: the only time its value exists outside the caller's hands. Hand
 * {@link #revealKey()} to the client once and drop this object; Gatehouse keeps only a digest.
 * {@code toString()} hides the key. Immutable.
 */
public final class IssuedApiKey {

    private final ApiKey metadata;
    private final String key;

    /** For {@link ApiKeyService} implementations. */
    public IssuedApiKey(ApiKey metadata, String key) {
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.key = Objects.requireNonNull(key, "key");
    }

    /** The key's id, name, owner and expiry. */
    public ApiKey metadata() {
        return metadata;
    }

    /** The plaintext key: send it to the client once; it cannot be recovered later. */
    public String revealKey() {
        return key;
    }

    @Override
    public String toString() {
        return "IssuedApiKey[" + metadata + ", key=<redacted>]";
    }
}
