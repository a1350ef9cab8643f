package dev.gatehouse.core;

import dev.gatehouse.core.internal.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one settings reader of Gatehouse: the properties under one prefix ({@code realm.<name>.}
 * for a realm, {@code secrets.} for the secrets module), with {@code ${env:NAME}} already
 * substituted. Typed getters fail with a {@link ConfigurationException} that names the full key.
 *
 * <p>Every key a getter reads is remembered; after the component has been built from them,
 * {@link #requireAllRead()} refuses keys that nothing read, so a misspelt setting fails at
 * start-up instead of being silently ignored. Thread-safe.
 */
public sealed class Settings permits RealmSettings {

    private final String prefix;
    private final Map<String, String> values;
    private final Set<String> read = ConcurrentHashMap.newKeySet();

    Settings(String prefix, Map<String, String> values) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /**
     * Settings whose keys are given without {@code prefix} and a dot, e.g. prefix {@code secrets}
     * and key {@code serverKey.primary} for the property {@code secrets.serverKey.primary}. Values
     * are taken as they are: substitute environment variables first.
     */
    public static Settings of(String prefix, Map<String, String> values) {
        return new Settings(prefix, values);
    }

    /**
     * The properties under {@code prefix.} in {@code properties}, prefix removed, each value's
     * {@code ${env:NAME}} references resolved with {@code environment}.
     *
     * @throws ConfigurationException naming the key of an unresolvable reference
     */
    public static Settings from(java.util.Properties properties, String prefix,
            java.util.function.UnaryOperator<String> environment) {
        String p = prefix + ".";
        Map<String, String> out = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(p)) {
                out.put(key.substring(p.length()),
                        EnvironmentReferences.resolve(key, properties.getProperty(key), environment));
            }
        }
        return new Settings(prefix, out);
    }

    /** The prefix every key is qualified with in messages. */
    public String prefix() {
        return prefix;
    }

    /** The full property name of {@code key}, for messages: {@code <prefix>.<key>}. */
    public String qualify(String key) {
        return prefix + "." + key;
    }

    /** Whether {@code key} was given at all (blank or not). Does not mark it read. */
    public boolean contains(String key) {
        return values.containsKey(key);
    }

    /** The value of {@code key}, if set and not blank. */
    public Optional<String> get(String key) {
        read.add(key);
        String v = values.get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    /** The value of {@code key}, or {@code defaultValue}. */
    public String get(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    /**
     * The value of {@code key}.
     *
     * @throws ConfigurationException if it is missing
     */
    public String require(String key) {
        return get(key).orElseThrow(() -> new ConfigurationException(qualify(key) + ": required setting is missing"));
    }

    /** {@code key} as a boolean ({@code true} or {@code false}, case-insensitive). */
    public boolean getBoolean(String key, boolean defaultValue) {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        return switch (v.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, "expected true or false, was '" + v.get() + "'");
        };
    }

    /** {@code key} as an int within {@code [min, max]}. */
    public int getInt(String key, int defaultValue, int min, int max) {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        int n;
        try {
            n = Integer.parseInt(v.get());
        } catch (NumberFormatException e) {
            throw invalid(key, "expected an integer, was '" + v.get() + "'");
        }
        if (n < min || n > max) {
            throw invalid(key, "must be between " + min + " and " + max + ", was " + n);
        }
        return n;
    }

    /**
     * {@code key} as a duration: {@code 500ms}, {@code 30s}, {@code 5 minutes}, {@code 1h},
     * {@code 2d} or ISO-8601 ({@code PT30S}). Must not be negative.
     */
    public Duration getDuration(String key, Duration defaultValue) {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            return Durations.parse(v.get());
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
    }

    /** {@code key} as a comma-separated list, each item stripped, empty items dropped. */
    public List<String> getList(String key) {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String s : v.get().split(",")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return List.copyOf(out);
    }

    /**
     * A secret setting (a password) as characters the caller should wipe after use. The value is
     * never part of any message.
     */
    public Optional<char[]> getSecret(String key) {
        read.add(key);
        String v = values.get(key);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.toCharArray());
    }

    /**
     * Every setting under {@code prefix.} as a map from the rest of the key to the value, e.g.
     * {@code roleMapping.admins=admin} under prefix {@code roleMapping}.
     */
    public Map<String, String> getPrefixed(String prefix) {
        String p = prefix + ".";
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().startsWith(p)) {
                read.add(e.getKey());
                out.put(e.getKey().substring(p.length()), e.getValue().strip());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** A {@link ConfigurationException} about {@code key}, naming it in full. */
    public ConfigurationException invalid(String key, String problem) {
        return new ConfigurationException(qualify(key) + ": " + problem);
    }

    /**
     * Fails if a setting was given that nothing read.
     *
     * @throws ConfigurationException naming the unknown keys
     */
    public void requireAllRead() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            Set<String> known = new TreeSet<>(read);
            throw new ConfigurationException("unknown setting" + (unknown.size() > 1 ? "s" : "") + ": "
                    + String.join(", ", unknown.stream().map(this::qualify).toList())
                    + " (check the spelling; nothing reads " + (unknown.size() > 1 ? "them" : "it")
                    + (known.isEmpty() ? "" : "; known under " + prefix + ": " + String.join(", ", known)) + ")");
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + prefix + ", keys=" + Arrays.toString(values.keySet().toArray()) + "]";
    }
}
