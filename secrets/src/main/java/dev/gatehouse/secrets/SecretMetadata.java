package dev.gatehouse.secrets;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Everything about a secret except its value: what a store may see in clear and what
 * {@link SecretManager#list} returns. Immutable.
 *
 * @param id the secret's id, bound into its envelope
 * @param org the organisation it belongs to
 * @param name its name, unique in the organisation
 * @param type what it holds
 * @param visibility PUBLIC or PRIVATE
 * @param owner the owning user's id
 * @param projects if not empty, only a process of one of these projects may read the value
 * @param passwordProtected whether a store password is needed to read it
 * @param serverKeyId the server key it is sealed with; empty for password-protected secrets
 * @param publicKey for key pairs, the {@code authorized_keys} line (not secret)
 * @param grants access given to users and teams
 * @param version incremented by every change; updates compare it (optimistic locking)
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 */
public record SecretMetadata(UUID id, String org, String name, SecretType type, Visibility visibility, UUID owner,
        Set<String> projects, boolean passwordProtected, Optional<String> serverKeyId, Optional<String> publicKey,
        Map<Grantee, AccessLevel> grants, long version, Instant createdAt, Instant updatedAt) {

    /**
     * Copies the collections.
     *
     * @throws NullPointerException if an argument is null
     */
    public SecretMetadata {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(visibility, "visibility");
        Objects.requireNonNull(owner, "owner");
        projects = Set.copyOf(projects);
        Objects.requireNonNull(serverKeyId, "serverKeyId");
        Objects.requireNonNull(publicKey, "publicKey");
        grants = Map.copyOf(grants);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** {@code org/name}, for messages. */
    public String qualifiedName() {
        return org + "/" + name;
    }
}
