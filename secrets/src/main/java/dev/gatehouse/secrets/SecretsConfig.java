package dev.gatehouse.secrets;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.EnvironmentReferences;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The {@code secrets.*} settings, validated. Keys:
 *
 * <ul>
 *   <li>{@code secrets.serverKey.<id>} base64 of at least 256 bits ({@code ${env:NAME}} allowed), one or
 *       more; {@code secrets.serverKey.primary} the id for new envelopes (needed with several keys)
 *   <li>{@code secrets.argon2.memoryKiB} (19456), {@code secrets.argon2.iterations} (2),
 *       {@code secrets.argon2.parallelism} (1): never below OWASP's minimum
 *   <li>{@code secrets.password.minLength} (7), {@code secrets.password.requireUpper},
 *       {@code requireLower}, {@code requireDigit} (true)
 *   <li>{@code secrets.maxSize} largest value in bytes (1048576)
 *   <li>{@code secrets.store.type} ({@code memory}, {@code file}, {@code jdbc} or a plugin's) and
 *       {@code secrets.store.<key>} for the store
 * </ul>
 *
 * Any other {@code secrets.*} key is refused, so that a misspelt setting fails at start-up.
 * Immutable, thread-safe; {@code toString()} shows no key material.
 *
 * @param keyRing the server keys
 * @param argon2 the Argon2id parameters for new store passwords
 * @param passwordPolicy the rules for new store passwords
 * @param maxValueBytes the largest value accepted
 * @param storeType the store type
 * @param storeSettings the store's settings without the {@code secrets.store.} prefix
 */
public record SecretsConfig(ServerKeyRing keyRing, Argon2Parameters argon2, PasswordPolicy passwordPolicy,
        int maxValueBytes, String storeType, Map<String, String> storeSettings) {

    /** The default limit on a value: 1 MiB. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;
    private static final Set<String> KNOWN = Set.of("secrets.argon2.memoryKiB", "secrets.argon2.iterations",
            "secrets.argon2.parallelism", "secrets.password.minLength", "secrets.password.requireUpper",
            "secrets.password.requireLower", "secrets.password.requireDigit", "secrets.maxSize");

    /**
     * Copies the store settings.
     *
     * @throws NullPointerException if an argument is null
     */
    public SecretsConfig {
        Objects.requireNonNull(keyRing, "keyRing");
        Objects.requireNonNull(argon2, "argon2");
        Objects.requireNonNull(passwordPolicy, "passwordPolicy");
        Objects.requireNonNull(storeType, "storeType");
        storeSettings = Map.copyOf(storeSettings);
    }

    /** Reads the settings from {@code properties}, substituting {@code ${env:NAME}} from the process environment. */
    public static SecretsConfig from(Properties properties) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : properties.stringPropertyNames()) {
            m.put(k, properties.getProperty(k));
        }
        return from(m, System::getenv);
    }

    /**
     * Reads the settings from {@code settings}; keys not starting with {@code secrets.} are ignored.
     *
     * @throws ConfigurationException naming the first setting that is missing, wrong or unknown
     */
    public static SecretsConfig from(Map<String, String> settings, UnaryOperator<String> env) {
        Set<String> unknown = new TreeSet<>();
        Map<String, String> store = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String k = e.getKey();
            if (!k.startsWith("secrets.") || k.startsWith(ServerKeyRing.PREFIX) || KNOWN.contains(k)) {
                continue;
            }
            if (k.startsWith("secrets.store.")) {
                store.put(k.substring("secrets.store.".length()), EnvironmentReferences.resolve(k, e.getValue(), env));
            } else {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigurationException("unknown setting(s): " + unknown + " (check the spelling"
                    + (unknown.contains("secrets.serverKey") ? "; server keys are secrets.serverKey.<id>" : "") + ")");
        }
        ServerKeyRing ring = ServerKeyRing.fromSettings(settings, env);
        Argon2Parameters argon2;
        int m = intValue(settings, env, "secrets.argon2.memoryKiB", Argon2Parameters.MIN_MEMORY_KIB);
        int t = intValue(settings, env, "secrets.argon2.iterations", Argon2Parameters.MIN_ITERATIONS);
        int p = intValue(settings, env, "secrets.argon2.parallelism", 1);
        try {
            argon2 = new Argon2Parameters(m, t, p);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("secrets.argon2: " + e.getMessage());
        }
        int minLength = intValue(settings, env, "secrets.password.minLength", 7);
        if (minLength < 1 || minLength > 1024) {
            throw new ConfigurationException("secrets.password.minLength: must be between 1 and 1024, was " + minLength);
        }
        PasswordPolicy policy = new PasswordPolicy(minLength,
                boolValue(settings, env, "secrets.password.requireUpper"),
                boolValue(settings, env, "secrets.password.requireLower"),
                boolValue(settings, env, "secrets.password.requireDigit"));
        int maxSize = intValue(settings, env, "secrets.maxSize", DEFAULT_MAX_VALUE_BYTES);
        if (maxSize < 1 || maxSize > 64 * 1024 * 1024) {
            throw new ConfigurationException("secrets.maxSize: must be between 1 and 67108864 bytes, was " + maxSize);
        }
        String type = store.getOrDefault("type", "memory").strip();
        return new SecretsConfig(ring, argon2, policy, maxSize, type, store);
    }

    private static int intValue(Map<String, String> s, UnaryOperator<String> env, String key, int def) {
        String v = s.get(key);
        if (v == null || v.isBlank()) {
            return def;
        }
        try {
            return Integer.parseInt(EnvironmentReferences.resolve(key, v, env).strip());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(key + ": expected an integer, was '" + v.strip() + "'");
        }
    }

    private static boolean boolValue(Map<String, String> s, UnaryOperator<String> env, String key) {
        String v = s.get(key);
        if (v == null || v.isBlank()) {
            return true;
        }
        String x = EnvironmentReferences.resolve(key, v, env).strip();
        if (x.equalsIgnoreCase("true")) {
            return true;
        }
        if (x.equalsIgnoreCase("false")) {
            return false;
        }
        throw new ConfigurationException(key + ": expected true or false, was '" + x + "'");
    }

    /** Shows the key ids and the store's setting names, never key material or setting values. */
    @Override
    public String toString() {
        return "SecretsConfig[keys=" + keyRing + ", argon2=" + argon2 + ", passwordPolicy=" + passwordPolicy
                + ", maxValueBytes=" + maxValueBytes + ", store=" + storeType + " " + new TreeSet<>(storeSettings.keySet()) + "]";
    }

    /** Opens the configured store through {@link SecretStores#open}. */
    public SecretStore openStore(Map<Class<?>, Object> services) {
        return SecretStores.open(storeType, storeSettings, services);
    }
}
