package dev.gatehouse.core;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${env:NAME}} and {@code ${env:NAME:-default}} in setting values, so that no
 * secret has to sit in a configuration file. The one implementation every Gatehouse module and
 * host uses for its own settings. Thread-safe.
 */
public final class EnvironmentReferences {

    private static final Pattern REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private EnvironmentReferences() {}

    /**
     * Replaces every reference in {@code value}.
     *
     * @param key the setting's name, for the error message
     * @param env looks up a variable; {@code null} means "not set" (e.g. {@code System::getenv})
     * @throws ConfigurationException if a referenced variable is not set and has no default
     */
    public static String resolve(String key, String value, UnaryOperator<String> env) {
        if (value.indexOf("${") < 0) {
            return value;
        }
        Matcher m = REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = env.apply(m.group(1));
            if (v == null) {
                v = m.group(2);
            }
            if (v == null) {
                throw new ConfigurationException(key + ": environment variable " + m.group(1) + " is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        String result = out.toString();
        if (REF.matcher(value).replaceAll("").contains("${")) {
            throw new ConfigurationException(key + ": only ${env:NAME} and ${env:NAME:-default} references are supported");
        }
        return result;
    }
}
