package dev.gatehouse.core.internal;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.EnvironmentReferences;
import dev.gatehouse.core.Login;
import dev.gatehouse.core.Permission;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.TrustedProxies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
    static final String PROXIES = "gatehouse.trustedProxies";
    static final String PROXIES_HEADER = "gatehouse.trustedProxies.header";
    static final String PRECEDENCE = "gatehouse.credentialPrecedence";
    static final String PROCESS_PERMISSIONS = "gatehouse.processPermissions";
    static final String REVOCATION_BOUND = "gatehouse.accounts.revocationBound";
    private static final Set<String> GATEHOUSE_KEYS = Set.of(REALMS, THROTTLE + "maxFailures",
            THROTTLE + "initialDelay", THROTTLE + "maxDelay", THROTTLE + "maxTracked",
            THROTTLE + "maxFailuresPerAddress", THROTTLE + "maxAddressesPerAccount", THROTTLE + "loginForms",
            PROXIES, PROXIES_HEADER, PRECEDENCE, PROCESS_PERMISSIONS, REVOCATION_BOUND);

    private final List<RealmFactory.Spec> realms;
    private final Throttling throttling;
    private final TrustedProxies proxies;
    private final List<String> precedence;
    private final Set<Permission> processPermissions;
    private final Duration revocationBound;

    private PropertiesConfig(List<RealmFactory.Spec> realms, Throttling throttling, TrustedProxies proxies,
            List<String> precedence, Set<Permission> processPermissions, Duration revocationBound) {
        this.revocationBound = revocationBound;
        this.realms = realms;
        this.throttling = throttling;
        this.proxies = proxies;
        this.precedence = precedence;
        this.processPermissions = processPermissions;
    }

    /** {@code gatehouse.processPermissions}, if set; {@code none} grants nothing. */
    public Optional<Set<Permission>> processPermissions() {
        return Optional.ofNullable(processPermissions);
    }

    /** {@code gatehouse.accounts.revocationBound}, if set. */
    public Optional<Duration> revocationBound() {
        return Optional.ofNullable(revocationBound);
    }

    public Optional<TrustedProxies> trustedProxies() {
        return Optional.ofNullable(proxies);
    }

    public List<String> credentialPrecedence() {
        return precedence;
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
        return new PropertiesConfig(List.copyOf(specs), throttling(values), proxies(values), list(values, PRECEDENCE),
                processPermissions(values), duration(values, REVOCATION_BOUND, null));
    }

    private static Set<Permission> processPermissions(Map<String, String> values) {
        if (!values.containsKey(PROCESS_PERMISSIONS)) {
            return null;
        }
        Set<Permission> out = new LinkedHashSet<>();
        for (String name : list(values, PROCESS_PERMISSIONS)) {
            if (name.equalsIgnoreCase("none")) {
                continue;
            }
            try {
                out.add(Permission.of(name));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(PROCESS_PERMISSIONS + ": " + e.getMessage(), e);
            }
        }
        return Set.copyOf(out);
    }

    private static TrustedProxies proxies(Map<String, String> values) {
        if (!values.containsKey(PROXIES) && !values.containsKey(PROXIES_HEADER)) {
            return null;
        }
        TrustedProxies.Header header = TrustedProxies.Header.X_FORWARDED_FOR;
        String h = values.get(PROXIES_HEADER);
        if (h != null && !h.isBlank()) {
            header = null;
            for (TrustedProxies.Header candidate : TrustedProxies.Header.values()) {
                if (candidate.headerName().equalsIgnoreCase(h.strip())) {
                    header = candidate;
                }
            }
            if (header == null) {
                throw new ConfigurationException(PROXIES_HEADER + ": expected X-Forwarded-For or Forwarded, was '"
                        + h.strip() + "'");
            }
        }
        try {
            return TrustedProxies.of(header, list(values, PROXIES));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(PROXIES + ": " + e.getMessage().replaceFirst("^trustedProxies: ", ""), e);
        }
    }

    private static List<String> list(Map<String, String> values, String key) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String item : v.split(",")) {
            if (!item.isBlank()) {
                out.add(item.strip());
            }
        }
        return List.copyOf(out);
    }

    private static Throttling throttling(Map<String, String> values) {
        if (values.keySet().stream().noneMatch(k -> k.startsWith(THROTTLE))) {
            return null;
        }
        Throttling d = Throttling.defaults();
        Throttling.Builder b = Throttling.builder()
                .maxFailures(intValue(values, THROTTLE + "maxFailures", d.maxFailures()))
                .initialDelay(duration(values, THROTTLE + "initialDelay", d.initialDelay()))
                .maxDelay(duration(values, THROTTLE + "maxDelay", d.maxDelay()))
                .maxTracked(intValue(values, THROTTLE + "maxTracked", d.maxTracked()))
                .maxFailuresPerAddress(intValue(values, THROTTLE + "maxFailuresPerAddress", d.maxFailuresPerAddress()))
                .maxAddressesPerAccount(intValue(values, THROTTLE + "maxAddressesPerAccount", d.maxAddressesPerAccount()));
        if (values.containsKey(THROTTLE + "loginForms")) {
            Set<Login.Form> forms = EnumSet.noneOf(Login.Form.class);
            for (String f : list(values, THROTTLE + "loginForms")) {
                if (f.equalsIgnoreCase("none")) {
                    continue;
                }
                try {
                    forms.add(Login.Form.valueOf(f.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException(THROTTLE + "loginForms: expected DOMAIN_BACKSLASH_USER, USER_AT_DOMAIN "
                            + "or none, was '" + f + "'");
                }
            }
            b.loginForms(forms);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            // Throttling names the setting first ("maxFailures must be..."): qualify it as the key.
            throw new ConfigurationException(THROTTLE + e.getMessage(), e);
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
