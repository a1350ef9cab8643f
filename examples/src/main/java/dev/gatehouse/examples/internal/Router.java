package dev.gatehouse.examples.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.core.Authorization;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.Permission;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.PermissionDeniedException;
import dev.gatehouse.core.jdbc.Jdbc;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example API: routes of (method, path pattern) to handlers, JSON in and out, and every error
 * as {@code {"message": "..."}}. Path patterns use {@code {name}} for one segment.
 *
 * <p>Routing reads the path in the form the authentication filter decides on: each segment
 * percent-decoded (strict UTF-8). A segment that is fixed in a route's pattern must arrive
 * unencoded: {@code /api/v1/server/%70ing} is a 400, never a second spelling of a route the
 * filter may treat differently.
 *
 * <p>A backend outage (a {@link SQLException} anywhere in the causes, or Gatehouse's
 * {@code BackendUnavailableException}) is answered here, in one place, with 503 and
 * {@code Retry-After}, whichever handler met it.
 */
public final class Router extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    /**
     * The one JSON mapper: strict on input (duplicate keys and content after the value are
     * refused, so that two parsers can never read one body differently).
     */
    public static final ObjectMapper JSON = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int MAX_JSON_BODY = 64 * 1024;
    /** Seconds a client is asked to wait after an outage. */
    static final int RETRY_AFTER_SECONDS = 5;

    /** One request as a handler sees it. */
    public record Call(HttpServletRequest request, HttpServletResponse response, List<String> params) {
        /** The caller; every route behind the filter has one. */
        public Identity caller() {
            return AuthenticationFilter.identity(request)
                    .orElseThrow(() -> new ApiException(401, "Authentication required"));
        }

        /**
         * The caller, if its credential may do {@code permission}: a process token carries only what
         * the process policy grants, a scoped credential its scopes. Otherwise a 403 naming the
         * missing permission.
         */
        public Identity caller(Permission permission) {
            Identity identity = caller();
            Authorization.require(identity, permission);
            return identity;
        }

        public String param(int i) {
            return params.get(i);
        }

        /** The JSON body as an object ({@code {}} when empty); strict UTF-8, no duplicate keys. */
        public ObjectNode json() {
            byte[] body;
            try (InputStream in = request.getInputStream()) {
                body = in.readNBytes(MAX_JSON_BODY + 1);
            } catch (IOException e) {
                throw ApiException.badRequest("Cannot read the request body");
            }
            if (body.length > MAX_JSON_BODY) {
                throw ApiException.badRequest("Request body is larger than " + MAX_JSON_BODY + " bytes");
            }
            if (body.length == 0) {
                return JSON.createObjectNode();
            }
            String text = Text.utf8(body, "Request body");
            JsonNode node;
            try {
                node = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                // The parser's message may quote the body (a password, a template): never repeat it.
                throw ApiException.badRequest("Request body is not valid JSON (one object, no duplicate keys, "
                        + "nothing after it)");
            }
            if (!(node instanceof ObjectNode object)) {
                throw ApiException.badRequest("Request body must be a JSON object");
            }
            return object;
        }
    }

    /** Handles a call and returns the JSON to send, or {@code null} if it wrote the response itself. */
    @FunctionalInterface
    public interface Handler {
        Object handle(Call call) throws IOException;
    }

    /** A route: {@code segments[i]} is null where the pattern has a {@code {name}} parameter. */
    private record Route(String method, String pattern, String[] segments, Handler handler) {}

    private final List<Route> routes = new ArrayList<>();

    /** The call this thread is handling, so that the audit trail can name its caller and client. */
    private static final ThreadLocal<Call> CURRENT = new ThreadLocal<>();

    /** The call this thread is handling, if it handles one. */
    public static Optional<Call> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    public Router route(String method, String path, Handler handler) {
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].matches("\\{[a-zA-Z]+}")) {
                segments[i] = null;
            }
        }
        routes.add(new Route(method, path, segments, handler));
        return this;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String raw = req.getRequestURI().substring(req.getContextPath().length());
        String where = req.getMethod() + " (unrouted)";
        try {
            String[] rawSegments = raw.split("/", -1);
            String[] segments = new String[rawSegments.length];
            for (int i = 0; i < rawSegments.length; i++) {
                segments[i] = Text.percentDecode(rawSegments[i], false).flatMap(Text::utf8)
                        .orElseThrow(() -> ApiException.badRequest("Request path is not valid percent-encoded UTF-8"));
            }
            boolean pathMatched = false;
            for (Route r : routes) {
                Optional<List<String>> params = match(r, rawSegments, segments);
                if (params.isEmpty()) {
                    continue;
                }
                pathMatched = true;
                if (!r.method().equals(req.getMethod())) {
                    continue;
                }
                where = r.method() + " " + r.pattern();
                Call call = new Call(req, resp, params.get());
                CURRENT.set(call);
                Object result;
                try {
                    result = r.handler().handle(call);
                } finally {
                    CURRENT.remove();
                }
                if (result != null) {
                    write(resp, 200, result);
                }
                return;
            }
            throw pathMatched ? new ApiException(405, "Method not allowed") : ApiException.notFound("Not found");
        } catch (ApiException e) {
            if (e.status() == 429 && e.details().containsKey("retryAfter")) {
                resp.setHeader("Retry-After", e.details().get("retryAfter"));
            }
            ObjectNode body = error(e.getMessage());
            e.details().forEach(body::put);
            write(resp, e.status(), body);
        } catch (RuntimeException e) {
            answerFailure(resp, where, e);
        }
    }

    /** The decoded parameters if {@code r} matches; a 400 if it matches only through encoded fixed segments. */
    private static Optional<List<String>> match(Route r, String[] rawSegments, String[] segments) {
        if (r.segments().length != segments.length) {
            return Optional.empty();
        }
        boolean encodedFixedSegment = false;
        List<String> params = new ArrayList<>();
        for (int i = 0; i < segments.length; i++) {
            String fixed = r.segments()[i];
            if (fixed == null) {
                if (segments[i].isEmpty()) {
                    return Optional.empty();
                }
                params.add(segments[i]);
            } else if (!fixed.equals(segments[i])) {
                return Optional.empty();
            } else if (!fixed.equals(rawSegments[i])) {
                encodedFixedSegment = true;
            }
        }
        if (encodedFixedSegment) {
            throw ApiException.badRequest("Request path must not percent-encode the fixed parts of a route");
        }
        return Optional.of(params);
    }

    /**
     * The one place where a failure that is not an {@link ApiException} becomes an answer: an
     * outage is 503 with {@code Retry-After}, anything else 500. Neither the answer nor the log
     * line carries the exception's message (it may quote a value).
     */
    private static void answerFailure(HttpServletResponse resp, String where, RuntimeException e) throws IOException {
        BackendUnavailableException outage = cause(e, BackendUnavailableException.class);
        PermissionDeniedException denied = cause(e, PermissionDeniedException.class);
        if (outage != null || cause(e, SQLException.class) != null && cause(e, Jdbc.ConstraintViolation.class) == null) {
            String backend = outage != null ? outage.backend() : "database";
            LOG.warn("{}: {} unavailable ({})", where, backend, e.getClass().getName());
            long retryAfter = outage != null ? outage.retryAfter().toSeconds() : 5;
            resp.setHeader("Retry-After", Long.toString(Math.max(1, retryAfter)));
            write(resp, 503, error("Service unavailable: the " + backend + " did not answer; retry later"));
        } else if (denied != null) {
            write(resp, 403, error(denied.getMessage()));
        } else if (cause(e, Jdbc.ConstraintViolation.class) != null) {
            LOG.warn("{}: refused by a database constraint ({})", where, e.getClass().getName());
            write(resp, 409, error("The request conflicts with data that exists already"));
        } else {
            LOG.error("{} failed: {} at {}", where, e.getClass().getName(), firstFrame(e));
            write(resp, 500, error("Internal server error"));
        }
    }

    /** {@code type} in {@code e}'s causes, or null. */
    static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String firstFrame(Throwable e) {
        StackTraceElement[] frames = e.getStackTrace();
        return frames.length == 0 ? "?" : frames[0].toString();
    }

    public static ObjectNode error(String message) {
        return JSON.createObjectNode().put("message", message);
    }

    /** Writes {@code body} as JSON with {@code status}; a 503 also gets {@code Retry-After}. */
    public static void write(HttpServletResponse resp, int status, Object body) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.resetBuffer();
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        if (status == 503) {
            resp.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        }
        JSON.writeValue(resp.getOutputStream(), body);
    }
}
