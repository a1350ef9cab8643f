package dev.gatehouse.secrets.process;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link ProcessExpressions} template may cost and use. Every limit is on by default; a
 * template over one fails with {@link ExpressionException} before it is evaluated (depth, lambdas,
 * assignment) or as soon as the limit is reached (time, size). Immutable.
 *
 * @param maxDepth the deepest nesting of one expression, counted both in its text (brackets, plus
 *     the operators that nest when parsed: {@code ?}, {@code !}, {@code not}, {@code empty},
 *     {@code -}, {@code ->}, {@code =}) before it is parsed, and in its syntax tree before it is
 *     evaluated; also the deepest nesting of lambda calls. 1 to {@value #MAX_DEPTH}, default
 *     {@value #DEFAULT_MAX_DEPTH}
 * @param timeout how long one render may take; checked before every step (each name, property,
 *     call, concatenation and lambda call), so a call in progress, such as a store read, finishes
 *     first. Positive, default 10 s
 * @param maxOutputChars the most characters the rendered text, and any string built on the way
 *     (a call's argument or result, a concatenation, an assigned value, a lambda's argument), may
 *     hold. 1 to {@value #MAX_OUTPUT_CHARS}, default {@value #DEFAULT_MAX_OUTPUT_CHARS} (1 Mi)
 * @param allowLambdas whether lambda expressions ({@code x -> ...}) may be used; default false
 * @param allowAssignment whether assignment ({@code x = ...}), sequences ({@code a; b}) and EL's
 *     string concatenation ({@code +=}, which a reader takes for compound assignment) may be used;
 *     default false. Assigned names live for one render and cannot shadow {@code crypto} or
 *     {@code processInfo}
 */
public record ExpressionLimits(int maxDepth, Duration timeout, int maxOutputChars, boolean allowLambdas,
        boolean allowAssignment) {

    /** The default {@link #maxDepth()}. */
    public static final int DEFAULT_MAX_DEPTH = 64;
    /** The largest {@link #maxDepth()} that may be set: deeper, the parser itself may overflow its stack. */
    public static final int MAX_DEPTH = 128;
    /** The default {@link #maxOutputChars()}: 1 Mi characters. */
    public static final int DEFAULT_MAX_OUTPUT_CHARS = 1 << 20;
    /** The largest {@link #maxOutputChars()} that may be set: 64 Mi characters. */
    public static final int MAX_OUTPUT_CHARS = 1 << 26;
    /** The default {@link #timeout()}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** @throws IllegalArgumentException naming the setting that is out of range */
    public ExpressionLimits {
        if (maxDepth < 1 || maxDepth > MAX_DEPTH) {
            throw new IllegalArgumentException("maxDepth must be between 1 and " + MAX_DEPTH + ", was " + maxDepth);
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (maxOutputChars < 1 || maxOutputChars > MAX_OUTPUT_CHARS) {
            throw new IllegalArgumentException("maxOutputChars must be between 1 and " + MAX_OUTPUT_CHARS + ", was "
                    + maxOutputChars);
        }
    }

    /** Depth 64, 10 s, 1 Mi characters, no lambdas, no assignment. */
    public static ExpressionLimits defaults() {
        return new ExpressionLimits(DEFAULT_MAX_DEPTH, DEFAULT_TIMEOUT, DEFAULT_MAX_OUTPUT_CHARS, false, false);
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder(defaults());
    }

    /** A builder starting from these limits. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds {@link ExpressionLimits}; {@link #build()} checks the values. Not thread-safe. */
    public static final class Builder {
        private int maxDepth;
        private Duration timeout;
        private int maxOutputChars;
        private boolean allowLambdas;
        private boolean allowAssignment;

        private Builder(ExpressionLimits from) {
            this.maxDepth = from.maxDepth;
            this.timeout = from.timeout;
            this.maxOutputChars = from.maxOutputChars;
            this.allowLambdas = from.allowLambdas;
            this.allowAssignment = from.allowAssignment;
        }

        public Builder maxDepth(int maxDepth) {
            this.maxDepth = maxDepth;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder maxOutputChars(int maxOutputChars) {
            this.maxOutputChars = maxOutputChars;
            return this;
        }

        public Builder allowLambdas(boolean allowLambdas) {
            this.allowLambdas = allowLambdas;
            return this;
        }

        public Builder allowAssignment(boolean allowAssignment) {
            this.allowAssignment = allowAssignment;
            return this;
        }

        /** @throws IllegalArgumentException naming the setting that is out of range */
        public ExpressionLimits build() {
            return new ExpressionLimits(maxDepth, timeout, maxOutputChars, allowLambdas, allowAssignment);
        }
    }
}
