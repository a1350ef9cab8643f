package dev.gatehouse.bench.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;

/** Two filters as one, the first in front, as a host lists them in {@code server.filters}. */
final class Filters {

    private Filters() {}

    static Filter chain(Filter first, Filter second) {
        return new Filter() {
            @Override
            public void init(FilterConfig config) throws ServletException {
                first.init(config);
                second.init(config);
            }

            @Override
            public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                    throws IOException, ServletException {
                first.doFilter(request, response, (req, resp) -> second.doFilter(req, resp, chain));
            }

            @Override
            public void destroy() {
                second.destroy();
                first.destroy();
            }
        };
    }
}
