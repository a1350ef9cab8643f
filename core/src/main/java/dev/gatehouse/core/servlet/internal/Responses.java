package dev.gatehouse.core.servlet.internal;

import dev.gatehouse.core.Decision;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Writes the filter's error responses: JSON {@code {"message": "..."}}, never cached. */
public final class Responses {

    private Responses() {}

    public static void badRequest(HttpServletResponse response, String message) throws IOException {
        write(response, 400, message);
    }

    public static void refuse(HttpServletResponse response, Decision.Refused refused, String[] challenges)
            throws IOException {
        if (refused.status() == 401) {
            for (String challenge : challenges) {
                response.addHeader("WWW-Authenticate", challenge);
            }
        }
        refused.retryAfter().ifPresent(d -> response.setHeader("Retry-After", Long.toString(seconds(d))));
        write(response, refused.status(), refused.message());
    }

    /** Whole seconds, rounded up, at least 1 (RFC 9110 section 10.2.3). */
    static long seconds(Duration d) {
        long s = d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, s);
    }

    private static void write(HttpServletResponse response, int status, String message) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        byte[] body = ("{\"message\":" + jsonString(message) + "}").getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** A JSON string literal (RFC 8259 section 7). */
    static String jsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
