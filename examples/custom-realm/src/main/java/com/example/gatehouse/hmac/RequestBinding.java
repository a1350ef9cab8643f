package com.example.gatehouse.hmac;

import dev.gatehouse.core.ConstantTime;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * How {@link HmacRequestFilter} tells {@link HmacRealm} what a realm cannot see for itself in a
 * {@code RequestView}: that the body matched its {@code Content-Digest}, and the raw query
 * string. The filter sets one request header, {@value #HEADER}, to a marker and the query; the
 * marker is 256 random bits made when this class loads, known only to this JVM, so a client
 * cannot forge the header, and a host that forgot the filter has every signed request refused
 * (fail closed) instead of accepting bodies nobody checked.
 */
final class RequestBinding {

    /** The header the filter sets (and replaces if a client sent one). */
    static final String HEADER = "X-Gatehouse-Hmac-Binding";

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final byte[] MARKER = marker();
    private static final String MARKER_TEXT = ENCODER.encodeToString(MARKER);

    private RequestBinding() {}

    private static byte[] marker() {
        byte[] m = new byte[32];
        new SecureRandom().nextBytes(m);
        return m;
    }

    /** The header value for a request whose body was verified, with raw query {@code query} ("" if none). */
    static String value(String query) {
        return MARKER_TEXT + " " + ENCODER.encodeToString(query.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The raw query string the filter recorded, if {@code header} is a value that this JVM's
     * filter set; empty for a missing or forged header.
     */
    static Optional<String> query(Optional<String> header) {
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String h = header.get();
        int n = MARKER_TEXT.length();
        // compared in constant time, and without decoding: this runs on every signed request
        if (h.length() <= n || h.charAt(n) != ' ' || !ConstantTime.equals(h.subSequence(0, n), MARKER_TEXT)) {
            return Optional.empty();
        }
        if (h.length() == n + 1) {
            return Optional.of(""); // no query string, the common case
        }
        try {
            return Optional.of(new String(Base64.getUrlDecoder().decode(h.substring(n + 1)), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
