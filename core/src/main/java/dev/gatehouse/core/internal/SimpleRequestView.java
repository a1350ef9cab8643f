package dev.gatehouse.core.internal;

import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.RequestView;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** A {@link RequestView} built by hand. */
public final class SimpleRequestView implements RequestView {

    private final Map<String, List<String>> headers;
    private final String remoteAddress;
    private final String method;
    private final String path;
    private AuthorizationHeader authorization;

    private SimpleRequestView(Builder b) {
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        b.headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        this.headers = copy;
        this.remoteAddress = b.remoteAddress;
        this.method = b.method;
        this.path = b.path;
    }

    @Override
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    @Override
    public List<String> headers(String name) {
        return headers.getOrDefault(name, List.of());
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public AuthorizationHeader authorization() {
        if (authorization == null) {
            authorization = AuthorizationHeader.parse(headers(AUTHORIZATION));
        }
        return authorization;
    }

    @Override
    public String toString() {
        return "RequestView[" + method + " " + path + " from " + remoteAddress + ", headers=" + headers.keySet() + "]";
    }

    /** See {@link RequestView#builder()}. */
    public static final class Builder implements RequestView.Builder {
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private String remoteAddress = "127.0.0.1";
        private String method = "GET";
        private String path = "/";

        @Override
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
            return this;
        }

        @Override
        public Builder remoteAddress(String address) {
            this.remoteAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        @Override
        public Builder method(String method) {
            this.method = Objects.requireNonNull(method, "method");
            return this;
        }

        @Override
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        @Override
        public RequestView build() {
            return new SimpleRequestView(this);
        }
    }
}
