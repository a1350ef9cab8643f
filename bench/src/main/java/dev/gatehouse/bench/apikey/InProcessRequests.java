package dev.gatehouse.bench.apikey;

import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Just enough of a servlet request and response to drive {@code AuthenticationFilter} in-process,
 * without a container or a socket: the methods the filter calls are plain overrides; anything else
 * throws, so the benchmark cannot silently measure a path it did not mean to.
 */
final class InProcessRequests {

    private static final HttpServletRequest NO_REQUEST = unsupported(HttpServletRequest.class);
    static final HttpServletResponse RESPONSE = new HttpServletResponseWrapper(unsupported(HttpServletResponse.class));

    private InProcessRequests() {}

    @SuppressWarnings("unchecked")
    private static <T> T unsupported(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            throw new UnsupportedOperationException("benchmark request does not support " + method.getName());
        });
    }

    /** A GET of {@code path} from 127.0.0.1 carrying one {@code Authorization} value. */
    static HttpServletRequest get(String path, String authorization) {
        return new Request(path, authorization);
    }

    /** A chain that records whether the request got through and as whom. */
    static final class Chain implements FilterChain {
        Object lastPrincipal;

        @Override
        public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response) {
            lastPrincipal = ((HttpServletRequest) request).getUserPrincipal();
        }
    }

    private static final class Request extends HttpServletRequestWrapper {
        private final String path;
        private final String authorization;
        private Object identity;
        private String identityName;

        Request(String path, String authorization) {
            super(NO_REQUEST);
            this.path = path;
            this.authorization = authorization;
        }

        @Override
        public String getHeader(String name) {
            return "Authorization".equalsIgnoreCase(name) ? authorization : null;
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return "Authorization".equalsIgnoreCase(name)
                    ? Collections.enumeration(List.of(authorization))
                    : Collections.emptyEnumeration();
        }

        @Override
        public String getRequestURI() {
            return path;
        }

        @Override
        public String getServletPath() {
            return path;
        }

        @Override
        public String getPathInfo() {
            return null;
        }

        @Override
        public String getContextPath() {
            return "";
        }

        @Override
        public String getMethod() {
            return "GET";
        }

        @Override
        public String getRemoteAddr() {
            return "127.0.0.1";
        }

        @Override
        public Object getAttribute(String name) {
            return name.equals(identityName) ? identity : null;
        }

        @Override
        public void setAttribute(String name, Object o) {
            identityName = name;
            identity = o;
        }

        @Override
        public void removeAttribute(String name) {
            if (name.equals(identityName)) {
                identity = null;
            }
        }
    }
}
