package dev.gatehouse.examples.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a URI it cannot parse, a URI or headers too long, an exception no
 * servlet caught) in the API's shape, {@code {"message": "..."}} as {@code application/json}, for
 * every method and whatever the client accepts. A 5xx says only its reason phrase: the text of an
 * exception may quote a value, so it never reaches the client.
 */
public final class JsonErrors {

    private static final String JSON_TYPE = "application/json";

    private JsonErrors() {}

    /** For {@code Server.setErrorHandler}: errors met before a request reaches a context. */
    public static ErrorHandler server() {
        return new ServerLevel();
    }

    /** For {@code ServletContextHandler.setErrorHandler}: errors inside the servlet context. */
    public static org.eclipse.jetty.ee10.servlet.ErrorHandler context() {
        return new ContextLevel();
    }

    static String message(int code, String message, Throwable cause) {
        if (code >= 500 || message == null || message.isBlank()) {
            return HttpStatus.getMessage(code);
        }
        if (cause != null && !(cause instanceof HttpException)) {
            return HttpStatus.getMessage(code); // the message is likely the exception's text
        }
        return message;
    }

    static String body(String message) {
        try {
            return Router.JSON.writeValueAsString(Router.error(message));
        } catch (JsonProcessingException e) {
            return "{\"message\":\"Error\"}";
        }
    }

    private static final class ServerLevel extends ErrorHandler {
        ServerLevel() {
            setShowStacks(false);
            setShowCauses(false);
        }

        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                Callback callback) throws IOException {
            if (!generateAcceptableResponse(request, response, callback, JSON_TYPE, List.of(StandardCharsets.UTF_8),
                    code, JsonErrors.message(code, message, cause), cause)) {
                callback.succeeded();
            }
        }

        @Override
        protected void writeErrorJson(Request request, PrintWriter writer, int code, String message, Throwable cause) {
            writer.write(body(message));
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            if (HttpStatus.hasNoBody(status)) {
                return ByteBuffer.allocate(0);
            }
            fields.put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
            fields.put(HttpHeader.CACHE_CONTROL, "no-store");
            return ByteBuffer.wrap(body(JsonErrors.message(status, reason, null)).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final class ContextLevel extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
        ContextLevel() {
            setShowStacks(false);
            setShowCauses(false);
        }

        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                Callback callback) throws IOException {
            if (!generateAcceptableResponse(request, response, callback, JSON_TYPE, List.of(StandardCharsets.UTF_8),
                    code, JsonErrors.message(code, message, cause), cause)) {
                callback.succeeded();
            }
        }

        @Override
        protected void writeErrorJson(Request request, PrintWriter writer, int code, String message, Throwable cause) {
            writer.write(body(message));
        }
    }
}
