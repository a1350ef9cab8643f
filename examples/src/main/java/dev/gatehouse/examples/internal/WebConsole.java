package dev.gatehouse.examples.internal;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * The web console: static HTML, CSS and JavaScript modules served from the jar at
 * {@code /console/}, which call the same REST API as {@code curl} does. It keeps the caller's
 * credential in page memory only and sends it in the {@code Authorization} header of each call;
 * nothing here stores a credential or sets a cookie.
 *
 * <p>Every response carries a strict Content-Security-Policy (scripts and styles from this origin
 * only, no inline code, no {@code eval}, Trusted Types enforced so that no string can become
 * HTML, no framing), {@code nosniff}, {@code no-referrer} and {@code no-store}. Thread-safe.
 */
public final class WebConsole extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Where the console's files live on the class path. */
    static final String RESOURCES = "dev/gatehouse/examples/console/";

    /** The policy for every {@code /console/} response. */
    public static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
            "font-src 'none'",
            "object-src 'none'",
            "media-src 'none'",
            "frame-src 'none'",
            "worker-src 'none'",
            "manifest-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
            "require-trusted-types-for 'script'",
            "trusted-types 'none'");

    /** Lower-case names in lower-case folders; no segment starts with a dot. */
    private static final Pattern FILE = Pattern.compile("(?:[a-z0-9][a-z0-9_-]*/)*[a-z0-9][a-z0-9_.-]*\\.(html|css|js|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=utf-8",
            "css", "text/css;charset=utf-8",
            "js", "text/javascript;charset=utf-8",
            "svg", "image/svg+xml");

    /**
     * Mounts the console on {@code /console/*} and, on {@code /api/*}, the
     * {@link CrossOriginRequestFilter} that refuses cross-site state changes. Call it before the
     * authentication filter is added, so that a forged request is refused before any credential
     * is looked at (and never counts as a failed login).
     */
    public static void mount(ServletContextHandler context) {
        context.addFilter(new FilterHolder(new CrossOriginRequestFilter()), "/api/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new WebConsole()), "/console/*");
    }

    /** Sets the headers every console response carries, errors and redirects included. */
    static void secure(HttpServletRequest req, HttpServletResponse resp) {
        resp.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Referrer-Policy", "no-referrer");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        resp.setHeader("Cross-Origin-Resource-Policy", "same-origin");
        resp.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
        if (req.isSecure()) {
            resp.setHeader("Strict-Transport-Security", "max-age=31536000");
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        secure(req, resp);
        if (!req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) {
            resp.setHeader("Allow", "GET, HEAD");
            plain(resp, 405, "Method not allowed");
            return;
        }
        String path = req.getPathInfo();
        if (path == null) {
            resp.setStatus(301);
            resp.setHeader("Location", req.getContextPath() + "/console/");
            return;
        }
        String file = path.equals("/") ? "index.html" : path.substring(1);
        if (!FILE.matcher(file).matches() || file.contains("..")) {
            plain(resp, 404, "Not found");
            return;
        }
        byte[] body;
        try (InputStream in = WebConsole.class.getClassLoader().getResourceAsStream(RESOURCES + file)) {
            if (in == null) {
                plain(resp, 404, "Not found");
                return;
            }
            body = in.readAllBytes();
        }
        resp.setStatus(200);
        resp.setContentType(TYPES.get(file.substring(file.lastIndexOf('.') + 1)));
        resp.setContentLength(body.length);
        if (req.getMethod().equals("GET")) {
            resp.getOutputStream().write(body);
        }
    }

    private static void plain(HttpServletResponse resp, int status, String message) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=utf-8");
        resp.getWriter().write(message);
    }
}
