package dev.gatehouse.secrets;

import java.util.Set;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.FailureThrottle;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Settings;
import dev.gatehouse.secrets.crypto.Argon2Parameters;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.internal.StoreProviders;
import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.secrets.store.SecretStoreProvider;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The {@code secrets.*} settings, read with core's {@link Settings} (so a missing, malformed or
 * misspelt key is reported the same way as a realm's). Keys:
 *
 * <ul>
 *   <li>{@code secrets.serverKey.<id>} base64 of at least 256 bits ({@code ${env:NAME}} allowed), one or
 *       more; {@code secrets.serverKey.primary} the id this node proposes for new envelopes (needed
 *       with several keys)
 *   <li>{@code secrets.argon2.memoryKiB} (19456), {@code secrets.argon2.iterations} (2),
 *       {@code secrets.argon2.parallelism} (1): never below OWASP's minimum
 *   <li>{@code secrets.argon2.maxMemoryKiB} (32768), {@code maxIterations} (3),
 *       {@code maxParallelism} (4), each at least the parameter above: the most Argon2id work a
 *       stored envelope may ask for; an envelope asking for more is CORRUPTED before any work
 *   <li>{@code secrets.throttle.enabled} (true), {@code maxFailures} (5 per secret and caller),
 *       {@code initialDelay} (1s), {@code maxDelay} (5m), {@code maxCallersPerSecret} (10, or 0),
 *       {@code maxFailuresPerCaller} (100, or 0), {@code maxTracked} (100000): wrong store
 *       passwords, throttled by core's {@link FailureThrottle} (see {@link SecretManager})
 *   <li>{@code secrets.password.minLength} (7), {@code secrets.password.requireUpper},
 *       {@code requireLower}, {@code requireDigit} (true)
 *   <li>{@code secrets.maxSize} largest value in bytes (1048576)
 *   <li>{@code secrets.nodeId} this node's id in the store's key ring (default: a random one per
 *       start; give a stable one, such as the host name, so that a restarted node replaces its entry)
 *       and {@code secrets.nodeTimeout} (10 minutes) after which a node that did not register again
 *       no longer counts for key rotation
 *   <li>{@code secrets.store} ({@code memory}, {@code file}, {@code jdbc} or a plugin's type) and
 *       {@code secrets.store.<key>} for the store: {@code path} (file), {@code applySchema} (jdbc,
 *       default true)
 * </ul>
 *
 * Any other {@code secrets.*} key is refused, so that a misspelt setting fails at start-up; the
 * store's keys are checked when {@link #openStore} builds it. Immutable, thread-safe;
 * {@code toString()} shows no key material and no setting values.
 *
 * @param keyRing the server keys
 * @param argon2 the Argon2id parameters for new store passwords
 * @param passwordPolicy the rules for new store passwords
 * @param maxValueBytes the largest value accepted
 * @param storeType the store type
 * @param storeSettings the store's settings without the {@code secrets.store.} prefix
 * @param nodeId this node's id in the key ring, if configured
 * @param nodeTimeout how long a node counts as live after it registered
 * @param argon2Maximum the most Argon2id work an envelope may ask for, at least {@code argon2}
 * @param storePasswordThrottling how wrong store passwords are throttled: subject = the secret,
 *     actor = the caller ({@link FailureThrottle})
 */
public record SecretsConfig(ServerKeyRing keyRing, Argon2Parameters argon2, Argon2Parameters argon2Maximum,
        Throttling storePasswordThrottling, PasswordPolicy passwordPolicy,
        int maxValueBytes, String storeType, Map<String, String> storeSettings, Optional<String> nodeId,
        Duration nodeTimeout) {

    /** The prefix of every setting: {@value}. */
    public static final String PREFIX = "secrets";
    /** The default limit on a value: 1 MiB. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;
    /** The largest limit on a value that may be configured: 64 MiB. */
    public static final int MAX_MAX_VALUE_BYTES = 64 * 1024 * 1024;
    /** The default node timeout: 10 minutes. */
    public static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofMinutes(10);
    /** What a node id may be: 1-64 letters, digits and {@code . _ : -}. */
    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

    /**
     * How wrong store passwords are throttled unless configured: {@link Throttling#defaults()}, that
     * is 5 per secret and caller, then 1 s doubling up to 5 minutes; a secret blocked for everyone
     * once 10 callers failed on it within 5 minutes; a caller blocked everywhere after 100
     * consecutive failures; 100,000 entries ({@link Throttling#defaults()} without login forms,
     * which play no part here).
     */
    public static final Throttling DEFAULT_STORE_PASSWORD_THROTTLING = Throttling.builder().loginForms(Set.of()).build();

    /**
     * Copies the store settings.
     *
     * @throws NullPointerException if an argument is null
     */
    public SecretsConfig {
        Objects.requireNonNull(keyRing, "keyRing");
        Objects.requireNonNull(argon2, "argon2");
        Objects.requireNonNull(argon2Maximum, "argon2Maximum");
        Objects.requireNonNull(storePasswordThrottling, "storePasswordThrottling");
        if (!argon2.within(argon2Maximum)) {
            throw new IllegalArgumentException("argon2Maximum (" + argon2Maximum + ") must not be below argon2 ("
                    + argon2 + ")");
        }
        Objects.requireNonNull(passwordPolicy, "passwordPolicy");
        Objects.requireNonNull(storeType, "storeType");
        storeSettings = Map.copyOf(storeSettings);
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(nodeTimeout, "nodeTimeout");
    }

    /** Reads the {@code secrets.*} properties, substituting {@code ${env:NAME}} from the process environment. */
    public static SecretsConfig from(Properties properties) {
        return from(properties, System::getenv);
    }

    /**
     * Reads the {@code secrets.*} properties, substituting {@code ${env:NAME}} with {@code environment};
     * other properties are ignored.
     *
     * @throws ConfigurationException naming the first setting that is missing, wrong or unknown
     */
    public static SecretsConfig from(Properties properties, UnaryOperator<String> environment) {
        return from(Settings.from(properties, PREFIX, environment));
    }

    /**
     * Reads the settings under prefix {@value #PREFIX}, then refuses every key that nothing read
     * ({@link Settings#requireAllRead()}).
     *
     * @throws ConfigurationException naming the first setting that is missing, wrong or unknown
     */
    public static SecretsConfig from(Settings settings) {
        ServerKeyRing ring = ServerKeyRing.fromSettings(settings);
        Argon2Parameters argon2 = new Argon2Parameters(
                settings.getInt("argon2.memoryKiB", Argon2Parameters.MIN_MEMORY_KIB, Argon2Parameters.MIN_MEMORY_KIB,
                        Argon2Parameters.MAX_MEMORY_KIB),
                settings.getInt("argon2.iterations", Argon2Parameters.MIN_ITERATIONS, Argon2Parameters.MIN_ITERATIONS,
                        Argon2Parameters.MAX_ITERATIONS),
                settings.getInt("argon2.parallelism", 1, 1, Argon2Parameters.MAX_PARALLELISM));
        PasswordPolicy standard = PasswordPolicy.standard();
        PasswordPolicy policy = new PasswordPolicy(settings.getInt("password.minLength", standard.minLength(), 1, 1024),
                settings.getBoolean("password.requireUpper", standard.requireUpper()),
                settings.getBoolean("password.requireLower", standard.requireLower()),
                settings.getBoolean("password.requireDigit", standard.requireDigit()));
        int maxSize = settings.getInt("maxSize", DEFAULT_MAX_VALUE_BYTES, 1, MAX_MAX_VALUE_BYTES);
        Optional<String> nodeId = settings.get("nodeId");
        if (nodeId.isPresent() && !NODE_ID.matcher(nodeId.get()).matches()) {
            throw settings.invalid("nodeId", "must be 1-64 letters, digits, '.', '_', ':' or '-', starting with a "
                    + "letter or digit");
        }
        Duration nodeTimeout = settings.getDuration("nodeTimeout", DEFAULT_NODE_TIMEOUT);
        if (nodeTimeout.compareTo(Duration.ofSeconds(10)) < 0) {
            throw settings.invalid("nodeTimeout", "must be at least 10 seconds, was " + nodeTimeout);
        }
        Argon2Parameters maximum = argon2Maximum(settings, argon2);
        Throttling throttling = throttling(settings);
        String type = settings.get("store", "memory");
        Map<String, String> store = settings.getPrefixed("store");
        settings.requireAllRead();
        return new SecretsConfig(ring, argon2, maximum, throttling, policy, maxSize, type, store, nodeId, nodeTimeout);
    }

    private static Argon2Parameters argon2Maximum(Settings settings, Argon2Parameters seal) {
        Argon2Parameters d = seal.atLeast(Argon2Parameters.defaultOpenMaximum());
        int m = atLeast(settings, "argon2.maxMemoryKiB", d.memoryKiB(), seal.memoryKiB(), "argon2.memoryKiB",
                Argon2Parameters.MAX_MEMORY_KIB);
        int t = atLeast(settings, "argon2.maxIterations", d.iterations(), seal.iterations(), "argon2.iterations",
                Argon2Parameters.MAX_ITERATIONS);
        int p = atLeast(settings, "argon2.maxParallelism", d.parallelism(), seal.parallelism(), "argon2.parallelism",
                Argon2Parameters.MAX_PARALLELISM);
        return new Argon2Parameters(m, t, p);
    }

    private static int atLeast(Settings settings, String key, int defaultValue, int floor, String floorKey, int max) {
        int v = settings.getInt(key, defaultValue, 1, max);
        if (v < floor) {
            throw settings.invalid(key, "must not be below " + PREFIX + "." + floorKey + " (" + floor + "), was " + v);
        }
        return v;
    }

    private static Throttling throttling(Settings settings) {
        Throttling d = DEFAULT_STORE_PASSWORD_THROTTLING;
        boolean enabled = settings.getBoolean("throttle.enabled", true);
        int maxFailures = settings.getInt("throttle.maxFailures", d.maxFailures(), 1, 1_000_000);
        Duration initialDelay = settings.getDuration("throttle.initialDelay", d.initialDelay());
        Duration maxDelay = settings.getDuration("throttle.maxDelay", d.maxDelay());
        int maxTracked = settings.getInt("throttle.maxTracked", d.maxTracked(), 1, 10_000_000);
        int perCaller = settings.getInt("throttle.maxFailuresPerCaller", d.maxFailuresPerAddress(), 0, 1_000_000);
        int callersPerSecret = settings.getInt("throttle.maxCallersPerSecret", d.maxAddressesPerAccount(), 0, 64);
        if (callersPerSecret == 1) {
            throw settings.invalid("throttle.maxCallersPerSecret", "must be 0 (off) or at least 2, so that one caller "
                    + "never blocks a secret for everyone, was 1");
        }
        if (initialDelay.isZero()) {
            throw settings.invalid("throttle.initialDelay", "must be positive, was " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw settings.invalid("throttle.maxDelay", "must not be below " + PREFIX + ".throttle.initialDelay ("
                    + initialDelay + "), was " + maxDelay);
        }
        if (!enabled) {
            return Throttling.disabled();
        }
        return new Throttling(maxFailures, initialDelay, maxDelay, maxTracked, perCaller, callersPerSecret, Set.of());
    }

    /**
     * Opens the configured store: the {@link SecretStoreProvider} of type {@link #storeType()},
     * found with {@link java.util.ServiceLoader}, built from {@link #storeSettings()}; a store setting
     * it did not read is refused. {@code services} maps a class (say {@code DataSource.class}) to the
     * host's instance.
     *
     * @throws ConfigurationException if no provider has that type (naming the types that exist), or a
     *     store setting is missing, wrong or unknown
     */
    public SecretStore openStore(Map<Class<?>, Object> services) {
        return StoreProviders.open(storeType, Settings.of(PREFIX + ".store", storeSettings), services);
    }

    /** Shows the key ids and the store's setting names, never key material or setting values. */
    @Override
    public String toString() {
        return "SecretsConfig[keys=" + keyRing + ", argon2=" + argon2 + ", passwordPolicy=" + passwordPolicy
                + ", maxValueBytes=" + maxValueBytes + ", store=" + storeType + " " + new TreeSet<>(storeSettings.keySet())
                + ", node=" + nodeId.orElse("<random>") + ", nodeTimeout=" + nodeTimeout + "]";
    }
}
