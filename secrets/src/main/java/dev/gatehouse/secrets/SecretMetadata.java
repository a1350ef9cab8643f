package dev.gatehouse.secrets;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Everything about a secret except its value: what a store may see in clear and what
 * {@link SecretManager#list} returns. Start one with {@link #of} and derive changed copies with the
 * {@code with...} methods, so that no caller has to spell out all fourteen components. Immutable.
 *
 * @param id the record's id: random, never reused, also not by a secret re-created under the same
 *     name; bound into its envelope
 * @param org the organisation it belongs to
 * @param name its name, unique in the organisation
 * @param type what it holds
 * @param visibility PUBLIC or PRIVATE
 * @param owner the owning user's id
 * @param projects if not empty, only a process of one of these projects may read the value
 * @param passwordProtected whether a store password is needed to read it
 * @param serverKeyId the server key it is sealed with; empty exactly when it is password-protected
 * @param publicKey for key pairs, the {@code authorized_keys} line (not secret)
 * @param grants access given to users and teams
 * @param version incremented by every change of the record; never repeats for one {@code id}, so
 *     {@code (id, version)} names one state of one record (updates compare it)
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
     * @throws IllegalArgumentException if {@code version} is below 1, or {@code passwordProtected}
     *     and {@code serverKeyId} disagree
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
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1, was " + version);
        }
        if (passwordProtected == serverKeyId.isPresent()) {
            throw new IllegalArgumentException("a secret is sealed either with a store password or with a server key: "
                    + "passwordProtected=" + passwordProtected + ", serverKeyId=" + serverKeyId);
        }
    }

    /**
     * A new record at version 1, created and updated at {@code createdAt}: PRIVATE, no projects, no
     * grants, no public key. Change the rest with the {@code with...} methods.
     *
     * @param serverKeyId the server key that seals it, or empty if a store password does
     */
    public static SecretMetadata of(UUID id, String org, String name, SecretType type, UUID owner,
            Optional<String> serverKeyId, Instant createdAt) {
        return new SecretMetadata(id, org, name, type, Visibility.PRIVATE, owner, Set.of(), serverKeyId.isEmpty(),
                serverKeyId, Optional.empty(), Map.of(), 1, createdAt, createdAt);
    }

    /** {@code org/name}, for messages. */
    public String qualifiedName() {
        return org + "/" + name;
    }

    /** This record holding a value of {@code type}. */
    public SecretMetadata withType(SecretType type) {
        return new SecretMetadata(id, org, name, type, visibility, owner, projects, passwordProtected, serverKeyId,
                publicKey, grants, version, createdAt, updatedAt);
    }

    /** This record with {@code visibility}. */
    public SecretMetadata withVisibility(Visibility visibility) {
        return new SecretMetadata(id, org, name, type, visibility, owner, projects, passwordProtected, serverKeyId,
                publicKey, grants, version, createdAt, updatedAt);
    }

    /** This record owned by {@code owner}. */
    public SecretMetadata withOwner(UUID owner) {
        return new SecretMetadata(id, org, name, type, visibility, owner, projects, passwordProtected, serverKeyId,
                publicKey, grants, version, createdAt, updatedAt);
    }

    /** This record restricted to {@code projects} (empty: no restriction). */
    public SecretMetadata withProjects(Set<String> projects) {
        return new SecretMetadata(id, org, name, type, visibility, owner, projects, passwordProtected, serverKeyId,
                publicKey, grants, version, createdAt, updatedAt);
    }

    /** This record with {@code grants} instead of its own. */
    public SecretMetadata withGrants(Map<Grantee, AccessLevel> grants) {
        return new SecretMetadata(id, org, name, type, visibility, owner, projects, passwordProtected, serverKeyId,
                publicKey, grants, version, createdAt, updatedAt);
    }

    /** This record with {@code publicKey} (key pairs) or none. */
    public SecretMetadata withPublicKey(Optional<String> publicKey) {
        return new SecretMetadata(id, org, name, type, visibility, owner, projects, passwordProtected, serverKeyId,
                publicKey, grants, version, createdAt, updatedAt);
    }

    /** This record sealed with server key {@code serverKeyId}, or with a store password if it is empty. */
    public SecretMetadata sealedWith(Optional<String> serverKeyId) {
        return new SecretMetadata(id, org, name, type, visibility, owner, projects, serverKeyId.isEmpty(), serverKeyId,
                publicKey, grants, version, createdAt, updatedAt);
    }

    /** This record at {@code version}, last changed at {@code updatedAt}: for stores reading a record back. */
    public SecretMetadata withVersion(long version, Instant updatedAt) {
        return new SecretMetadata(id, org, name, type, visibility, owner, projects, passwordProtected, serverKeyId,
                publicKey, grants, version, createdAt, updatedAt);
    }

    /** The next version of this record, changed at {@code at}: what every change writes. */
    public SecretMetadata nextVersion(Instant at) {
        return withVersion(Math.addExact(version, 1), at);
    }
}
