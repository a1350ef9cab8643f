package dev.gatehouse.session;

import dev.gatehouse.core.Accounts;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.session.internal.ConcordTokens;
import dev.gatehouse.session.internal.SessionKeys;
import dev.gatehouse.session.internal.SessionVerifier;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The {@code session} realm: a process's session token, from the configured header (default
 * {@code X-Concord-SessionToken}) or as the username of {@code Authorization: Basic} with an empty
 * password, authenticates as the process's <em>current</em> user, with the process attached to the
 * identity ({@code Identity.process()}), and only while the {@link ProcessRegistry} reports the
 * process with a status that is not final. New tokens come from {@link #tokens()}.
 *
 * <p><b>Revocation.</b> A final status (or a forgotten process) refuses the process's tokens at
 * once on the node that wrote it, and within the registry's bound on the others ({@link
 * ProcessStore}: {@link ProcessStore.Builder#maxStaleness}, 1 s by default): the registry is asked
 * on every request. The user's standing (exists, not disabled, roles) is cached with each verified
 * token for at most {@link Builder#revocationBound(Duration)} (1 s by default) and re-read in the
 * background before then, so a repeated token costs no user-directory round trip while nothing
 * changed, and a user disabled on any node is refused here within the bound ({@link
 * #invalidateUser(UUID)}: at once on this node).
 *
 * <p>Build one with {@link #builder(String, ProcessRegistry, UserDirectory)}, or configure realm
 * type {@code session} (the {@code realm.<name>.*} keys are in the module's README) and find it
 * with {@code gatehouse.realm(SessionRealm.class)}. Thread-safe. {@link #close()} stops the
 * background re-reads.
 */
public final class SessionRealm implements Realm, AutoCloseable {

    /** The realm type configuration refers to. */
    public static final String TYPE = "session";

    /** The header a token is read from unless {@link Builder#header(String)} names another. */
    public static final String DEFAULT_HEADER = "X-Concord-SessionToken";

    private final String name;
    private final SessionVerifier verifier;
    private final ProcessRegistry registry;

    private SessionRealm(Builder b, SessionKeys keys) {
        this.name = b.name;
        this.registry = b.registry;
        this.verifier = new SessionVerifier(new SessionVerifier.Settings(b.name, b.header, b.acceptBasic, keys,
                b.maxLifetime, b.clockSkew, Optional.ofNullable(b.concord), b.revocationBound, b.cacheSize),
                // The verifier caches identities under its own revocation bound: a second cache in
                // Accounts would only lengthen it.
                b.registry, new Accounts(b.users, b.clock, java.time.Duration.ZERO, b.ticker), b.clock, b.ticker,
                Optional.ofNullable(b.refreshExecutor));
        b.users.addChangeListener(verifier::invalidateUser); // a change made on this node counts at once
    }

    /**
     * Starts a realm named {@code name} that asks {@code processes} which processes may act and
     * resolves their current users in {@code users}. At least one key ({@link Builder#key}) is
     * required.
     *
     * @param name the realm's name, recorded in identities and logs
     */
    public static Builder builder(String name, ProcessRegistry processes, UserDirectory users) {
        return new Builder(name, processes, users);
    }

    /** Issues session tokens under this realm's issuing key, for processes its registry knows. */
    public SessionTokens tokens() {
        return verifier.tokens();
    }

    /**
     * The registry this realm asks, as a {@link ProcessStore} if it is one: the store the host
     * records its processes in when the realm was configured with {@code store=jdbc} or
     * {@code store=memory}.
     */
    public Optional<ProcessStore> processStore() {
        return registry instanceof ProcessStore store ? Optional.of(store) : Optional.empty();
    }

    /**
     * Forgets, on this node, the cached standing of {@code userId}, so that disabling, deleting or
     * changing the roles of that user takes effect here at once rather than within the revocation
     * bound.
     */
    public void invalidateUser(UUID userId) {
        verifier.invalidateUser(userId);
    }

    /** The name this realm was built with. */
    @Override
    public String name() {
        return name;
    }

    /** The token header, and {@code Authorization} when tokens are also read from Basic. */
    @Override
    public Set<String> credentialHeaders() {
        return verifier.credentialHeaders();
    }

    /**
     * The token from the configured header (a request that sends the header twice is refused), or
     * from {@code Authorization: Basic} when its username is shaped like a token and its password is
     * empty; any other Basic value is left to the next realm.
     */
    @Override
    public Optional<Credentials> credentials(RequestView request) {
        return verifier.credentials(request);
    }

    /**
     * Verifies a token read by {@link #credentials(RequestView)}: {@code Authenticated} as the
     * process's current user with the process attached; {@code Rejected} (401, one client message
     * for every reason) for a malformed, forged, expired or unknown token, a final or unknown
     * process, a deleted or disabled user; {@code Unavailable} (503) when the registry or the user
     * directory does not answer. Never throws.
     */
    @Override
    public AuthenticationResult authenticate(Credentials credentials) {
        return verifier.authenticate(credentials);
    }

    /** Stops the background re-reads of cached users; cached entries then expire on time. */
    @Override
    public void close() {
        verifier.close();
    }

    /** For tests in this module. */
    SessionVerifier verifier() {
        return verifier;
    }

    @Override
    public String toString() {
        return "SessionRealm[" + name + ", " + verifier + "]";
    }

    /**
     * Builds a {@link SessionRealm}. Not thread-safe. Every setter fails fast with an {@link
     * IllegalArgumentException} whose message starts with the setting's name, the same as its
     * {@code realm.<name>.<key>} key, and never contains key material.
     */
    public static final class Builder {

        private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]{1,64}");
        private static final Duration MAX_BOUND = Duration.ofMinutes(1);

        private final String name;
        private final ProcessRegistry registry;
        private final UserDirectory users;
        private final Map<String, byte[]> keys = new LinkedHashMap<>();
        private String issuingKey;
        private String header = DEFAULT_HEADER;
        private boolean acceptBasic = true;
        private Duration maxLifetime = Duration.ofHours(24);
        private Duration clockSkew = Duration.ofSeconds(30);
        private Duration revocationBound = Duration.ofSeconds(1);
        private int cacheSize = 10_000;
        private ConcordTokens concord;
        private Clock clock = Clock.systemUTC();
        private LongSupplier ticker = System::nanoTime;
        private Executor refreshExecutor;

        private Builder(String name, ProcessRegistry registry, UserDirectory users) {
            this.name = Objects.requireNonNull(name, "name");
            this.registry = Objects.requireNonNull(registry, "processes");
            this.users = Objects.requireNonNull(users, "users");
        }

        /**
         * Adds a key that verifies tokens naming {@code keyId} as their {@code kid}, and may issue
         * them ({@link #issuingKey(String)}). The bytes are copied; the caller may wipe them.
         *
         * @param keyId 1 to 64 of {@code A-Z a-z 0-9 . _ -}
         * @param key exactly 256 bits (32 random bytes: {@code openssl rand -base64 32})
         * @throws IllegalArgumentException starting {@code keys.<keyId>} if either is unusable or the
         *     id was added before
         */
        public Builder key(String keyId, byte[] key) {
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(key, "key");
            Optional<String> problem = SessionKeys.problemWith(keyId, key);
            if (problem.isPresent()) {
                throw new IllegalArgumentException("keys." + keyId + ": " + problem.get());
            }
            if (keys.containsKey(keyId)) {
                throw new IllegalArgumentException("keys." + keyId + ": was already added");
            }
            keys.put(keyId, key.clone());
            return this;
        }

        /** Which key issues new tokens; required when there are several, else the only key. */
        public Builder issuingKey(String keyId) {
            if (keyId == null || keyId.isBlank()) {
                throw new IllegalArgumentException("issuingKey must name one of the keys, was '" + keyId + "'");
            }
            this.issuingKey = keyId;
            return this;
        }

        /**
         * The header tokens are read from; default {@value SessionRealm#DEFAULT_HEADER}. Declared
         * in {@link Realm#credentialHeaders()}, so a request carrying it is never let through
         * anonymously.
         *
         * @throws IllegalArgumentException unless 1 to 64 letters, digits and {@code -}, other
         *     than {@code Authorization}
         */
        public Builder header(String header) {
            if (header == null || !HEADER.matcher(header).matches() || header.equalsIgnoreCase("Authorization")) {
                throw new IllegalArgumentException("header must be a header name of letters, digits and '-' other"
                        + " than Authorization, was '" + header + "'");
            }
            this.header = header;
            return this;
        }

        /**
         * Whether a token is also read as the username of {@code Authorization: Basic} with an
         * empty password, as Concord clients send it; default true.
         */
        public Builder acceptBasic(boolean acceptBasic) {
            this.acceptBasic = acceptBasic;
            return this;
        }

        /**
         * The expiry backstop written into every token ({@code exp = iat + maxLifetime}); tokens
         * claiming a longer one are refused too. Default 24 h; 1 minute to 366 days.
         */
        public Builder maxLifetime(Duration maxLifetime) {
            if (maxLifetime == null || maxLifetime.compareTo(Duration.ofMinutes(1)) < 0
                    || maxLifetime.compareTo(Duration.ofDays(366)) > 0) {
                throw new IllegalArgumentException("maxLifetime must be between 1 minute and 366 days, was "
                        + maxLifetime);
            }
            this.maxLifetime = maxLifetime;
            return this;
        }

        /**
         * How far in the future a token's {@code iat} may be (another node's clock); default 30 s,
         * 0 to 5 minutes. Expiry itself has no leeway.
         */
        public Builder clockSkew(Duration clockSkew) {
            if (clockSkew == null || clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("clockSkew must be between 0 and 5 minutes, was " + clockSkew);
            }
            this.clockSkew = clockSkew;
            return this;
        }

        /**
         * How long a user disabled, deleted or given other roles on another node may still be seen
         * here as before: each verified token is cached with its user's standing for at most this
         * long (re-read in the background after half of it). Default 1 s; 0 to 1 minute; zero
         * turns the cache off (every request decrypts and reads the user). Does not delay a final
         * process status: the registry is asked on every request.
         */
        public Builder revocationBound(Duration bound) {
            if (bound == null || bound.isNegative() || bound.compareTo(MAX_BOUND) > 0) {
                throw new IllegalArgumentException("revocationBound must be between 0 and 1 minute, was " + bound);
            }
            this.revocationBound = bound;
            return this;
        }

        /**
         * How many verified tokens are cached; default 10000. When full, Caffeine evicts the
         * entries least likely to be used again. Zero turns the cache off.
         */
        public Builder cacheSize(int cacheSize) {
            if (cacheSize < 0 || cacheSize > 10_000_000) {
                throw new IllegalArgumentException("cacheSize must be between 0 and 10000000, was " + cacheSize);
            }
            this.cacheSize = cacheSize;
            return this;
        }

        /**
         * Also accepts Concord's own tokens ({@code base64(AES-ECB(processId))} under
         * {@code MD5(secretStoreSalt || serverPassword)}), for a migration from Concord: they have
         * no expiry and no integrity, so turn this off once no process started under Concord
         * remains. The arrays are not kept; the caller may wipe them.
         *
         * @param secretStoreSalt Concord's {@code secretStoreSalt}, decoded
         * @param serverPassword Concord's {@code serverPassword}, decoded
         * @throws IllegalArgumentException starting {@code concord.secretStoreSalt} or
         *     {@code concord.serverPassword} if one is empty
         */
        public Builder concordTokens(byte[] secretStoreSalt, byte[] serverPassword) {
            if (secretStoreSalt == null || secretStoreSalt.length == 0) {
                throw new IllegalArgumentException("concord.secretStoreSalt must not be empty");
            }
            if (serverPassword == null || serverPassword.length == 0) {
                throw new IllegalArgumentException("concord.serverPassword must not be empty");
            }
            this.concord = ConcordTokens.of(secretStoreSalt, serverPassword);
            return this;
        }

        /** The wall clock token lifetimes are measured with; default {@link Clock#systemUTC()}. */
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
         * Where the background re-reads of cached users run; default two daemon threads of the
         * realm's own, stopped by {@link SessionRealm#close()} (an executor given here is not
         * stopped). A re-read the executor refuses leaves the entry to expire on time.
         */
        public Builder refreshExecutor(Executor executor) {
            this.refreshExecutor = Objects.requireNonNull(executor, "refreshExecutor");
            return this;
        }

        /**
         * Builds the realm.
         *
         * @throws IllegalArgumentException starting {@code keys} if no key was added, or
         *     {@code issuingKey} if it is missing among several keys or names none of them
         */
        public SessionRealm build() {
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("keys.<id>: at least one key is required, e.g. keys.k1="
                        + "${env:SESSION_KEY_1} holding 32 random bytes in base64 (openssl rand -base64 32)");
            }
            String issuing = issuingKey;
            if (issuing == null) {
                if (keys.size() > 1) {
                    throw new IllegalArgumentException("issuingKey is required when more than one key is configured;"
                            + " one of " + keys.keySet());
                }
                issuing = keys.keySet().iterator().next();
            } else if (!keys.containsKey(issuing)) {
                throw new IllegalArgumentException("issuingKey '" + issuing + "' is not one of the configured keys "
                        + keys.keySet());
            }
            return new SessionRealm(this, SessionKeys.of(keys, issuing));
        }

        @Override
        public String toString() {
            return "SessionRealm.Builder[" + name + ", keys=" + keys.keySet() + ", key material redacted]";
        }
    }
}
