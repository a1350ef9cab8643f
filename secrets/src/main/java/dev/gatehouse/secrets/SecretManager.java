package dev.gatehouse.secrets;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.FailureThrottle;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.secrets.crypto.Argon2Parameters;
import dev.gatehouse.secrets.crypto.SecretEnvelope;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.internal.DefaultSecretManager;
import dev.gatehouse.secrets.internal.StorePasswordGuard;
import dev.gatehouse.secrets.store.SecretStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Creates, reads, lists, updates and deletes secrets, and grants access to them. Every call names
 * the {@link Caller} and is checked by the {@link AccessPolicy}; a caller who may not see a secret
 * gets {@link SecretException.Kind#NOT_FOUND}, as if it did not exist. Values are sealed in
 * {@link SecretEnvelope}s (server key, or Argon2id of a store password) before the {@link SecretStore}
 * sees them, bound to the org and name asked for, the record's id and type, and the record version
 * they were sealed at, so that an envelope moved to another record or put back under a newer
 * version does not open.
 *
 * <p>Every write is a compare-and-set on the exact record it read ({@link SecretMetadata#id()} and
 * {@link SecretMetadata#version()}): a change based on an outdated version fails with
 * {@link SecretException.Kind#CONFLICT} instead of overwriting, and no write ever lands on a
 * record that was deleted or re-created meanwhile, also across nodes sharing one store.
 *
 * <p><b>Nodes and server keys.</b> Each manager is one node of its store's key ring: {@link
 * Builder#build()} registers the server keys it holds (by id and check value) in the store, and
 * the cluster's primary key (the one that seals new envelopes on every node) moves to a key only
 * when every live node is configured with it as its primary, so no node ever meets an envelope
 * under a key it was not given. See {@link #keyRing()}, {@link #retireKey(String)} and the module
 * README's "Key rotation".
 *
 * <p>Failures: {@link SecretException} for what the caller or operator can act on, its subclass
 * {@link KeyUnavailableException} (503) when this node lacks a server key it needs, and core's
 * {@link BackendUnavailableException} (503) when the store does not answer. Store passwords passed
 * in are wiped after the call. Thread-safe.
 *
 * <p>Wrong store passwords are throttled with core's {@link FailureThrottle} (the login throttle's
 * table): per secret and caller (after {@code maxFailures}, that caller waits, 1 s doubling up to
 * {@code maxDelay}); per secret from everywhere (once {@code maxCallersPerSecret} distinct callers
 * failed on it within {@code maxDelay}, every caller waits; one caller alone never triggers it);
 * per caller across secrets ({@code maxFailuresPerCaller}). A blocked attempt fails with
 * {@link ThrottledException} (429, {@code Retry-After}) before any key derivation and is not
 * counted. The count lives in each node's memory: behind N nodes a guesser gets up to N times the
 * bound (see the module README, "Store-password guessing").
 */
public interface SecretManager extends AutoCloseable {

    /**
     * Creates a secret owned by the caller (or {@code secret.owner()}).
     *
     * @throws SecretException ALREADY_EXISTS ("Secret already exists: name"), INVALID_INPUT (name,
     *     password policy, key pair halves that do not match), TOO_LARGE, ACCESS_DENIED
     */
    SecretMetadata create(Caller caller, NewSecret secret);

    /**
     * Reads a secret that has no store password.
     *
     * @throws SecretException NOT_FOUND, ACCESS_DENIED, INVALID_PASSWORD (it has one), CORRUPTED
     * @throws KeyUnavailableException if it is sealed with a server key this node lacks
     */
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
     *     update (a re-encryption sweep counts as a change); INVALID_PASSWORD if the current store
     *     password is wrong (nothing changes)
     * @throws ThrottledException as {@link #read(Caller, String, String, char[])}, for the current password
     */
    SecretMetadata update(Caller caller, String org, String name, SecretUpdate update);

    /**
     * Deletes a secret; needs OWNER. A change by a re-encryption sweep in between is retried; a
     * secret deleted and re-created by someone else in between is left alone.
     *
     * @throws SecretException NOT_FOUND, ACCESS_DENIED, CONFLICT (re-created or changed meanwhile)
     */
    void delete(Caller caller, String org, String name);

    /** Gives {@code grantee} {@code level} (replacing an earlier grant); needs OWNER. */
    SecretMetadata grant(Caller caller, String org, String name, Grantee grantee, AccessLevel level);

    /** Removes {@code grantee}'s grant; needs OWNER. */
    SecretMetadata revoke(Caller caller, String org, String name, Grantee grantee);

    /**
     * Moves every secret sealed with a server key other than the cluster's primary, or in an older
     * envelope format, to the primary key (and re-wraps every project key), one compare-and-set per
     * record naming the exact record read, while the system runs. A record that changed meanwhile is
     * read again and retried; one deleted or re-created meanwhile is never written. Password-protected
     * secrets are left as they are: their key comes from the password. An administrator's operation:
     * no caller.
     */
    ReencryptionReport reencryptAll();

    /** The store's key ring: the primary key, every key's state and every node's keys. */
    KeyRingStatus keyRing();

    /**
     * Marks server key {@code keyId} RETIRED, after which nodes may be started without it: the last
     * step of a rotation.
     *
     * @throws SecretException CONFLICT if it is the primary, a live node is configured with it as its
     *     primary, or any secret or project key is still sealed with it (run {@link #reencryptAll()});
     *     INVALID_INPUT if no such key is registered
     */
    void retireKey(String keyId);

    /**
     * Registers this node's keys in the key ring again. Every operation does so when a quarter of the
     * node timeout has passed; a host calls this from a timer on a node that may stay idle longer.
     */
    void heartbeat();

    /** The project-key encrypted strings that share this manager's store and keys. */
    EncryptedStrings encryptedStrings();

    /** The rules for new store passwords. */
    PasswordPolicy passwordPolicy();

    /** A strong random store password, returned once and never kept. */
    default char[] generatePassword() {
        return passwordPolicy().generatePassword();
    }

    /**
     * Removes this node from the key ring (so that a rotation does not wait for it) and stops its
     * heartbeats. Calls still in flight complete; do not use the manager afterwards. Never throws: a
     * store that does not answer leaves the entry to expire after the node timeout.
     */
    @Override
    void close();

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
        private Optional<String> nodeId = Optional.empty();
        private Duration nodeTimeout = SecretsConfig.DEFAULT_NODE_TIMEOUT;

        private Builder() {}

        /**
         * Takes key ring, Argon2id parameters and maximum, store-password throttling, password policy,
         * size limit and node settings from {@code config}.
         */
        public Builder config(SecretsConfig config) {
            this.keyRing = config.keyRing();
            this.argon2 = config.argon2();
            this.argon2Maximum = config.argon2Maximum();
            this.storePasswordThrottling = config.storePasswordThrottling();
            this.passwordPolicy = config.passwordPolicy();
            this.maxValueBytes = config.maxValueBytes();
            this.nodeId = config.nodeId();
            this.nodeTimeout = config.nodeTimeout();
            return this;
        }

        /** Where secrets are kept (required). */
        public Builder store(SecretStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * The server keys this node holds (required, or from {@link #config}); its primary is the key
         * this node is configured to seal with once every node agrees.
         */
        public Builder keyRing(ServerKeyRing keyRing) {
            this.keyRing = Objects.requireNonNull(keyRing, "keyRing");
            return this;
        }

        /** Replaces the standard access policy. */
        public Builder accessPolicy(AccessPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The clock for created/updated times and key-ring registrations (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Argon2id parameters for new store passwords (default: OWASP's minimum). */
        public Builder argon2(Argon2Parameters argon2) {
            this.argon2 = Objects.requireNonNull(argon2, "argon2");
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

        /**
         * This node's id in the key ring (default: a random one per manager). A stable id, such as the
         * host name, lets a restarted node replace its own entry instead of waiting for it to expire.
         */
        public Builder nodeId(String nodeId) {
            if (!SecretsConfig.NODE_ID.matcher(Objects.requireNonNull(nodeId, "nodeId")).matches()) {
                throw new IllegalArgumentException("nodeId must be 1-64 letters, digits, '.', '_', ':' or '-', "
                        + "starting with a letter or digit: '" + nodeId + "'");
            }
            this.nodeId = Optional.of(nodeId);
            return this;
        }

        /**
         * How long a node counts as live after it last registered (default 10 minutes, at least 10
         * seconds). Nodes' clocks must agree to well within it.
         */
        public Builder nodeTimeout(Duration nodeTimeout) {
            if (nodeTimeout.compareTo(Duration.ofSeconds(10)) < 0) {
                throw new IllegalArgumentException("nodeTimeout must be at least 10 seconds, was " + nodeTimeout);
            }
            this.nodeTimeout = nodeTimeout;
            return this;
        }

        /**
         * Builds the manager and registers this node's server keys in the store's key ring (one
         * read and, if anything changed, one compare-and-set of the key-ring record).
         *
         * @throws IllegalStateException if the store or the key ring is missing
         * @throws ConfigurationException naming {@code secrets.serverKey.<id>} if this node holds a key
         *     under an id that the cluster registered with other material, or lacks a key the
         *     cluster's secrets may still be sealed with (the primary, or one not yet retired)
         * @throws BackendUnavailableException if the store does not answer
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
            return DefaultSecretManager.start(store, keyRing, policy, clock, argon2, passwordPolicy, maxValueBytes,
                    nodeId.orElseGet(() -> "node-" + UUID.randomUUID()), nodeTimeout, passwords);
        }
    }
}
