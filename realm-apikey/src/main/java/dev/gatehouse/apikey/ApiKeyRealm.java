package dev.gatehouse.apikey;

import dev.gatehouse.apikey.internal.DefaultApiKeyService;
import dev.gatehouse.apikey.internal.GatehouseKeys;
import dev.gatehouse.apikey.internal.KeyVerifier;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.TokenCredentials;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.audit.AuditTrail;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The {@code apikey} realm: authenticates requests that carry an API key in {@code Authorization},
 * either bare ({@code Authorization: <key>}, as Concord clients send it) or as
 * {@code Authorization: Bearer <key>}. A {@code Basic} header is never read as a key.
 *
 * <p>Keys look like {@code gh_<43 base62 characters><6 base62 characters of CRC32>}; a key of the
 * wrong length, characters or checksum is refused before any store is asked. Verified keys are
 * cached together with their owner's identity, so a repeated key costs neither a store nor a user
 * lookup; a revocation made through {@link #keys()} takes effect at once on this node, and within
 * {@link Builder#revocationBound(Duration)} (default 1 s) on other nodes that share the store. Keys
 * of disabled users are refused (within the same bound after the user is disabled, or at once after
 * {@link #invalidateUser(UUID)}). Last-used times are written in batches off the request path.
 *
 * <p>Store lookups (cache misses) run on a bounded pool and a request waits for one at most
 * {@link Builder#lookupTimeout(Duration)}; a store or user directory that is down or hangs makes
 * {@link AuthenticationResult.Unavailable} (503), never a rejection, and leaves nothing cached:
 * the same key works as soon as the store answers again.
 *
 * <p>Build one with {@link #builder(String, ApiKeyStore, UserDirectory)}, or configure realm type
 * {@code apikey} (see the module's README for the {@code realm.<name>.*} keys) and find it with
 * {@link Gatehouse#realm(Class) gatehouse.realm(ApiKeyRealm.class)}. Thread-safe. {@link #close()}
 * stops the background threads.
 */
public final class ApiKeyRealm implements Realm, AutoCloseable {

    /** The realm type configuration refers to. */
    public static final String TYPE = "apikey";

    private final String name;
    private final KeyVerifier verifier;
    private final ApiKeyService keys;
    private final List<String> challenges;

    private ApiKeyRealm(Builder b) {
        this.name = b.name;
        GatehouseKeys format = new GatehouseKeys(b.prefix);
        this.verifier = new KeyVerifier(new KeyVerifier.Settings(b.name, format, b.acceptConcordKeys, b.revocationBound,
                b.cacheSize, b.negativeCacheSize, b.maxConcurrentLookups, b.lookupTimeout, b.lastUsedFlushInterval),
                b.store, b.users,
                b.clock, b.ticker, b.permissions);
        this.keys = new DefaultApiKeyService(b.store, b.users, verifier, format, b.acceptConcordKeys, b.permissions,
                b.defaultLifetime, b.clock, b.name, b.audit);
        this.challenges = List.of("Bearer realm=\"" + b.name + "\"");
    }

    /**
     * Starts a realm over {@code store}, resolving key owners in {@code users}.
     *
     * @param name the realm's name, used in identities and logs
     */
    public static Builder builder(String name, ApiKeyStore store, UserDirectory users) {
        return new Builder(name, store, users);
    }

    /** The key service: what a host's API-key endpoint calls. */
    public ApiKeyService keys() {
        return keys;
    }

    /** The name this realm was built with. */
    @Override
    public String name() {
        return name;
    }

    /**
     * The key from {@code Authorization: <key>} or {@code Authorization: Bearer <key>}, if it has
     * this realm's prefix (or is shaped like a Concord key, when those are accepted).
     */
    @Override
    public Optional<Credentials> credentials(RequestView request) {
        AuthorizationHeader header = request.authorization();
        String token;
        if (header instanceof AuthorizationHeader.Bare bare) {
            token = bare.token();
        } else if (header instanceof AuthorizationHeader.Bearer bearer) {
            token = bearer.token();
        } else {
            return Optional.empty();
        }
        return verifier.claims(token) ? Optional.of(new TokenCredentials(token)) : Optional.empty();
    }

    /**
     * Verifies a key read by {@link #credentials(RequestView)}: {@code Authenticated} as the key's
     * owner; {@code Rejected} with the same client message for malformed, unknown, revoked and
     * expired keys and disabled owners; {@code Unavailable} when the store cannot answer. Never
     * throws for any token.
     */
    @Override
    public AuthenticationResult authenticate(Credentials credentials) {
        if (!(credentials instanceof TokenCredentials token)) {
            return AuthenticationResult.NotMine.instance();
        }
        return verifier.verify(token.token());
    }

    /** {@code Bearer realm="<name>"}. */
    @Override
    public List<String> challenges() {
        return challenges;
    }

    /**
     * Forgets the cached keys of {@code userId} on this node, so that disabling or deleting the user
     * in the directory takes effect here at once rather than within the revocation bound.
     */
    public void invalidateUser(UUID userId) {
        verifier.invalidateOwner(Objects.requireNonNull(userId, "userId"));
    }

    /** Writes pending last-used times now (they are also written every flush interval and on close). */
    public void flushLastUsed() {
        verifier.flushLastUsed();
    }

    /** Stops the background threads after writing pending last-used times. */
    @Override
    public void close() {
        verifier.close();
    }

    /** For tests in this module. */
    KeyVerifier verifier() {
        return verifier;
    }

    @Override
    public String toString() {
        return "ApiKeyRealm[" + name + "]";
    }

    /**
     * Builds an {@link ApiKeyRealm}. Not thread-safe. Every setter fails fast with an
     * {@link IllegalArgumentException} whose message starts with the setting's name, the same as
     * its {@code realm.<name>.<setting>} key (so that configuration errors name the key).
     */
    public static final class Builder {
        /** The largest {@link #maxConcurrentLookups(int)}. */
        public static final int MAX_CONCURRENT_LOOKUPS = 10_000;

        private final String name;
        private final ApiKeyStore store;
        private final UserDirectory users;
        private String prefix = "gh";
        private Clock clock = Clock.systemUTC();
        private LongSupplier ticker = System::nanoTime;
        private Duration revocationBound = Duration.ofSeconds(1);
        private int cacheSize = 100_000;
        private int negativeCacheSize = 10_000;
        private int maxConcurrentLookups = 16;
        private Duration lookupTimeout = Duration.ofSeconds(2);
        private Duration lastUsedFlushInterval = Duration.ofSeconds(10);
        private Optional<Duration> defaultLifetime = Optional.empty();
        private boolean acceptConcordKeys;
        private ApiKeyPermissions permissions = ApiKeyPermissions.adminRole("admin");
        private AuditTrail audit = AuditTrail.disabled();

        private Builder(String name, ApiKeyStore store, UserDirectory users) {
            this.name = Objects.requireNonNull(name, "name");
            this.store = Objects.requireNonNull(store, "store");
            this.users = Objects.requireNonNull(users, "users");
        }

        /** The key prefix: a lower-case letter, then 1 to 15 lower-case letters or digits; default {@code gh}. */
        public Builder prefix(String prefix) {
            if (prefix == null || !GatehouseKeys.PREFIX.matcher(prefix).matches()) {
                throw new IllegalArgumentException("prefix must match " + GatehouseKeys.PREFIX.pattern() + ", was '"
                        + prefix + "'");
            }
            this.prefix = prefix;
            return this;
        }

        /** The clock for key expiry and timestamps; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The monotonic time source (nanoseconds) that ages cache entries; default
         * {@link System#nanoTime()}. Tests pass a fake one to step past the revocation bound.
         */
        public Builder ticker(LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * How long a key revoked, or a user disabled, on another node may still be accepted here;
         * default 1 s. Zero turns the cache off: every request asks the store.
         */
        public Builder revocationBound(Duration bound) {
            if (bound == null || bound.isNegative()) {
                throw new IllegalArgumentException("revocationBound must be zero or positive, was " + bound);
            }
            this.revocationBound = bound;
            return this;
        }

        /** How many verified keys are cached; default 100000; zero turns the cache off. */
        public Builder cacheSize(int size) {
            if (size < 0) {
                throw new IllegalArgumentException("cacheSize must not be negative, was " + size);
            }
            this.cacheSize = size;
            return this;
        }

        /** How many unknown keys are remembered (for the revocation bound); default 10000. */
        public Builder negativeCacheSize(int size) {
            if (size < 0) {
                throw new IllegalArgumentException("negativeCacheSize must not be negative, was " + size);
            }
            this.negativeCacheSize = size;
            return this;
        }

        /**
         * At most this many store lookups (cache misses) run at once, on their own threads, with
         * four times as many queued, and at most five times as many requests wait for lookups
         * (requests for the same key share one lookup, and each counts); beyond that a miss is
         * answered 503 with {@code Retry-After: 1} at once. Default 16 (so at most 80 requests
         * wait on the store); 1 to {@value #MAX_CONCURRENT_LOOKUPS}. Applies with the cache off
         * too. Cached keys never wait for the store.
         */
        public Builder maxConcurrentLookups(int max) {
            if (max < 1 || max > MAX_CONCURRENT_LOOKUPS) {
                throw new IllegalArgumentException("maxConcurrentLookups must be between 1 and "
                        + MAX_CONCURRENT_LOOKUPS + ", was " + max);
            }
            this.maxConcurrentLookups = max;
            return this;
        }

        /**
         * The longest a request waits for the store, in total: a request that needs a lookup
         * waits for it once, at most this long, and is then answered 503 with
         * {@code Retry-After: 1} (the lookup goes on, bounded by the pool, and may fill the cache).
         * Default 2 s.
         */
        public Builder lookupTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("lookupTimeout must be positive, was " + timeout);
            }
            this.lookupTimeout = timeout;
            return this;
        }

        /** How often last-used times are written; default 10 s. */
        public Builder lastUsedFlushInterval(Duration interval) {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("lastUsedFlushInterval must be positive, was " + interval);
            }
            this.lastUsedFlushInterval = interval;
            return this;
        }

        /** The lifetime of keys created without an expiry; default none (they never expire). */
        public Builder defaultLifetime(Duration lifetime) {
            if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
                throw new IllegalArgumentException("defaultLifetime must be positive, was " + lifetime);
            }
            this.defaultLifetime = Optional.of(lifetime);
            return this;
        }

        /** Whether imported Concord keys authenticate; default false. */
        public Builder acceptConcordKeys(boolean accept) {
            this.acceptConcordKeys = accept;
            return this;
        }

        /**
         * The role of the default permission rule, {@link ApiKeyPermissions#adminRole(String)}:
         * holders may manage everyone's keys; default {@code admin}. Replaces any earlier
         * {@link #permissions(ApiKeyPermissions)}.
         */
        public Builder adminRole(String role) {
            if (role == null || role.isBlank()) {
                throw new IllegalArgumentException("adminRole must be a role name, was '" + role + "'");
            }
            this.permissions = ApiKeyPermissions.adminRole(role.strip());
            return this;
        }

        /**
         * Who may manage whose keys; default {@link ApiKeyPermissions#adminRole(String)} with
         * {@code admin}. Replaces any earlier {@link #adminRole(String)}.
         */
        public Builder permissions(ApiKeyPermissions permissions) {
            this.permissions = Objects.requireNonNull(permissions, "permissions");
            return this;
        }

        /**
         * Where key creations, revocations and expiries are recorded; default none
         * ({@link AuditTrail#disabled()}). The {@code apikey} realm type takes a host-registered
         * {@link AuditTrail} service. Requests with a key record nothing here (logins are the
         * engine's listener's): the hot path is unchanged.
         */
        public Builder audit(AuditTrail audit) {
            this.audit = Objects.requireNonNull(audit, "audit");
            return this;
        }

        /** Builds the realm and starts its background writer of last-used times. */
        public ApiKeyRealm build() {
            return new ApiKeyRealm(this);
        }
    }
}
