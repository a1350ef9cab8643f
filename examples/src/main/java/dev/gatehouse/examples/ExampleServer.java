package dev.gatehouse.examples;

import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

/**
 * A host server embedding Gatehouse: Jetty 12, the authentication filter in front of
 * {@code /api/*}, and a {@code whoami} endpoint. The full Concord-style example server (realms,
 * secrets, processes) arrives with the example-server issue; this one starts the filter on the
 * realms found on the class path.
 */
public final class ExampleServer {

    private ExampleServer() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getProperty("server.port", "8001"));
        Server server = start(port);
        System.out.println("Gatehouse example server listening on http://localhost:" + port
                + " (GET /api/v1/server/ping)");
        server.join();
    }

    /** Starts the server on {@code port} (0 picks a free one). */
    public static Server start(int port) throws Exception {
        Gatehouse gatehouse = Gatehouse.builder().build();
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addFilter(new FilterHolder(AuthenticationFilter.builder(gatehouse)
                        .mode(AuthenticationMode.REQUIRED)
                        .exclude("/api/v1/server/ping")
                        .build()),
                "/api/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("application/json");
                if ("/api/v1/server/ping".equals(req.getRequestURI())) {
                    resp.getWriter().write("{\"ok\":true}");
                    return;
                }
                Identity identity = AuthenticationFilter.identity(req).orElseThrow();
                resp.getWriter().write("{\"username\":\"" + identity.username() + "\",\"realm\":\""
                        + identity.realm() + "\"}");
            }
        }), "/api/*");
        Server server = new Server(port);
        server.setHandler(context);
        server.start();
        return server;
    }
}
