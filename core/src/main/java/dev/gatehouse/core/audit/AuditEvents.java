package dev.gatehouse.core.audit;

import dev.gatehouse.core.LogSafe;

/** Helpers shared by the trail's implementations. */
final class AuditEvents {

    private AuditEvents() {}

    /** {@code text} with every word that has a credential's shape redacted, as {@link LogSafe#text} does, unquoted. */
    static String redactWords(String text) {
        StringBuilder b = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            int start = i;
            while (i < n && isTokenChar(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                b.append(LogSafe.login(text.substring(start, i)));
            }
            if (i < n) {
                char c = text.charAt(i);
                b.append(Character.isISOControl(c) ? ' ' : c);
                i++;
            }
        }
        return b.toString();
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "+/=-_.~".indexOf(c) >= 0;
    }
}
