package dev.gatehouse.secrets.store;

import dev.gatehouse.secrets.SecretMetadata;
import dev.gatehouse.secrets.crypto.SecretEnvelope;
import java.util.Objects;

/**
 * What a {@link SecretStore} keeps for one secret: the non-secret metadata and the sealed envelope.
 * A store never sees a value or a key. The envelope array is not copied; stores and callers treat
 * it as read-only. Thread-safe as long as nobody writes to the array.
 *
 * @param metadata everything but the value
 * @param envelope the value, sealed by {@link SecretEnvelope}
 */
public record StoredSecret(SecretMetadata metadata, byte[] envelope) {

    /** @throws NullPointerException if an argument is null */
    public StoredSecret {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String toString() {
        return "StoredSecret[" + metadata.qualifiedName() + ", v" + metadata.version() + ", " + envelope.length
                + " bytes sealed]";
    }
}
