package dev.gatehouse.core.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What integration tests do when a service they need (PostgreSQL, slapd, ssh-keygen) is missing:
 * on a developer's machine they are skipped with a message that says what to start; in CI
 * ({@code CI=true}) they fail, so that a green run never hides a skipped integration test.
 */
public final class Services {

    private Services() {}

    /** Whether this run is CI, where every integration test must run. */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Skips the calling test (or fails it in CI) because {@code service} is unavailable.
     *
     * @param service what is missing and where it was looked for, e.g. "PostgreSQL at 127.0.0.1:5432"
     * @param cause why it is considered missing
     */
    public static void unavailable(String service, String cause) {
        String message = service + " is not available (" + cause + ")";
        if (isCi()) {
            Assertions.fail(message + "; CI=true, so integration tests must not be skipped");
        }
        Assumptions.abort(message + "; skipping. Start it, or run with CI=true to make this a failure.");
    }
}
