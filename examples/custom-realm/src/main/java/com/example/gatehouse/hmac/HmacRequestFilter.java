package com.example.gatehouse.hmac;

import dev.gatehouse.core.ConstantTime;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The half of HMAC request signing that a realm cannot do: a realm sees a {@code RequestView}
 * (headers, method, path), never the body or the query string. Map this filter in front of
 * Gatehouse's {@code AuthenticationFilter}, on the same paths:
 *
 * <pre>
 * context.addFilter(new FilterHolder(new HmacRequestFilter(3 * 1024 * 1024)), "/api/*", REQUEST);
 * context.addFilter(new FilterHolder(AuthenticationFilter.builder(gatehouse)...), "/api/*", REQUEST);
 * </pre>
 *
 * or by class name (a host that has the plugin on its class path only): the no-argument
 * constructor reads the init parameter {@code maxBodyBytes} (default {@value #DEFAULT_MAX_BODY_BYTES}).
 *
 * <p>For a request with {@code Authorization: GH-HMAC ...} it reads the whole body (at most
 * {@code maxBodyBytes}; 413 beyond), checks it against the {@code Content-Digest} header
 * ({@code sha-256=:<base64>:}, RFC 9530), answers 400 if the header is missing or does not match,
 * and passes on a request whose body is the bytes it checked, so no handler ever reads a body
 * other than the one that was signed. It then tells the realm, through {@link RequestBinding}, that
 * the digest holds and what the raw query string was; without this filter the realm refuses
 * every signed request. {@code multipart/form-data} is refused with 415 (the container parses
 * parts from its own copy of the stream, which this filter cannot vouch for): send signed
 * requests as JSON or {@code application/x-www-form-urlencoded}. Other requests pass untouched.
 * Thread-safe.
 */
public final class HmacRequestFilter implements Filter {

    private static final Pattern SHA_256 = Pattern.compile("(?i)(?:^|,)\\s*sha-256\\s*=\\s*:([A-Za-z0-9+/=]+):\\s*(?:,|$)");

    /** The largest body of a signed request unless configured otherwise: 3 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

    private volatile int maxBodyBytes;

    /** A filter for bodies of at most {@code maxBodyBytes} init parameter, else {@value #DEFAULT_MAX_BODY_BYTES}. */
    public HmacRequestFilter() {
        this(DEFAULT_MAX_BODY_BYTES);
    }

    /**
     * @param maxBodyBytes the largest body a signed request may carry
     * @throws IllegalArgumentException if not positive
     */
    public HmacRequestFilter(int maxBodyBytes) {
        this.maxBodyBytes = checkMax(maxBodyBytes);
    }

    private static int checkMax(int maxBodyBytes) {
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, was " + maxBodyBytes);
        }
        return maxBodyBytes;
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        String max = config.getInitParameter("maxBodyBytes");
        if (max != null) {
            try {
                maxBodyBytes = checkMax(Integer.parseInt(max.strip()));
            } catch (IllegalArgumentException e) {
                throw new ServletException("maxBodyBytes: expected a positive integer, was '" + max + "'");
            }
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) resp;
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, HmacRealm.SCHEME + " ", 0,
                HmacRealm.SCHEME.length() + 1)) {
            chain.doFilter(req, resp); // not signed: the realm ignores it, so there is nothing to vouch for
            return;
        }
        String type = Optional.ofNullable(request.getContentType()).orElse("").toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/")) {
            refuse(response, 415, "HMAC-signed requests cannot be multipart: send JSON or a url-encoded form");
            return;
        }
        int max = maxBodyBytes;
        byte[] body;
        // Taken in every case, so that the container never parses a form from its own copy of
        // the body (it does so only while nobody took the stream): parameters come from the
        // query string alone, and the body from the bytes checked here.
        try (InputStream in = request.getInputStream()) {
            // nothing to read when the framing says so: spares the container's content machinery
            body = hasNoBody(request) ? EMPTY : in.readNBytes(max + 1);
        }
        if (body.length > max) {
            refuse(response, 413, "Request body is larger than " + max + " bytes");
            return;
        }
        Optional<byte[]> claimed = digest(request.getHeader(HmacRealm.DIGEST_HEADER));
        if (claimed.isEmpty()) {
            refuse(response, 400, "HMAC-signed requests need a Content-Digest header: sha-256=:<base64 of SHA-256(body)>:");
            return;
        }
        if (!ConstantTime.equals(claimed.get(), body.length == 0 ? EMPTY_SHA_256 : sha256(body))) {
            refuse(response, 400, "Content-Digest does not match the request body");
            return;
        }
        chain.doFilter(new Verified(request, body), resp);
    }

    /**
     * Whether the request's framing says it has no body: no {@code Transfer-Encoding} and no
     * {@code Content-Encoding} (a decompressing wrapper may have removed the length), and either
     * {@code Content-Length: 0}, or an HTTP/1.x request without {@code Content-Length} (RFC 9112,
     * section 6.3: its body length is zero). Such a request is not read. An HTTP/2 or HTTP/3 request
     * may carry a body without a length, so without one it is always read.
     */
    static boolean hasNoBody(HttpServletRequest request) {
        if (request.getHeader("Transfer-Encoding") != null || request.getHeader("Content-Encoding") != null) {
            return false;
        }
        long length = request.getContentLengthLong();
        if (length == 0) {
            return true;
        }
        String protocol = request.getProtocol();
        return length < 0 && ("HTTP/1.1".equals(protocol) || "HTTP/1.0".equals(protocol));
    }

    /** The SHA-256 value of a {@code Content-Digest} header, if it has one. */
    static Optional<byte[]> digest(String header) {
        if (header == null) {
            return Optional.empty();
        }
        if (header.length() == 54 && header.startsWith("sha-256=:") && header.charAt(53) == ':') {
            // the form every client of this plugin sends: no list, no spaces (the regex is the general case)
            try {
                byte[] d = Base64.getDecoder().decode(header.substring(9, 53));
                return d.length == 32 ? Optional.of(d) : Optional.empty();
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        Matcher m = SHA_256.matcher(header);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            byte[] d = Base64.getDecoder().decode(m.group(1));
            return d.length == 32 ? Optional.of(d) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static final ThreadLocal<MessageDigest> SHA_256_DIGESTS = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    });

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] EMPTY_SHA_256 = sha256(EMPTY);

    static byte[] sha256(byte[] body) {
        MessageDigest md = SHA_256_DIGESTS.get(); // a provider lookup per request cost more than the digest
        md.reset();
        return md.digest(body);
    }

    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(("{\"message\":\"" + message.replace("\"", "'") + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** A request whose {@link RequestBinding#HEADER}, if a client sent one, is hidden. */
    private abstract static class WithoutBinding extends HttpServletRequestWrapper {
        WithoutBinding(HttpServletRequest request) {
            super(request);
        }

        abstract String binding();

        @Override
        public String getHeader(String name) {
            return RequestBinding.HEADER.equalsIgnoreCase(name) ? binding() : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            if (RequestBinding.HEADER.equalsIgnoreCase(name)) {
                return Collections.enumeration(List.of(binding()));
            }
            return super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
                String n = e.nextElement();
                if (!RequestBinding.HEADER.equalsIgnoreCase(n)) {
                    names.add(n);
                }
            }
            names.add(RequestBinding.HEADER);
            return Collections.enumeration(names);
        }
    }

    /** A signed request whose body was checked: it reads as those bytes, and carries the binding (and no other). */
    private static final class Verified extends WithoutBinding {
        private final byte[] body;
        private final String binding;

        Verified(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
            this.binding = RequestBinding.value(Optional.ofNullable(request.getQueryString()).orElse(""));
        }

        @Override
        String binding() {
            return binding;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body was read already; read it synchronously");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            Charset charset = Optional.ofNullable(getCharacterEncoding()).map(Charset::forName).orElse(StandardCharsets.UTF_8);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
