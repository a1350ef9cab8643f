package dev.gatehouse.secrets.process;

import dev.gatehouse.secrets.SecretException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A template could not be rendered. Every failure of {@link ProcessExpressions#render} is one of
 * these, except a store that does not answer ({@link dev.gatehouse.core.BackendUnavailableException}).
 * {@link #reason()} says what failed, {@link #offset()} where (the character offset in the template
 * of the offending token or of the expression's {@code $}), {@link #function()} which crypto call was
 * running or ran last. The message is made of these and nothing else: it never quotes the
 * template, a value, a password or the message of an underlying exception, and the exception has
 * no cause, so logging it with its stack trace is safe. A host answers 4xx: 400 for most reasons,
 * 429 with {@code Retry-After} when {@link #secretKind()} is THROTTLED, 503 when it is
 * KEY_UNAVAILABLE. Immutable.
 */
public final class ExpressionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What failed. */
    public enum Reason {
        /** The template is not valid expression language, or an expression is not closed. */
        SYNTAX,
        /** A construct the limits do not allow: a lambda, an assignment, {@code ;} or {@code +=}. */
        NOT_ALLOWED,
        /** Nesting (brackets, operators, lambda calls) is deeper than {@link ExpressionLimits#maxDepth()}. */
        TOO_DEEP,
        /** The output, or a string built on the way, is longer than {@link ExpressionLimits#maxOutputChars()}. */
        TOO_LARGE,
        /** The render took longer than {@link ExpressionLimits#timeout()}. */
        TIMEOUT,
        /** A name, property or method that is not in scope (only {@code crypto} and {@code processInfo} are). */
        NOT_IN_SCOPE,
        /** A crypto call failed; {@link #secretKind()} says why. */
        CALL_FAILED,
        /** Evaluation failed otherwise: a value could not be converted, an operator did not apply. */
        EVALUATION
    }

    private final Reason reason;
    private final int offset;
    private final String function;
    private final SecretException.Kind secretKind;
    private final Duration retryAfter;

    /**
     * @param reason what failed
     * @param offset where in the template, 0 or more
     * @param function the crypto call running or run last ({@code crypto.exportAsString}), or null
     * @param secretKind for {@link Reason#CALL_FAILED}, the call's {@link SecretException#kind()}, or null
     * @param retryAfter for a THROTTLED call, how long to wait, or null
     * @param detail what failed, in words that hold no template text and no value
     */
    public ExpressionException(Reason reason, int offset, String function, SecretException.Kind secretKind,
            Duration retryAfter, String detail) {
        super(message(reason, offset, function, detail), null, false, true);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.offset = Math.max(0, offset);
        this.function = function;
        this.secretKind = secretKind;
        this.retryAfter = retryAfter;
    }

    private static String message(Reason reason, int offset, String function, String detail) {
        return "Cannot render the template at offset " + Math.max(0, offset)
                + (function != null ? " (" + function + ")" : "") + ": " + detail + " [" + reason + "]";
    }

    /** What failed. */
    public Reason reason() {
        return reason;
    }

    /** The character offset in the template of the offending token or expression. */
    public int offset() {
        return offset;
    }

    /** The crypto call that was running or ran last, such as {@code crypto.exportAsString}. */
    public Optional<String> function() {
        return Optional.ofNullable(function);
    }

    /** For {@link Reason#CALL_FAILED}: why the call failed. */
    public Optional<SecretException.Kind> secretKind() {
        return Optional.ofNullable(secretKind);
    }

    /** For a THROTTLED call: how long until the store password may be tried again. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
