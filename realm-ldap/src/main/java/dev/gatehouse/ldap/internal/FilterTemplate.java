package dev.gatehouse.ldap.internal;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A search filter with numbered placeholders ({@code {0}}, {@code {1}}, ...), as Concord and
 * Spring's LDAP support write them. Each argument is escaped by RFC 4515 section 3 before it is
 * put in place, so that a login such as {@code *)(uid=*))(|(uid=*} is a value, never filter
 * syntax. Immutable and thread-safe.
 */
public final class FilterTemplate {

    private final String template;
    private final List<Object> parts; // String literals and Integer argument indexes

    private FilterTemplate(String template, List<Object> parts) {
        this.template = template;
        this.parts = List.copyOf(parts);
    }

    /**
     * Parses {@code template}.
     *
     * @param arguments how many arguments the template may use ({@code {0}} to {@code {arguments-1}})
     * @throws IllegalArgumentException naming the problem if the template uses an unknown
     *     placeholder, uses none, or is not a valid filter
     */
    public static FilterTemplate parse(String template, int arguments) {
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        boolean usesArgument = false;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '{') {
                int close = template.indexOf('}', i);
                if (close > i + 1 && template.substring(i + 1, close).chars().allMatch(Character::isDigit)) {
                    int index = Integer.parseInt(template.substring(i + 1, close));
                    if (index >= arguments) {
                        throw new IllegalArgumentException("placeholder {" + index + "} is unknown; use {0} to {"
                                + (arguments - 1) + "}");
                    }
                    parts.add(literal.toString());
                    literal.setLength(0);
                    parts.add(index);
                    usesArgument = true;
                    i = close;
                    continue;
                }
            }
            literal.append(c);
        }
        parts.add(literal.toString());
        if (!usesArgument) {
            throw new IllegalArgumentException("'" + template + "' uses no placeholder such as {0}");
        }
        FilterTemplate parsed = new FilterTemplate(template, parts);
        String[] sample = new String[arguments];
        Arrays.fill(sample, "x");
        try {
            parsed.expand(sample);
        } catch (LDAPException e) {
            throw new IllegalArgumentException("'" + template + "' is not a valid LDAP filter: " + e.getMessage(), e);
        }
        return parsed;
    }

    /**
     * The filter with {@code args} escaped and put in place.
     *
     * @throws LDAPException if the result is not a valid filter (only for a broken template, since
     *     escaped values cannot change the syntax)
     */
    public Filter expand(String... args) throws LDAPException {
        StringBuilder out = new StringBuilder(template.length() + 32);
        for (Object part : parts) {
            if (part instanceof Integer index) {
                out.append(Filter.encodeValue(args[index]));
            } else {
                out.append((String) part);
            }
        }
        return Filter.create(out.toString());
    }

    @Override
    public String toString() {
        return template;
    }
}
