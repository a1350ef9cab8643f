package dev.gatehouse.bench.http;

import jakarta.servlet.Filter;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One thing to measure: a security stack ({@code stack}) doing one job ({@code job}) in front of
 * the same servlet. {@code headers} are computed just before each wrk run, so that a signed
 * request carries a fresh date.
 *
 * @param stack who protects the servlet, e.g. {@code Gatehouse (H2)}, {@code Spring Security 7}
 * @param job what the request carries, e.g. {@code API key}
 * @param filter the filter on {@code /api/*}; empty for the unprotected servlet
 * @param headers the request headers that carry the credential
 * @param username the name the servlet must answer with
 * @param each for a credential that is good for one request only (a signed request with a nonce):
 *     signs each request wrk sends; empty when every request may carry {@code headers}
 */
record Target(String stack, String job, Optional<Filter> filter, Supplier<Map<String, String>> headers,
        String username, Optional<SignedRequests> each) {

    /**
     * Signs one request: its headers under {@code date}, with a nonce of its own. The benchmark
     * dates requests as a client sending them at a given rate would (see
     * {@link HttpBenchmark}), and every call must give headers of the same length.
     */
    @FunctionalInterface
    interface SignedRequests {
        Map<String, String> sign(String date);
    }

    Target(String stack, String job, Optional<Filter> filter, Supplier<Map<String, String>> headers, String username) {
        this(stack, job, filter, headers, username, Optional.empty());
    }

    static Target unprotected() {
        return new Target("none", "no security", Optional.empty(), Map::of, HttpBenchmark.ANONYMOUS);
    }

    /**
     * Not a contender: the unprotected servlet again, on a server of its own, measured as every
     * target is. Its share would be 100% with no noise; how far it lands from that, and its
     * slices' spread, is the method's own noise floor.
     */
    static Target unprotectedAgain() {
        return new Target("none", "no security, a second server", Optional.empty(), Map::of, HttpBenchmark.ANONYMOUS);
    }

    /** Whether this is the run every share is measured against. */
    boolean isUnprotected() {
        return filter.isEmpty() && job.equals("no security");
    }

    /**
     * Not a contender: the unprotected servlet sent {@code like}'s headers, which it ignores. Tells
     * how much of {@code like}'s cost is only Jetty reading a longer request.
     */
    static Target unprotectedWithHeadersOf(Target like) {
        return new Target("none", "no security, " + like.job() + " headers sent", Optional.empty(), like.headers(),
                HttpBenchmark.ANONYMOUS, like.each());
    }

    /**
     * Not a contender: {@code like}'s headers, through a filter that checks nothing and only wraps
     * the request to name {@code like}'s user, as every security filter must. Tells how much of
     * {@code like}'s cost is the container running a filter and a request wrapper at all.
     */
    static Target passThroughWithHeadersOf(Target like) {
        Filter wrapOnly = (request, response, chain) -> chain.doFilter(
                new jakarta.servlet.http.HttpServletRequestWrapper((jakarta.servlet.http.HttpServletRequest) request) {
                    @Override
                    public String getRemoteUser() {
                        return like.username();
                    }
                }, response);
        return new Target("none", "wrap-only filter, " + like.job() + " headers sent",
                Optional.of(wrapOnly), like.headers(), like.username(), like.each());
    }

    static Target of(String stack, String job, Filter filter, Map<String, String> headers, String username) {
        return new Target(stack, job, Optional.of(filter), () -> headers, username);
    }

    String label() {
        return stack.equals("none") ? job : stack + ": " + job;
    }
}
