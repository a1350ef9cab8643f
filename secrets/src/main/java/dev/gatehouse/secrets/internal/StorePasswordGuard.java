package dev.gatehouse.secrets.internal;

import dev.gatehouse.core.FailureThrottle;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.SecretMetadata;
import dev.gatehouse.secrets.ThrottledException;
import dev.gatehouse.secrets.crypto.Argon2Parameters;
import dev.gatehouse.secrets.crypto.SecretEnvelope;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Every opening of an envelope with a store password goes through here, in this order: the
 * throttle (a blocked attempt is refused before any work and is not counted), the bound on the
 * Argon2id parameters the envelope's header asks for (above it, CORRUPTED before any key
 * derivation), then Argon2id and AES-GCM. A wrong password counts one failure of the caller on
 * the secret (by its id); a right one forgets the caller's failures there. Thread-safe.
 */
public final class StorePasswordGuard {

    private final Argon2Parameters sealParameters;
    private final Argon2Parameters openMaximum;
    private final FailureThrottle throttle;

    /**
     * @param sealParameters what {@link SecretEnvelope#withPassword} is built with
     * @param openMaximum the most an envelope may ask for; at least {@code sealParameters}
     * @param throttle counts wrong passwords per secret (subject) and caller (actor)
     */
    public StorePasswordGuard(Argon2Parameters sealParameters, Argon2Parameters openMaximum, FailureThrottle throttle) {
        this.sealParameters = Objects.requireNonNull(sealParameters, "sealParameters");
        this.openMaximum = Objects.requireNonNull(openMaximum, "openMaximum");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
        if (!sealParameters.within(openMaximum)) {
            throw new IllegalArgumentException("argon2Maximum (" + openMaximum + ") must not be below the parameters "
                    + "new store passwords are sealed with (" + sealParameters + ")");
        }
    }

    /**
     * Opens the password-protected envelope of {@code m} for {@code caller}.
     *
     * @throws ThrottledException if the caller, or this secret, is blocked for now
     * @throws SecretException CORRUPTED if the envelope is unreadable or asks for more than the
     *     maximum; INVALID_PASSWORD for a wrong or empty password (counted)
     */
    public byte[] open(Caller caller, SecretMetadata m, byte[] envelope, byte[] associatedData, char[] password) {
        String subject = m.id().toString();
        String actor = caller.userId().toString();
        Optional<Duration> wait = throttle.blocked(subject, actor);
        if (wait.isPresent()) {
            throw new ThrottledException(wait.get(), "Too many wrong store passwords for secret " + m.qualifiedName());
        }
        Optional<Argon2Parameters> asked = SecretEnvelope.header(envelope).argon2();
        if (asked.isPresent() && !asked.get().within(openMaximum)) {
            throw new SecretException(Kind.CORRUPTED, "Secret " + m.qualifiedName() + " cannot be opened: its envelope "
                    + "asks for Argon2id " + describe(asked.get()) + ", above this node's maximum of "
                    + describe(openMaximum) + " (secrets.argon2.maxMemoryKiB, maxIterations, maxParallelism)");
        }
        byte[] plain;
        try {
            plain = SecretEnvelope.withPassword(password, sealParameters).open(envelope, associatedData);
        } catch (SecretException e) {
            if (e.kind() == Kind.INVALID_PASSWORD) {
                throttle.failure(subject, actor);
            }
            throw e;
        }
        throttle.success(subject, actor);
        return plain;
    }

    private static String describe(Argon2Parameters p) {
        return p.memoryKiB() + " KiB, " + p.iterations() + " iterations, parallelism " + p.parallelism();
    }

    @Override
    public String toString() {
        return "StorePasswordGuard[max " + describe(openMaximum) + ", " + throttle + "]";
    }
}
