package dev.gatehouse.core;

import dev.gatehouse.core.internal.SimpleRequestView;
import java.util.List;
import java.util.Optional;

/**
 * The read-only part of a request that a realm may look at: headers, client address, method and
 * normalised path. Independent of the Servlet API, so that realms can be tested and used outside
 * servlets; the servlet filter adapts its request to it, and tests build one with
 * {@link #builder()}.
 *
 * <p>Header names are case-insensitive.
 */
public interface RequestView {

    /** The standard header that carries credentials (RFC 9110 section 11.6.2). */
    String AUTHORIZATION = "Authorization";

    /** The first value of the header {@code name}, if present. */
    Optional<String> header(String name);

    /** Every value of the header {@code name}, in the order received; empty if absent. */
    List<String> headers(String name);

    /**
     * The peer's address as the container reports it; no forwarding header is read here. Behind a
     * proxy this is the proxy: see {@link TrustedProxies} and {@link Gatehouse#clientAddress}.
     */
    String remoteAddress();

    /** The HTTP method, e.g. {@code GET}. */
    String method();

    /** The container-normalised path inside the application, e.g. {@code /api/v1/apikey}. */
    String path();

    /**
     * The {@code Authorization} header, parsed once by the rules of {@link AuthorizationHeader}.
     * Realms use this instead of parsing the header themselves, so that every realm sees the same
     * reading of it.
     */
    default AuthorizationHeader authorization() {
        return AuthorizationHeader.parse(headers(AUTHORIZATION));
    }

    /** A builder for views made outside a servlet container, e.g. in tests. */
    static Builder builder() {
        return new SimpleRequestView.Builder();
    }

    /** Builds a {@link RequestView}. Not thread-safe. */
    interface Builder {
        /** Adds a header value; call twice with one name to send it twice. */
        Builder header(String name, String value);

        /** The client address; defaults to {@code 127.0.0.1}. */
        Builder remoteAddress(String address);

        /** The method; defaults to {@code GET}. */
        Builder method(String method);

        /** The path; defaults to {@code /}. */
        Builder path(String path);

        RequestView build();
    }
}
