package dev.gatehouse.secrets.internal;

import dev.gatehouse.core.ConfigurationException;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Substitutes {@code ${env:NAME}} and {@code ${env:NAME:-default}} in a setting value, with the
 * same syntax as core's realm settings (core keeps its substitution internal).
 */
public final class Env {

    private static final Pattern REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private Env() {}

    /** @throws ConfigurationException naming {@code key} if a variable is unset and has no default */
    public static String substitute(String key, String value, UnaryOperator<String> env) {
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
        if (REF.matcher(value).replaceAll("").contains("${")) {
            throw new ConfigurationException(key + ": only ${env:NAME} and ${env:NAME:-default} references are supported");
        }
        return out.toString();
    }
}
