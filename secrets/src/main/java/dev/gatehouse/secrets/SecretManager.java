package dev.gatehouse.secrets;

import dev.gatehouse.core.FailureThrottle;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.secrets.crypto.Argon2Parameters;
import dev.gatehouse.secrets.crypto.SecretEnvelope;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.internal.DefaultSecretManager;
import dev.gatehouse.secrets.internal.StorePasswordGuard;
import dev.gatehouse.secrets.store.SecretStore;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Creates, reads, lists, updates and deletes secrets, and grants access to them. Every call names
 * the {@link Caller} and is checked by the {@link AccessPolicy}; a caller who may not see a secret
 * gets {@link SecretException.Kind#NOT_FOUND}, as if it did not exist. Values are sealed in
 * {@link SecretEnvelope}s (server key, or Argon2id of a store password) before the {@link SecretStore}
 * sees them. Updates are optimistic: a change based on an outdated version fails with
 * {@link SecretException.Kind#CONFLICT} instead of overwriting. Thread-safe.
 *
 * <p>Store passwords passed in are wiped after the call. Wrong store passwords are throttled
 * with core's {@link FailureThrottle} (the login throttle's table): per secret and caller (after
 * {@code maxFailures}, that caller waits, 1 s doubling up to {@code maxDelay}); per secret from
 * everywhere (once {@code maxCallersPerSecret} distinct callers failed on it within
 * {@code maxDelay}, every caller waits; one caller alone never triggers it); per caller across
 * secrets ({@code maxFailuresPerCaller}). A blocked attempt fails with {@link ThrottledException}
 * (429, {@code Retry-After}) before any key derivation and is not counted. The count lives in each
 * node's memory: behind N nodes a guesser gets up to N times the bound (see the README).
 */
public interface SecretManager {

    /**
     * Creates a secret owned by the caller (or {@code secret.owner()}).
     *
     * @throws SecretException ALREADY_EXISTS ("Secret already exists: name"), INVALID_INPUT (name,
     *     password policy, key pair halves that do not match), TOO_LARGE, ACCESS_DENIED
     */
    SecretMetadata create(Caller caller, NewSecret secret);

    /** Reads a secret that has no store password. @throws SecretException NOT_FOUND, ACCESS_DENIED, INVALID_PASSWORD */
    SecretValue read(Caller caller, String org, String name);

    /**
     * Reads and decrypts a secret with its store password.
     *
     * @throws SecretException INVALID_PASSWORD ("Invalid password or corrupted data") for a wrong or
     *     empty password; NOT_FOUND; ACCESS_DENIED (including a project-restricted secret read outside a
     *     process of its projects); CORRUPTED (also for an envelope asking for more Argon2id work than
     *     {@link Builder#argon2Maximum} allows, before any work)
     * @throws ThrottledException if too many wrong store passwords were given for this secret by this
     *     caller, or by many callers; the password was not checked
     * @throws KeyUnavailableException if the secret is sealed with a server key this node lacks
     */
    SecretValue read(Caller caller, String org, String name, char[] storePassword);

    /** The {@code authorized_keys} line of a key pair; needs no store password. */
    String readPublicKey(Caller caller, String org, String name);

    /** A secret's metadata. */
    SecretMetadata metadata(Caller caller, String org, String name);

    /** The metadata of the secrets of {@code org} the caller may see, by name. */
    List<SecretMetadata> list(Caller caller, String org);

    /**
     * Applies {@code update}: value and store password need WRITER, owner/visibility/projects OWNER.
     *
     * @throws SecretException CONFLICT if the secret changed since {@code expectedVersion} or during the
     *     update; INVALID_PASSWORD if the current store password is wrong (nothing changes)
     * @throws ThrottledException as {@link #read(Caller, String, String, char[])}, for the current password
     */
    SecretMetadata update(Caller caller, String org, String name, SecretUpdate update);

    /** Deletes a secret; needs OWNER. */
    void delete(Caller caller, String org, String name);

    /** Gives {@code grantee} {@code level} (replacing an earlier grant); needs OWNER. */
    SecretMetadata grant(Caller caller, String org, String name, Grantee grantee, AccessLevel level);

    /** Removes {@code grantee}'s grant; needs OWNER. */
    SecretMetadata revoke(Caller caller, String org, String name, Grantee grantee);

    /**
     * Moves every secret sealed with a non-primary server key (and every project key) to the primary
     * key, one compare-and-set per record, while the system runs. Password-protected secrets are left
     * as they are: their key comes from the password. An administrator's operation: no caller.
     */
    ReencryptionReport reencryptAll();

    /** The project-key encrypted strings that share this manager's store and keys. */
    EncryptedStrings encryptedStrings();

    /** The rules for new store passwords. */
    PasswordPolicy passwordPolicy();

    /** A strong random store password, returned once and never kept. */
    default char[] generatePassword() {
        return passwordPolicy().generatePassword();
    }

    /** Starts a manager. */
    static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SecretManager}. Not thread-safe. */
    final class Builder {
        private SecretStore store;
        private ServerKeyRing keyRing;
        private AccessPolicy policy = AccessPolicy.standard();
        private Clock clock = Clock.systemUTC();
        private Argon2Parameters argon2 = Argon2Parameters.owaspMinimum();
        private Argon2Parameters argon2Maximum;
        private Throttling storePasswordThrottling = SecretsConfig.DEFAULT_STORE_PASSWORD_THROTTLING;
        private PasswordPolicy passwordPolicy = PasswordPolicy.standard();
        private int maxValueBytes = SecretsConfig.DEFAULT_MAX_VALUE_BYTES;

        private Builder() {}

        /**
         * Takes key ring, Argon2id parameters and maximum, store-password throttling, password policy
         * and size limit from {@code config}.
         */
        public Builder config(SecretsConfig config) {
            this.keyRing = config.keyRing();
            this.argon2 = config.argon2();
            this.argon2Maximum = config.argon2Maximum();
            this.storePasswordThrottling = config.storePasswordThrottling();
            this.passwordPolicy = config.passwordPolicy();
            this.maxValueBytes = config.maxValueBytes();
            return this;
        }

        /** Where secrets are kept (required). */
        public Builder store(SecretStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The server keys (required, or from {@link #config}). */
        public Builder keyRing(ServerKeyRing keyRing) {
            this.keyRing = Objects.requireNonNull(keyRing, "keyRing");
            return this;
        }

        /** Replaces the standard access policy. */
        public Builder accessPolicy(AccessPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The clock for created/updated times (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Argon2id parameters for new store passwords (default: OWASP's minimum). */
        public Builder argon2(Argon2Parameters argon2) {
            this.argon2 = Objects.requireNonNull(argon2, "argon2");
            return this;
        }

        /**
         * The most Argon2id work a stored envelope may ask for (default: each parameter the larger
         * of {@link Argon2Parameters#defaultOpenMaximum()} and {@link #argon2}'s). An envelope
         * whose header asks for more is CORRUPTED before any key derivation.
         */
        public Builder argon2Maximum(Argon2Parameters argon2Maximum) {
            this.argon2Maximum = Objects.requireNonNull(argon2Maximum, "argon2Maximum");
            return this;
        }

        /**
         * How wrong store passwords are throttled (default:
         * {@link SecretsConfig#DEFAULT_STORE_PASSWORD_THROTTLING}), with core's
         * {@link FailureThrottle}: the secret is the subject, the caller's user id the actor.
         * {@link Throttling#disabled()} turns it off (tests only).
         */
        public Builder storePasswordThrottling(Throttling throttling) {
            this.storePasswordThrottling = Objects.requireNonNull(throttling, "throttling");
            return this;
        }

        /** The rules for new store passwords (default: {@link PasswordPolicy#standard()}). */
        public Builder passwordPolicy(PasswordPolicy passwordPolicy) {
            this.passwordPolicy = Objects.requireNonNull(passwordPolicy, "passwordPolicy");
            return this;
        }

        /** The largest value accepted, in bytes (default 1 MiB). */
        public Builder maxValueBytes(int maxValueBytes) {
            if (maxValueBytes < 1) {
                throw new IllegalArgumentException("maxValueBytes must be positive, was " + maxValueBytes);
            }
            this.maxValueBytes = maxValueBytes;
            return this;
        }

        /**
         * @throws IllegalStateException if the store or the key ring is missing
         * @throws IllegalArgumentException if {@code argon2Maximum} is below {@code argon2}
         */
        public SecretManager build() {
            if (store == null) {
                throw new IllegalStateException("a secret store is required: call store(...)");
            }
            if (keyRing == null) {
                throw new IllegalStateException("a server key ring is required: call keyRing(...) or config(...)");
            }
            Argon2Parameters maximum = argon2Maximum != null ? argon2Maximum
                    : argon2.atLeast(Argon2Parameters.defaultOpenMaximum());
            StorePasswordGuard passwords = new StorePasswordGuard(argon2, maximum,
                    FailureThrottle.create(storePasswordThrottling, clock));
            return new DefaultSecretManager(store, keyRing, policy, clock, argon2, passwordPolicy, maxValueBytes,
                    passwords);
        }
    }
}
