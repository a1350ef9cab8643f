package dev.gatehouse.examples.internal;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.EnvironmentReferences;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The example server's configuration: a properties file ({@code --config FILE} or
 * {@code GATEHOUSE_CONFIG}) over built-in defaults, with {@code ${env:NAME}} substituted in the
 * server's own keys ({@code server.*}, {@code db.*}, {@code admin.*}, {@code secrets.*},
 * {@code session.*}); {@code gatehouse.*} and {@code realm.*} go to Gatehouse, which substitutes
 * them itself.
 */
public final class Settings {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m)");

    private final Properties properties;
    private final Map<String, String> env;

    private Settings(Properties properties, Map<String, String> env) {
        this.properties = properties;
        this.env = env;
    }

    /** Settings from {@code file} if given, else from the built-in defaults only. */
    public static Settings load(Optional<Path> file, Map<String, String> env) {
        Properties p = new Properties();
        if (file.isPresent()) {
            try (Reader r = Files.newBufferedReader(file.get(), StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigurationException("cannot read configuration file " + file.get() + ": " + e.getMessage());
            }
        }
        return new Settings(p, env);
    }

    /** Settings from properties already loaded (tests). */
    public static Settings of(Properties properties, Map<String, String> env) {
        Properties copy = new Properties();
        copy.putAll(properties);
        return new Settings(copy, env);
    }

    /** The raw properties, for Gatehouse's own keys. */
    public Properties properties() {
        return properties;
    }

    public Map<String, String> env() {
        return env;
    }

    public Optional<String> get(String key) {
        String v = properties.getProperty(key);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(substitute(key, v.strip()));
    }

    public String get(String key, String def) {
        return get(key).orElse(def);
    }

    public int getInt(String key, int def) {
        return typed(key).getInt(rest(key), def, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** {@code key} as a duration ({@code 500ms}, {@code 5s}, {@code PT5S}), read by core's settings reader. */
    public Duration getDuration(String key, Duration def) {
        Duration d = typed(key).getDuration(rest(key), def);
        if (d.isZero()) {
            throw new ConfigurationException(key + ": must be positive, was '" + get(key).orElse("") + "'");
        }
        return d;
    }

    /** {@code key} alone, under its first segment as prefix, so core's one reader parses and names it. */
    private dev.gatehouse.core.Settings typed(String key) {
        String prefix = key.substring(0, key.indexOf('.'));
        return dev.gatehouse.core.Settings.of(prefix, get(key).map(v -> Map.of(rest(key), v)).orElse(Map.of()));
    }

    private static String rest(String key) {
        return key.substring(key.indexOf('.') + 1);
    }

    /** Sets a default for {@code key} unless the file gave one. */
    public void putDefault(String key, String value) {
        properties.putIfAbsent(key, value);
    }

    public boolean has(String key) {
        return properties.containsKey(key);
    }

    public boolean hasPrefix(String prefix) {
        return properties.stringPropertyNames().stream().anyMatch(k -> k.startsWith(prefix));
    }

    private String substitute(String key, String value) {
        return EnvironmentReferences.resolve(key, value, env::get);
    }
}
