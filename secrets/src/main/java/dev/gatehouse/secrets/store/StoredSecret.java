package dev.gatehouse.secrets.store;

import dev.gatehouse.secrets.SecretMetadata;
import dev.gatehouse.secrets.crypto.SecretEnvelope;
import java.util.Objects;

/**
 * What a {@link SecretStore} keeps for one secret: the non-secret metadata, the sealed envelope and
 * the record version the envelope was sealed at. A store never sees a value or a key; it keeps all
 * three as given. The envelope array is not copied; stores and callers treat it as read-only.
 * Thread-safe as long as nobody writes to the array.
 *
 * @param metadata everything but the value
 * @param sealedVersion the {@link SecretMetadata#version()} at which {@code envelope} was sealed,
 *     which its associated data binds (so an older envelope put back under a newer record does not
 *     open); {@code 0} for an envelope of format 1, which predates that binding
 * @param envelope the value, sealed by {@link SecretEnvelope}
 */
public record StoredSecret(SecretMetadata metadata, long sealedVersion, byte[] envelope) {

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code sealedVersion} is negative or above the record's version
     */
    public StoredSecret {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(envelope, "envelope");
        if (sealedVersion < 0 || sealedVersion > metadata.version()) {
            throw new IllegalArgumentException("sealedVersion must be between 0 and the record's version "
                    + metadata.version() + ", was " + sealedVersion);
        }
    }

    @Override
    public String toString() {
        return "StoredSecret[" + metadata.qualifiedName() + ", id " + metadata.id() + ", v" + metadata.version()
                + ", sealed at v" + sealedVersion + ", " + envelope.length + " bytes sealed]";
    }
}
