package dev.gatehouse.core.testing;

import dev.gatehouse.core.Authorization;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.PermissionDeniedException;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real Jetty 12 on an ephemeral loopback port with a filter in front of {@code /*}, serving a
 * servlet that reports the caller as text: {@code user=<name> realm=<authType> roles:admin=<bool>}
 * or {@code anonymous}. Counts the requests that reached the servlet, so that tests can prove a
 * request was stopped by the filter.
 *
 * <p>{@code /permits/<permission>} stands for a host endpoint that needs a permission: it calls
 * {@link Authorization#require} and answers 200 {@code permitted <permission>}, or 403 with the
 * {@link PermissionDeniedException}'s message as {@code {"message": ...}}, as a host maps it.
 */
public final class JettyHarness implements AutoCloseable {

    private final Server server;
    private final int port;
    private final AtomicInteger reached = new AtomicInteger();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private JettyHarness(Filter filter, UriCompliance compliance) throws Exception {
        server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(128 * 1024); // so the filter, not Jetty, answers oversized credentials
        http.setUriCompliance(compliance);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new WhoAmI(reached)), "/*");
        context.addServlet(new ServletHolder(new Permits(reached)), "/permits/*");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    /** Starts Jetty with its default URI compliance. */
    public static JettyHarness start(Filter filter) throws Exception {
        return new JettyHarness(filter, UriCompliance.DEFAULT);
    }

    /**
     * Starts Jetty with URI compliance {@code UNSAFE}, so that every ambiguous path reaches the
     * filter: proves the filter's own checks, not Jetty's.
     */
    public static JettyHarness startPermissive(Filter filter) throws Exception {
        return new JettyHarness(filter, UriCompliance.UNSAFE);
    }

    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** How many requests reached the servlet behind the filter. */
    public int reached() {
        return reached.get();
    }

    /** A GET with the given header pairs (name, value, name, value...). */
    public HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A response read off a raw socket: the status and everything the server sent. */
    public record RawResponse(int status, String text) {
        /** The body: what follows the blank line after the headers. */
        public String body() {
            int i = text.indexOf("\r\n\r\n");
            return i < 0 ? "" : text.substring(i + 4);
        }
    }

    /**
     * Sends {@code rawRequest} byte for byte over a socket (for request lines and headers that
     * {@link HttpClient} refuses to send) and reads the response until the server closes the
     * connection; send {@code Connection: close}.
     */
    public RawResponse raw(String rawRequest) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(rawRequest.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 ")) {
                throw new IOException("not an HTTP response: " + text);
            }
            return new RawResponse(Integer.parseInt(text.substring(9, 12)), text);
        }
    }

    /** The status of {@link #raw(String)}. */
    public int rawStatus(String rawRequest) throws IOException {
        return raw(rawRequest).status();
    }

    /** A GET of {@code target} (sent as-is in the request line) with extra raw header lines. */
    public RawResponse rawGet(String target, String... headerLines) throws IOException {
        StringBuilder b = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String line : headerLines) {
            b.append(line).append("\r\n");
        }
        return raw(b.append("Connection: close\r\n\r\n").toString());
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static final class Permits extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient AtomicInteger reached;

        Permits(AtomicInteger reached) {
            this.reached = reached;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            reached.incrementAndGet();
            String permission = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
            Identity caller = AuthenticationFilter.identity(req).orElse(null);
            try {
                if (caller == null) {
                    resp.setStatus(403);
                    resp.getWriter().write("{\"message\":\"no caller\"}");
                    return;
                }
                Authorization.require(caller, permission);
                resp.setContentType("text/plain");
                resp.getWriter().write("permitted " + permission);
            } catch (PermissionDeniedException e) {
                resp.setStatus(403);
                resp.setContentType("application/json");
                resp.getWriter().write("{\"message\":\"" + e.getMessage() + "\"}");
            }
        }
    }

    private static final class WhoAmI extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient AtomicInteger reached;

        WhoAmI(AtomicInteger reached) {
            this.reached = reached;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            reached.incrementAndGet();
            resp.setContentType("text/plain");
            if (req.getUserPrincipal() == null) {
                resp.getWriter().write("anonymous");
                return;
            }
            resp.getWriter().write("user=" + req.getRemoteUser() + " realm=" + req.getAuthType()
                    + " roles:admin=" + req.isUserInRole("admin")
                    + " identity=" + AuthenticationFilter.identity(req).isPresent());
        }
    }
}
