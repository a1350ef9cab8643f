package dev.gatehouse.examples.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error the API reports as {@code {"message": "..."}} with {@code status}, plus any
 * {@linkplain #with(String, String) details} as further string fields.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final Map<String, String> details = new LinkedHashMap<>();

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Adds a field to the error's JSON body, e.g. the id of a process that failed. */
    public ApiException with(String field, String value) {
        details.put(field, value);
        return this;
    }

    /** The extra fields, in the order they were added. */
    public Map<String, String> details() {
        return Collections.unmodifiableMap(details);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message);
    }
}
