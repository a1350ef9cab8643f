package dev.gatehouse.apikey;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What a caller asks for when creating a key: whose it is, and optionally its name, expiry and
 * (to import an existing key) its value. Start with {@link #forUser(UUID)}. Immutable;
 * {@code toString()} hides a chosen value.
 *
 * @param owner the user the key will authenticate as
 * @param name generated when empty
 * @param expiresAt the realm's default lifetime applies when empty
 * @param value a key value to import instead of generating one; needs
 *     {@link ApiKeyPermissions#mayChooseKeyValue}
 */
public record NewApiKey(UUID owner, Optional<String> name, Optional<Instant> expiresAt, Optional<String> value) {

    public NewApiKey {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(value, "value");
    }

    /** A key for {@code owner} with a generated name and value and the default lifetime. */
    public static NewApiKey forUser(UUID owner) {
        return new NewApiKey(owner, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** This request with the key's name set. */
    public NewApiKey withName(String name) {
        return new NewApiKey(owner, Optional.of(name), expiresAt, value);
    }

    /** This request with an expiry time. */
    public NewApiKey withExpiry(Instant expiresAt) {
        return new NewApiKey(owner, name, Optional.of(expiresAt), value);
    }

    /** This request importing an existing key value rather than generating one. */
    public NewApiKey withValue(String value) {
        return new NewApiKey(owner, name, expiresAt, Optional.of(value));
    }

    @Override
    public String toString() {
        return "NewApiKey[owner=" + owner + ", name=" + name.orElse("<generated>") + ", expiresAt="
                + expiresAt.map(Instant::toString).orElse("<default>") + ", value="
                + (value.isPresent() ? "<chosen, redacted>" : "<generated>") + "]";
    }
}
