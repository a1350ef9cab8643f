package dev.gatehouse.core.servlet.internal;

import java.util.Optional;

/**
 * Refuses request URIs that routers and filters are known to read differently: the shapes behind
 * Shiro's path-bypass CVEs (CVE-2020-1957, CVE-2020-11989, CVE-2020-13933, CVE-2020-17523,
 * CVE-2021-41303, CVE-2022-32532, CVE-2023-22602, CVE-2023-34478) and the list of Spring
 * Security's {@code StrictHttpFirewall}. It looks at the raw, still-encoded URI.
 */
public final class PathFirewall {

    private PathFirewall() {}

    /** The problem with {@code rawUri}, if any; the message does not repeat the URI. */
    public static Optional<String> check(String rawUri) {
        if (rawUri == null || rawUri.isEmpty()) {
            return Optional.of("Request path is empty");
        }
        for (int i = 0; i < rawUri.length(); i++) {
            char c = rawUri.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return Optional.of("Request path contains a control, space or non-ASCII character");
            }
            if (c == ';') {
                return Optional.of("Request path must not contain ';'");
            }
            if (c == '\\') {
                return Optional.of("Request path must not contain '\\'");
            }
            if (c == '%') {
                Optional<String> encoded = encoded(rawUri, i);
                if (encoded.isPresent()) {
                    return encoded;
                }
            }
        }
        // One pass over the segments, without allocating: '//' is an empty segment, '.' and '..' are dot segments.
        int start = 0;
        int n = rawUri.length();
        while (start <= n) {
            int end = rawUri.indexOf('/', start);
            if (end < 0) {
                end = n;
            }
            int length = end - start;
            if (length == 0 && start > 0 && end < n) {
                return Optional.of("Request path must not contain '//'");
            }
            if ((length == 1 || length == 2) && rawUri.charAt(start) == '.' && rawUri.charAt(end - 1) == '.') {
                return Optional.of("Request path must not contain '.' or '..' segments");
            }
            start = end + 1;
        }
        return Optional.empty();
    }

    private static Optional<String> encoded(String uri, int at) {
        if (at + 2 >= uri.length() || hex(uri.charAt(at + 1)) < 0 || hex(uri.charAt(at + 2)) < 0) {
            return Optional.of("Request path contains an invalid percent-encoding");
        }
        int value = hex(uri.charAt(at + 1)) * 16 + hex(uri.charAt(at + 2));
        if (value < 0x20 || value == 0x7f) {
            return Optional.of("Request path contains an encoded control character");
        }
        return switch (value) {
            case '/' -> Optional.of("Request path must not contain an encoded '/'");
            case '\\' -> Optional.of("Request path must not contain an encoded '\\'");
            case '.' -> Optional.of("Request path must not contain an encoded '.'");
            case '%' -> Optional.of("Request path must not contain an encoded '%'");
            case ';' -> Optional.of("Request path must not contain an encoded ';'");
            default -> Optional.empty();
        };
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
