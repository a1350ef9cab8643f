package dev.gatehouse.apikey;

import dev.gatehouse.core.Permission;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * @param scopes the permissions the key is limited to; each must be one the owner holds
 *     ({@link ApiKeyPermissions#permissionsOf}) and the creator's credential carries. Empty: an
 *     unscoped key, unless the creator's own credential is scoped, whose scopes it then inherits
 */
public record NewApiKey(UUID owner, Optional<String> name, Optional<Instant> expiresAt, Optional<String> value,
        Optional<Set<Permission>> scopes) {

    /** A request for an unscoped key. */
    public NewApiKey(UUID owner, Optional<String> name, Optional<Instant> expiresAt, Optional<String> value) {
        this(owner, name, expiresAt, value, Optional.empty());
    }

    public NewApiKey {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(scopes, "scopes");
        scopes = scopes.map(Set::copyOf);
    }

    /** A key for {@code owner} with a generated name and value and the default lifetime. */
    public static NewApiKey forUser(UUID owner) {
        return new NewApiKey(owner, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** This request with the key's name set. */
    public NewApiKey withName(String name) {
        return new NewApiKey(owner, Optional.of(name), expiresAt, value, scopes);
    }

    /** This request with an expiry time. */
    public NewApiKey withExpiry(Instant expiresAt) {
        return new NewApiKey(owner, name, Optional.of(expiresAt), value, scopes);
    }

    /** This request importing an existing key value rather than generating one. */
    public NewApiKey withValue(String value) {
        return new NewApiKey(owner, name, expiresAt, Optional.of(value), scopes);
    }

    /**
     * This request for a key limited to {@code scopes} (an empty set: a key that may do nothing).
     * See {@link dev.gatehouse.core.Permission} for the names.
     */
    public NewApiKey withScopes(Set<Permission> scopes) {
        return new NewApiKey(owner, name, expiresAt, value, Optional.of(Set.copyOf(scopes)));
    }

    @Override
    public String toString() {
        return "NewApiKey[owner=" + owner + ", name=" + name.orElse("<generated>") + ", expiresAt="
                + expiresAt.map(Instant::toString).orElse("<default>") + ", value="
                + (value.isPresent() ? "<chosen, redacted>" : "<generated>")
                + scopes.map(s -> ", scopes=" + new java.util.TreeSet<>(s.stream().map(Permission::name).toList())).orElse("")
                + "]";
    }
}
