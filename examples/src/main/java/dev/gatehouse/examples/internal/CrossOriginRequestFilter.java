package dev.gatehouse.examples.internal;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses a state-changing request (any method but GET, HEAD and OPTIONS) that a browser sends on
 * behalf of another origin: a form on an attacker's page posting to the API while the browser
 * holds the victim's credentials (HTTP Basic credentials a browser cached after its own login
 * prompt are sent with such a form). The decision follows the browser's own statements:
 * <ol>
 *   <li>{@code Sec-Fetch-Site} present: only {@code same-origin} and {@code none} (the user typed
 *       the address) pass;</li>
 *   <li>else an {@code Origin} header must name this server's {@code Host};</li>
 *   <li>a request with neither header is not from a browser that could be tricked (curl, scripts,
 *       older browsers' same-origin requests) and passes.</li>
 * </ol>
 * A refusal is a 403 {@code {"message": ...}}, answered before authentication so that it neither
 * reads nor counts a credential. Stateless and thread-safe; no token to manage, since the console
 * sends its credential in a header that a cross-site form cannot set.
 */
public final class CrossOriginRequestFilter implements Filter {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        if (SAFE_METHODS.contains(req.getMethod()) || sameOrigin(req)) {
            chain.doFilter(request, response);
            return;
        }
        Router.write((HttpServletResponse) response, 403,
                Router.error("Cross-origin request refused: the API accepts changes only from its own origin"));
    }

    private static boolean sameOrigin(HttpServletRequest req) {
        String site = req.getHeader("Sec-Fetch-Site");
        if (site != null) {
            return site.equals("same-origin") || site.equals("none");
        }
        String origin = req.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        String host = req.getHeader("Host");
        if (host == null) {
            return false;
        }
        try {
            String authority = URI.create(origin).getRawAuthority();
            return authority != null && authority.toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false; // "null" and other opaque origins
        }
    }
}
