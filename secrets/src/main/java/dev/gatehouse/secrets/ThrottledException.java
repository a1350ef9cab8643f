package dev.gatehouse.secrets;

import java.time.Duration;
import java.util.Objects;

/**
 * A store password was refused unchecked: the caller, or callers together, gave too many wrong
 * store passwords for this secret (see {@link SecretsConfig}, {@code secrets.throttle.*}). A host
 * answers 429 with {@code Retry-After} of {@link #retryAfter()} rounded up to whole seconds. The
 * message names the secret and the wait, never a password. Immutable.
 */
public final class ThrottledException extends SecretException {

    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    /**
     * An exception whose message is {@code refused + ": try again in N s"}.
     *
     * @param retryAfter how long until an attempt may be checked again
     * @param refused what was refused, without any password (e.g. "Too many wrong store passwords
     *     for secret acme/deploy-key")
     */
    public ThrottledException(Duration retryAfter, String refused) {
        super(Kind.THROTTLED, refused + ": try again in " + seconds(Objects.requireNonNull(retryAfter, "retryAfter"))
                + " s");
        this.retryAfter = retryAfter;
    }

    private static long seconds(Duration d) {
        long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        return Math.max(1, s);
    }

    /** How long until an attempt may be checked again. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** {@link #retryAfter()} in whole seconds, rounded up and at least 1: the {@code Retry-After} value. */
    public long retryAfterSeconds() {
        return seconds(retryAfter);
    }
}
