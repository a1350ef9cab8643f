package dev.gatehouse.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What may go into a log line from a request: every value a caller chose is quoted and escaped,
 * so that it cannot break a line or forge a field, and a "username" that has the shape of a
 * credential is never written as is. The default audit listener uses it for every field; a host's
 * own listener or log line should too. Stateless and thread-safe.
 *
 * <p>A value looks like a credential ({@link #looksLikeCredential}) when it is longer than
 * {@value #MAX_NAME_LENGTH} characters, or has the shape of a prefixed API key
 * ({@code gh_} and 20 or more base62 characters, as GitHub's and Gatehouse's keys), a JOSE
 * compact serialisation (a JWT or JWE: {@code eyJ...} with dots), or a long random token (20 or
 * more characters of the base64 alphabets mixing upper case with lower case or digits, as
 * Concord's keys and session tokens). Such a value is logged as a description that names its
 * shape and length and nothing of the secret but a key's non-secret prefix.
 */
public final class LogSafe {

    /** Longer values are not names but payloads: redacted whatever their shape. */
    public static final int MAX_NAME_LENGTH = 64;

    /** Longer free text is cut, so that no field can flood a log line. */
    static final int MAX_TEXT_LENGTH = 256;

    private static final Pattern PREFIXED_KEY = Pattern.compile("([a-z][a-z0-9]{1,15})_[A-Za-z0-9]{20,}");

    private LogSafe() {}

    /**
     * Whether {@code value} has the shape of a credential rather than of a name (see the class
     * description). False positives are possible (a very long username is redacted too); that is
     * the safe side.
     */
    public static boolean looksLikeCredential(String value) {
        Objects.requireNonNull(value, "value");
        int n = value.length();
        if (n > MAX_NAME_LENGTH) {
            return true;
        }
        if (n < 20) {
            return false;
        }
        if (PREFIXED_KEY.matcher(value).matches()) {
            return true;
        }
        boolean upper = false;
        boolean lowerOrDigit = false;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                lowerOrDigit = true;
            } else if ("+/=-_.~".indexOf(c) < 0) {
                return false; // '@', '\\', spaces...: a name, not a token
            }
        }
        return value.startsWith("eyJ") && value.indexOf('.') > 0 || upper && lowerOrDigit;
    }

    /**
     * {@code login} as it may be logged, unquoted: itself if it looks like a name, else a
     * description such as {@code gh_<redacted, 52 characters>} or
     * {@code <redacted JOSE token, 311 characters>}. Still attacker-chosen: pass it through
     * {@link #quote} in a log line.
     */
    public static String login(String login) {
        Objects.requireNonNull(login, "login");
        if (!looksLikeCredential(login)) {
            return login;
        }
        return redacted(login);
    }

    private static String redacted(String value) {
        int n = value.length();
        var m = PREFIXED_KEY.matcher(value);
        if (m.matches()) {
            return m.group(1) + "_<redacted, " + n + " characters>";
        }
        if (value.startsWith("eyJ") && value.indexOf('.') > 0) {
            return "<redacted JOSE token, " + n + " characters>";
        }
        return "<redacted, " + n + " characters>";
    }

    /**
     * {@code value} in double quotes with everything that could end a line or a field escaped:
     * {@code "} and {@code \} by a backslash; CR, LF and tab as {@code \r}, {@code \n},
     * {@code \t}; every other control or format character, line and paragraph separators
     * (U+2028, U+2029), bidirectional overrides and lone surrogates as {@code \}{@code uXXXX}.
     * Longer than {@value #MAX_TEXT_LENGTH} characters, it is cut and says so. {@code null} is
     * {@code -}.
     */
    public static String quote(String value) {
        if (value == null) {
            return "-";
        }
        int n = Math.min(value.length(), MAX_TEXT_LENGTH);
        StringBuilder b = new StringBuilder(n + 8).append('"');
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (needsEscape(value, i, c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (value.length() > MAX_TEXT_LENGTH) {
            b.append("...(").append(value.length()).append(" characters)");
        }
        return b.append('"').toString();
    }

    /**
     * Free text that may embed caller-chosen values (a realm's reason, say) as it may be logged:
     * every word with the shape of a credential is redacted, then the whole is {@link #quote}d.
     */
    public static String text(String value) {
        if (value == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder(value.length());
        int i = 0;
        int n = value.length();
        while (i < n) {
            int start = i;
            while (i < n && isTokenChar(value.charAt(i))) {
                i++;
            }
            if (i > start) {
                String word = value.substring(start, i);
                b.append(looksLikeCredential(word) ? redacted(word) : word);
            }
            if (i < n) {
                b.append(value.charAt(i));
                i++;
            }
        }
        return quote(b.toString());
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "+/=-_.~".indexOf(c) >= 0;
    }

    private static boolean needsEscape(String s, int i, char c) {
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED || type == Character.PRIVATE_USE;
    }
}
