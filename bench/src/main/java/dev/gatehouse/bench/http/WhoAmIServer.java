package dev.gatehouse.bench.http;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Embedded Jetty 12 on a loopback port with one trivial servlet on {@code /api/*} answering
 * {@code {"username":...}} (the container's {@code getRemoteUser()}, or {@code anonymous}),
 * behind an optional filter on {@code /api/*}. No sessions. The same server for every stack.
 */
final class WhoAmIServer implements AutoCloseable {

    static final String PATH = "/api/v1/whoami";

    private final Server server;
    private final int port;

    WhoAmIServer(Optional<Filter> filter) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        filter.ifPresent(f -> context.addFilter(new FilterHolder(f), "/api/*", EnumSet.of(DispatcherType.REQUEST)));
        context.addServlet(new ServletHolder(new WhoAmI()), "/api/*");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    String url() {
        return "http://127.0.0.1:" + port + PATH;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static final class WhoAmI extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String user = request.getRemoteUser();
            byte[] body = ("{\"username\":\"" + (user == null ? HttpBenchmark.ANONYMOUS : user) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            response.setContentType("application/json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}
