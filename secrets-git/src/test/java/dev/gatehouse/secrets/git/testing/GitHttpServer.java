package dev.gatehouse.secrets.git.testing;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import dev.gatehouse.ldap.LdapRealm;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.transport.resolver.FileResolver;

/**
 * A Git smart-HTTP server on a loopback port: JGit's {@link GitServlet} (Jakarta Servlet 6) in
 * Jetty 12, behind Gatehouse's own {@link AuthenticationFilter} in REQUIRED mode with an LDAP realm
 * over an in-process UnboundID directory that holds one user. Every request needs Basic
 * authentication; the servlet serves the bare repositories under one folder, read-only
 * ({@code /git/<name>.git}). Shows Gatehouse protecting a real service.
 */
public final class GitHttpServer implements AutoCloseable {

    private static final String BASE = "dc=example,dc=org";
    private static final String SERVICE_DN = "cn=gatehouse,ou=services," + BASE;

    private final InMemoryDirectoryServer ldap;
    private final Gatehouse gatehouse;
    private final Server jetty;
    private final int port;
    private final AtomicInteger served;
    private final List<String> authorizationHeaders;

    private GitHttpServer(InMemoryDirectoryServer ldap, Gatehouse gatehouse, Server jetty, AtomicInteger served,
            List<String> authorizationHeaders) {
        this.ldap = ldap;
        this.gatehouse = gatehouse;
        this.jetty = jetty;
        this.port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
        this.served = served;
        this.authorizationHeaders = authorizationHeaders;
    }

    /** Serves the bare repositories in {@code repositories} to {@code username} with {@code password}. */
    public static GitHttpServer start(Path repositories, String username, String password) throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
        String servicePassword = "svc-" + System.nanoTime();
        InMemoryDirectoryServer ldap = new InMemoryDirectoryServer(config);
        ldap.add("dn: " + BASE, "objectClass: top", "objectClass: domain", "dc: example");
        ldap.add("dn: ou=services," + BASE, "objectClass: organizationalUnit", "ou: services");
        ldap.add("dn: ou=people," + BASE, "objectClass: organizationalUnit", "ou: people");
        ldap.add("dn: " + SERVICE_DN, "objectClass: person", "cn: gatehouse", "sn: service", "userPassword: " + servicePassword);
        ldap.add("dn: uid=" + username + ",ou=people," + BASE, "objectClass: inetOrgPerson", "uid: " + username,
                "cn: " + username, "sn: " + username, "userPassword: " + password);
        ldap.startListening();
        Gatehouse gatehouse = null;
        try {
            Map<String, String> settings = new HashMap<>();
            settings.put("url", "ldap://127.0.0.1:" + ldap.getListenPort());
            settings.put("searchBase", "ou=people," + BASE);
            settings.put("principalSearchFilter", "(uid={0})");
            settings.put("systemUsername", SERVICE_DN);
            settings.put("systemPassword", servicePassword);
            settings.put("cacheDuration", "0s");
            gatehouse = Gatehouse.builder().users(UserDirectory.inMemory(Clock.systemUTC()))
                    .throttling(Throttling.disabled())
                    .realm("ldap", "ldap", settings)
                    .build();
            AtomicInteger served = new AtomicInteger();
            List<String> headers = new CopyOnWriteArrayList<>();

            Server jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
            context.setContextPath("/");
            Filter record = (req, res, chain) -> {
                String h = ((HttpServletRequest) req).getHeader("Authorization");
                if (h != null) {
                    headers.add(((HttpServletRequest) req).getServerName() + " " + h);
                }
                chain.doFilter(req, res);
            };
            context.addFilter(new FilterHolder(record), "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addFilter(new FilterHolder(AuthenticationFilter.builder(gatehouse).mode(AuthenticationMode.REQUIRED)
                    .build()), "/git/*", EnumSet.of(DispatcherType.REQUEST));
            GitServlet git = new GitServlet();
            git.setRepositoryResolver(new FileResolver<HttpServletRequest>(repositories.toFile(), true));
            git.setReceivePackFactory(null); // read-only: pushing is refused
            context.addFilter(new FilterHolder((req, res, chain) -> {
                served.incrementAndGet();
                chain.doFilter(req, res);
            }), "/git/*", EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(new ServletHolder(git), "/git/*");
            // /moved/<path> answers 302 to the same server under another name: http://localhost:<port>/git/<path>.
            context.addServlet(new ServletHolder(new HttpServlet() {
                private static final long serialVersionUID = 1L;

                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) {
                    String query = req.getQueryString() == null ? "" : "?" + req.getQueryString();
                    resp.setStatus(302);
                    resp.setHeader("Location", "http://localhost:" + req.getLocalPort() + "/git" + req.getPathInfo() + query);
                }
            }), "/moved/*");
            jetty.setHandler(context);
            jetty.start();
            return new GitHttpServer(ldap, gatehouse, jetty, served, headers);
        } catch (Exception | Error e) {
            if (gatehouse != null) {
                gatehouse.close();
            }
            ldap.shutDown(true);
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>/git/<name>}. */
    public String url(String name) {
        return "http://127.0.0.1:" + port + "/git/" + name;
    }

    /** Requests that got past Gatehouse's filter to the Git servlet. */
    public int served() {
        return served.get();
    }

    /** {@code http://127.0.0.1:<port>/moved/<name>}: redirects to {@code http://localhost:<port>/git/<name>}. */
    public String movedUrl(String name) {
        return "http://127.0.0.1:" + port + "/moved/" + name;
    }

    /** Every Authorization header received, as {@code <host the request named> <header>}, to prove what a client sent. */
    public List<String> authorizationHeaders() {
        return List.copyOf(authorizationHeaders);
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop Jetty: " + e.getMessage(), e);
        } finally {
            for (Realm r : gatehouse.realms()) {
                if (r instanceof LdapRealm ldapRealm) {
                    ldapRealm.close();
                }
            }
            gatehouse.close();
            ldap.shutDown(true);
        }
    }

    @Override
    public String toString() {
        return "GitHttpServer[" + url("") + "]";
    }

}
