package dev.gatehouse.examples.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example API: routes of (method, path pattern) to handlers, JSON in and out, and every error
 * as {@code {"message": "..."}}. Path patterns use {@code {name}} for one segment.
 */
public final class Router extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    public static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final int MAX_JSON_BODY = 64 * 1024;

    /** One request as a handler sees it. */
    public record Call(HttpServletRequest request, HttpServletResponse response, List<String> params) {
        /** The caller; every route behind the filter has one. */
        public Identity caller() {
            return AuthenticationFilter.identity(request)
                    .orElseThrow(() -> new ApiException(401, "Authentication required"));
        }

        public String param(int i) {
            return params.get(i);
        }

        /** The JSON body as an object ({@code {}} when empty). */
        public ObjectNode json() {
            try (InputStream in = request.getInputStream()) {
                byte[] body = in.readNBytes(MAX_JSON_BODY + 1);
                if (body.length > MAX_JSON_BODY) {
                    throw ApiException.badRequest("Request body is larger than " + MAX_JSON_BODY + " bytes");
                }
                if (body.length == 0) {
                    return JSON.createObjectNode();
                }
                JsonNode node = JSON.readTree(body);
                if (!(node instanceof ObjectNode object)) {
                    throw ApiException.badRequest("Request body must be a JSON object");
                }
                return object;
            } catch (JsonProcessingException e) {
                throw ApiException.badRequest("Request body is not valid JSON");
            } catch (IOException e) {
                throw ApiException.badRequest("Cannot read the request body");
            }
        }
    }

    /** Handles a call and returns the JSON to send, or {@code null} if it wrote the response itself. */
    @FunctionalInterface
    public interface Handler {
        Object handle(Call call) throws IOException;
    }

    private record Route(String method, Pattern pattern, Handler handler) {}

    private final List<Route> routes = new ArrayList<>();

    public Router route(String method, String path, Handler handler) {
        String regex = Pattern.quote(path).replaceAll("\\{[a-zA-Z]+}", "\\\\E([^/]+)\\\\Q");
        routes.add(new Route(method, Pattern.compile(regex), handler));
        return this;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getRequestURI().substring(req.getContextPath().length());
        boolean pathMatched = false;
        try {
            for (Route r : routes) {
                Matcher m = r.pattern().matcher(path);
                if (!m.matches()) {
                    continue;
                }
                pathMatched = true;
                if (!r.method().equals(req.getMethod())) {
                    continue;
                }
                List<String> params = new ArrayList<>();
                for (int i = 1; i <= m.groupCount(); i++) {
                    params.add(java.net.URLDecoder.decode(m.group(i), StandardCharsets.UTF_8));
                }
                Object result = r.handler().handle(new Call(req, resp, params));
                if (result != null) {
                    write(resp, 200, result);
                }
                return;
            }
            throw pathMatched ? new ApiException(405, "Method not allowed") : ApiException.notFound("Not found: " + path);
        } catch (ApiException e) {
            write(resp, e.status(), error(e.getMessage()));
        } catch (BackendUnavailableException e) {
            // One place for outages: a backend that is down is never the request's fault.
            LOG.warn("{} {}: {}", req.getMethod(), path, e.getMessage());
            resp.setHeader("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
            write(resp, 503, error("Service unavailable (" + e.backend() + " did not answer); retry later"));
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", req.getMethod(), path, e);
            write(resp, 500, error("Internal server error"));
        }
    }

    public static ObjectNode error(String message) {
        return JSON.createObjectNode().put("message", message);
    }

    public static void write(HttpServletResponse resp, int status, Object body) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.resetBuffer();
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        JSON.writeValue(resp.getOutputStream(), body);
    }
}
