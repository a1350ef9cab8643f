package dev.gatehouse.examples.internal;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of a {@code multipart/form-data} or {@code application/x-www-form-urlencoded}
 * request body, file parts included.
 *
 * <p>Fields come from the body only: a request whose URL has a query string is refused (400), so
 * that secret values and store passwords never travel in a URL, where access logs and proxies
 * keep them. Text is decoded as strict UTF-8 (400 if it is not), a field sent twice is refused,
 * and a store password that is present must not be empty.
 */
final class Form {

    /** The largest url-encoded body read; multipart bodies have the servlet's multipart limits. */
    private static final int MAX_URLENCODED = 3 * 1024 * 1024;

    private final HttpServletRequest request;
    private final boolean multipart;
    private final Map<String, byte[]> urlEncoded;

    Form(HttpServletRequest request) {
        this.request = request;
        String query = request.getQueryString();
        if (query != null && !query.isEmpty()) {
            throw ApiException.badRequest("Send form fields in the request body, not in the URL: "
                    + "a URL ends up in access logs");
        }
        String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        this.multipart = type.startsWith("multipart/form-data");
        if (multipart) {
            try {
                Map<String, Integer> seen = new HashMap<>();
                for (Part part : request.getParts()) { // parse once, so that size limits fail here with a clear message
                    if (seen.merge(part.getName(), 1, Integer::sum) > 1) {
                        throw ApiException.badRequest("Form field '" + printable(part.getName()) + "' is sent twice");
                    }
                }
            } catch (IllegalStateException e) {
                throw new ApiException(413, "Request is larger than the limit");
            } catch (IOException | ServletException e) {
                if (tooLarge(e)) {
                    throw new ApiException(413, "Request is larger than the limit");
                }
                throw ApiException.badRequest("Malformed multipart request");
            }
            this.urlEncoded = Map.of();
        } else if (type.startsWith("application/x-www-form-urlencoded")) {
            this.urlEncoded = parseUrlEncoded(request);
        } else {
            this.urlEncoded = Map.of();
        }
    }

    private static Map<String, byte[]> parseUrlEncoded(HttpServletRequest request) {
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(MAX_URLENCODED + 1);
        } catch (IOException e) {
            throw ApiException.badRequest("Cannot read the request body");
        }
        if (body.length > MAX_URLENCODED) {
            throw new ApiException(413, "Request is larger than the limit");
        }
        Map<String, byte[]> fields = new HashMap<>();
        String text = new String(body, StandardCharsets.ISO_8859_1); // percent-encoded: ASCII, checked below
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = Text.percentDecode(eq < 0 ? pair : pair.substring(0, eq), true).flatMap(Text::utf8)
                    .orElseThrow(() -> ApiException.badRequest("Form field name is not valid percent-encoded UTF-8"));
            byte[] value = Text.percentDecode(eq < 0 ? "" : pair.substring(eq + 1), true)
                    .orElseThrow(() -> ApiException.badRequest("Form field '" + printable(name) + "' is not valid "
                            + "percent-encoding"));
            if (fields.put(name, value) != null) {
                throw ApiException.badRequest("Form field '" + printable(name) + "' is sent twice");
            }
        }
        return fields;
    }

    /** Jetty reports an oversized part or request as an IllegalStateException somewhere in the causes. */
    private static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalStateException || String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("exceed")) {
                return true;
            }
        }
        return false;
    }

    /** The raw bytes of field {@code name}, if it was sent. */
    Optional<byte[]> bytes(String name) {
        if (!multipart) {
            return Optional.ofNullable(urlEncoded.get(name));
        }
        try {
            Part part = request.getPart(name);
            if (part == null) {
                return Optional.empty();
            }
            try (InputStream in = part.getInputStream()) {
                return Optional.of(in.readAllBytes());
            }
        } catch (IOException | ServletException e) {
            throw ApiException.badRequest("Cannot read form field '" + name + "'");
        }
    }

    /** Field {@code name} as strict UTF-8 text; empty if it was not sent or is empty. */
    Optional<String> text(String name) {
        return bytes(name).map(b -> Text.utf8(b, "Form field '" + name + "'")).filter(s -> !s.isEmpty());
    }

    /**
     * A password field: empty if it was not sent, a 400 if it was sent empty (an empty store
     * password must never silently mean "no store password").
     */
    Optional<char[]> password(String name) {
        Optional<byte[]> raw = bytes(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        if (raw.get().length == 0) {
            throw ApiException.badRequest("'" + name + "' must not be empty: leave it out for no password");
        }
        return Optional.of(Text.utf8(raw.get(), "Form field '" + name + "'").toCharArray());
    }

    private static String printable(String s) {
        return s.length() > 64 || !s.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? "(unprintable)" : s;
    }
}
