package dev.gatehouse.core.internal;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.EnvironmentReferences;
import dev.gatehouse.core.Throttling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/** Reads {@code gatehouse.*} and {@code realm.*} properties. */
public final class PropertiesConfig {

    static final String REALMS = "gatehouse.realms";
    private static final String THROTTLE = "gatehouse.throttle.";
    private static final Set<String> GATEHOUSE_KEYS = Set.of(REALMS, THROTTLE + "maxFailures",
            THROTTLE + "initialDelay", THROTTLE + "maxDelay", THROTTLE + "maxTracked");

    private final List<RealmFactory.Spec> realms;
    private final Throttling throttling;

    private PropertiesConfig(List<RealmFactory.Spec> realms, Throttling throttling) {
        this.realms = realms;
        this.throttling = throttling;
    }

    public List<RealmFactory.Spec> realms() {
        return realms;
    }

    public Optional<Throttling> throttling() {
        return Optional.ofNullable(throttling);
    }

    public static PropertiesConfig read(Properties properties, UnaryOperator<String> env) {
        Map<String, String> values = new HashMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("gatehouse.") || key.startsWith("realm.")) {
                values.put(key, EnvironmentReferences.resolve(key, properties.getProperty(key), env));
            }
        }
        Set<String> unknown = new TreeSet<>();
        for (String key : values.keySet()) {
            if (key.startsWith("gatehouse.") && !GATEHOUSE_KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigurationException("unknown setting: " + String.join(", ", unknown)
                    + " (known: " + String.join(", ", new TreeSet<>(GATEHOUSE_KEYS)) + ")");
        }
        String list = values.get(REALMS);
        if (list == null || list.isBlank()) {
            throw new ConfigurationException(REALMS + ": required setting is missing (e.g. " + REALMS + "=apikey,ldap,session)");
        }
        Set<String> names = new LinkedHashSet<>();
        for (String n : list.split(",")) {
            if (n.isBlank()) {
                continue;
            }
            if (!names.add(n.strip())) {
                throw new ConfigurationException(REALMS + ": realm '" + n.strip() + "' is listed twice");
            }
        }
        Map<String, Map<String, String>> perRealm = new LinkedHashMap<>();
        for (String name : names) {
            perRealm.put(name, new HashMap<>());
        }
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!e.getKey().startsWith("realm.")) {
                continue;
            }
            String rest = e.getKey().substring("realm.".length());
            int dot = rest.indexOf('.');
            if (dot <= 0 || dot == rest.length() - 1) {
                throw new ConfigurationException(e.getKey() + ": expected realm.<name>.<key>");
            }
            String name = rest.substring(0, dot);
            Map<String, String> settings = perRealm.get(name);
            if (settings == null) {
                throw new ConfigurationException(e.getKey() + ": realm '" + name + "' is not listed in " + REALMS);
            }
            settings.put(rest.substring(dot + 1), e.getValue());
        }
        List<RealmFactory.Spec> specs = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : perRealm.entrySet()) {
            Map<String, String> settings = e.getValue();
            String type = settings.remove("type");
            specs.add(RealmFactory.Spec.ofType(e.getKey(), type == null || type.isBlank() ? e.getKey() : type.strip(), settings));
        }
        return new PropertiesConfig(List.copyOf(specs), throttling(values));
    }

    private static Throttling throttling(Map<String, String> values) {
        if (values.keySet().stream().noneMatch(k -> k.startsWith(THROTTLE))) {
            return null;
        }
        Throttling d = Throttling.defaults();
        int maxFailures = intValue(values, THROTTLE + "maxFailures", d.maxFailures());
        Duration initial = duration(values, THROTTLE + "initialDelay", d.initialDelay());
        Duration max = duration(values, THROTTLE + "maxDelay", d.maxDelay());
        int tracked = intValue(values, THROTTLE + "maxTracked", d.maxTracked());
        try {
            return new Throttling(maxFailures, initial, max, tracked);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(THROTTLE + "*: " + e.getMessage());
        }
    }

    private static int intValue(Map<String, String> values, String key, int def) {
        String v = values.get(key);
        if (v == null) {
            return def;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(key + ": expected an integer, was '" + v + "'");
        }
    }

    private static Duration duration(Map<String, String> values, String key, Duration def) {
        String v = values.get(key);
        if (v == null) {
            return def;
        }
        try {
            return Durations.parse(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(key + ": " + e.getMessage());
        }
    }
}
