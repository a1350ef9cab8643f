package dev.gatehouse.apikey;

import dev.gatehouse.core.Permission;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What a host may show about an API key: everything except the key and its digest. Immutable.
 *
 * @param id the key's id, used to revoke it
 * @param owner the id of the user the key authenticates as
 * @param name unique among the owner's keys
 * @param format {@link KeyFormat#GATEHOUSE} for keys issued here, {@link KeyFormat#CONCORD} for
 *     imported Concord keys
 * @param createdAt when the key was created or imported
 * @param expiresAt when it stops working; empty if never
 * @param lastUsedAt when it last authenticated a request, as written by the last batch (so up to
 *     one flush interval old); empty if never
 * @param scopes what the key is limited to ({@link dev.gatehouse.core.Identity#scopes()} of the
 *     identities it authenticates, narrowed to what its owner may still do); empty for an unscoped
 *     key, which may do whatever its owner may
 */
public record ApiKey(UUID id, UUID owner, String name, KeyFormat format, Instant createdAt,
        Optional<Instant> expiresAt, Optional<Instant> lastUsedAt, Optional<Set<Permission>> scopes) {

    /** An unscoped key. */
    public ApiKey(UUID id, UUID owner, String name, KeyFormat format, Instant createdAt, Optional<Instant> expiresAt,
            Optional<Instant> lastUsedAt) {
        this(id, owner, name, format, createdAt, expiresAt, lastUsedAt, Optional.empty());
    }

    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        Objects.requireNonNull(scopes, "scopes");
        scopes = scopes.map(Set::copyOf);
    }

    /** Whether the key has expired at {@code now}. */
    public boolean isExpiredAt(Instant now) {
        return expiresAt.isPresent() && !now.isBefore(expiresAt.get());
    }

    /** The two shapes of key the realm verifies. */
    public enum KeyFormat {
        /**
         * {@code <prefix>_<43 base62 characters: 256 random bits><6 base62 characters: CRC32>};
         * digest: SHA-256 of the whole key's ASCII bytes.
         */
        GATEHOUSE,
        /**
         * Concord's keys: standard base64 (22 characters encoding 16 random bytes when Concord
         * generated them, any length when an admin chose them); digest: SHA-256 of the decoded bytes.
         * Accepted only when imported and enabled.
         */
        CONCORD
    }
}
