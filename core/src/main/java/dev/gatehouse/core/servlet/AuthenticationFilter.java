package dev.gatehouse.core.servlet;

import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.Decision;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.servlet.internal.AuthenticatedRequest;
import dev.gatehouse.core.servlet.internal.PathFirewall;
import dev.gatehouse.core.servlet.internal.Responses;
import dev.gatehouse.core.servlet.internal.ServletRequestView;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Jakarta Servlet (6.0+) filter that puts Gatehouse in front of a host's servlets. Map it with
 * the container's URL patterns; it decides every request it sees:
 *
 * <ul>
 *   <li>a request whose raw URI holds {@code ;}, an encoded {@code /}, {@code \}, {@code .} or
 *       {@code %}, a {@code \}, a {@code .} or {@code ..} segment, {@code //}, {@code %00} or any
 *       control character is refused with 400 before anything else (the shapes of the Shiro and
 *       Spring Security path-bypass CVEs);
 *   <li>an excluded path (exact match on the container-normalised path, case-sensitive) goes on
 *       without authentication;
 *   <li>otherwise the {@link Gatehouse} engine decides: authenticated requests go on wrapped so
 *       that {@code getUserPrincipal}, {@code getRemoteUser}, {@code isUserInRole} and
 *       {@code getAuthType} answer for the {@link Identity}; refused ones get 401, 429 or 503 with
 *       a JSON body {@code {"message": "..."}} and {@code WWW-Authenticate} or
 *       {@code Retry-After}.
 * </ul>
 *
 * <p>The filter never creates an HTTP session and never echoes a credential. Thread-safe.
 *
 * <pre>{@code
 * Gatehouse gatehouse = Gatehouse.builder().users(directory).properties(props).build();
 * context.addFilter(new FilterHolder(AuthenticationFilter.builder(gatehouse)
 *         .exclude("/api/v1/server/ping").build()), "/api/*", EnumSet.of(DispatcherType.REQUEST));
 * }</pre>
 */
public final class AuthenticationFilter implements Filter {

    /** The request attribute that holds the caller's {@link Identity}. */
    public static final String IDENTITY_ATTRIBUTE = Identity.class.getName();

    private final Gatehouse gatehouse;
    private final AuthenticationMode mode;
    private final Set<String> excluded;
    private final String[] challenges;

    private AuthenticationFilter(Builder b) {
        this.gatehouse = b.gatehouse;
        this.mode = b.mode;
        this.excluded = Set.copyOf(b.excluded);
        this.challenges = gatehouse.challenges().toArray(new String[0]);
    }

    /** A filter over {@code gatehouse}, in mode {@link AuthenticationMode#REQUIRED}, excluding nothing. */
    public static Builder builder(Gatehouse gatehouse) {
        return new Builder(gatehouse);
    }

    /** The identity of the caller of {@code request}, if the filter authenticated one. */
    public static Optional<Identity> identity(ServletRequest request) {
        Object value = request.getAttribute(IDENTITY_ATTRIBUTE);
        return value instanceof Identity identity ? Optional.of(identity) : Optional.empty();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            throw new ServletException("AuthenticationFilter handles HTTP requests only");
        }
        if (request.getAttribute(IDENTITY_ATTRIBUTE) instanceof Identity) {
            chain.doFilter(request, response); // already decided, e.g. on a forward
            return;
        }
        Optional<String> problem = PathFirewall.check(request.getRequestURI());
        if (problem.isPresent()) {
            Responses.badRequest(response, problem.get());
            return;
        }
        if (!excluded.isEmpty() && excluded.contains(ServletRequestView.normalisedPath(request))) {
            chain.doFilter(request, response);
            return;
        }
        Decision decision = gatehouse.authenticate(new ServletRequestView(request), mode);
        if (decision instanceof Decision.Authenticated authenticated) {
            Identity identity = authenticated.identity();
            request.setAttribute(IDENTITY_ATTRIBUTE, identity);
            chain.doFilter(new AuthenticatedRequest(request, identity), response);
        } else if (decision instanceof Decision.Anonymous) {
            chain.doFilter(request, response);
        } else if (decision instanceof Decision.Refused refused) {
            Responses.refuse(response, refused, challenges);
        }
    }

    @Override
    public String toString() {
        return "AuthenticationFilter[mode=" + mode + ", excluded=" + new TreeSet<>(excluded) + ", realms="
                + gatehouse.realms().stream().map(r -> r.name()).toList() + "]";
    }

    /** Builds an {@link AuthenticationFilter}. Not thread-safe. */
    public static final class Builder {
        private final Gatehouse gatehouse;
        private AuthenticationMode mode = AuthenticationMode.REQUIRED;
        private final Set<String> excluded = new TreeSet<>();

        private Builder(Gatehouse gatehouse) {
            this.gatehouse = Objects.requireNonNull(gatehouse, "gatehouse");
        }

        /** What to do with requests that carry no credentials; defaults to {@link AuthenticationMode#REQUIRED}. */
        public Builder mode(AuthenticationMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Paths that need no authentication, matched exactly (case-sensitive, no wildcards) against
         * the container-normalised path inside the application (servlet path plus path info).
         * Prefer mapping the filter so that it does not cover public paths at all.
         *
         * @throws IllegalArgumentException if a path does not start with {@code /} or is not
         *     normalised (holds {@code ;}, {@code %}, {@code \}, {@code //}, {@code .} or {@code ..}
         *     segments)
         */
        public Builder exclude(String... paths) {
            for (String p : paths) {
                Objects.requireNonNull(p, "path");
                if (!p.startsWith("/") || PathFirewall.check(p).isPresent() || p.indexOf('%') >= 0) {
                    throw new IllegalArgumentException("excluded path must be a normalised absolute path without "
                            + "';', '%', '\\\\', '//', '.' or '..' segments: " + p);
                }
                excluded.add(p);
            }
            return this;
        }

        public AuthenticationFilter build() {
            return new AuthenticationFilter(this);
        }
    }
}
