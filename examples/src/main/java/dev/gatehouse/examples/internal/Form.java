package dev.gatehouse.examples.internal;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/** The fields of a {@code multipart/form-data} (or url-encoded) request, file parts included. */
final class Form {

    private final HttpServletRequest request;
    private final boolean multipart;

    Form(HttpServletRequest request) {
        this.request = request;
        String type = request.getContentType();
        this.multipart = type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
        if (multipart) {
            try {
                request.getParts(); // parse once, so that size limits fail here with a clear message
            } catch (IllegalStateException e) {
                throw new ApiException(413, "Request is larger than the limit");
            } catch (IOException | ServletException e) {
                if (tooLarge(e)) {
                    throw new ApiException(413, "Request is larger than the limit");
                }
                throw ApiException.badRequest("Malformed multipart request");
            }
        }
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

    Optional<byte[]> bytes(String name) {
        if (multipart) {
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
        String v = request.getParameter(name);
        return v == null ? Optional.empty() : Optional.of(v.getBytes(StandardCharsets.UTF_8));
    }

    Optional<String> text(String name) {
        return bytes(name).map(b -> new String(b, StandardCharsets.UTF_8)).filter(s -> !s.isEmpty());
    }

    Optional<char[]> chars(String name) {
        return text(name).map(String::toCharArray);
    }
}
