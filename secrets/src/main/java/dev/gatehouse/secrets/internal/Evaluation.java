package dev.gatehouse.secrets.internal;

import dev.gatehouse.secrets.process.ExpressionException.Reason;
import dev.gatehouse.secrets.process.ExpressionLimits;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state of one render, kept in its EL context ({@code context.getContext(Evaluation.class)}):
 * the deadline, the size limit, the lambda call depth, the crypto call running or run last, and
 * the names assigned (when assignment is allowed). Every guard of the renderer calls {@link #step()}
 * and {@link #checked}. Confined to the rendering thread.
 */
public final class Evaluation {

    private final ExpressionLimits limits;
    private final Clock clock;
    private final long deadline;
    private final Set<String> reserved;
    private final Map<String, Object> variables = new HashMap<>();
    private int lambdaDepth;
    private String function;

    /** A render starting now, under {@code limits}; {@code reserved} are the names in scope. */
    public Evaluation(ExpressionLimits limits, Clock clock, Set<String> reserved) {
        this.limits = limits;
        this.clock = clock;
        long start = clock.millis();
        long timeout = limits.timeout().toMillis();
        this.deadline = timeout > Long.MAX_VALUE - start ? Long.MAX_VALUE : start + timeout;
        this.reserved = reserved;
    }

    public ExpressionLimits limits() {
        return limits;
    }

    /** @throws ExpressionFailure TIMEOUT once the deadline has passed */
    public void step() {
        if (clock.millis() > deadline) {
            throw new ExpressionFailure(Reason.TIMEOUT, "rendering took longer than " + limits.timeout());
        }
    }

    /**
     * {@code value}, if it is not a string longer than the limit.
     *
     * @throws ExpressionFailure TOO_LARGE otherwise
     */
    public <T> T checked(T value) {
        if (value instanceof CharSequence s && s.length() > limits.maxOutputChars()) {
            throw tooLarge();
        }
        return value;
    }

    /** @throws ExpressionFailure TOO_LARGE if {@code length} characters are more than the limit */
    public void checkLength(long length) {
        if (length > limits.maxOutputChars()) {
            throw tooLarge();
        }
    }

    private ExpressionFailure tooLarge() {
        return new ExpressionFailure(Reason.TOO_LARGE, "a string would be longer than " + limits.maxOutputChars()
                + " characters");
    }

    /** Records that {@code name} (such as {@code crypto.exportAsString}) is being called. */
    public void calling(String name) {
        this.function = name;
    }

    /** The crypto call running or run last. */
    public Optional<String> function() {
        return Optional.ofNullable(function);
    }

    /** Before a lambda's body runs: the deadline, the depth, the size of its arguments. */
    public void enterLambda(Map<String, Object> arguments) {
        step();
        if (lambdaDepth >= limits.maxDepth()) {
            throw new ExpressionFailure(Reason.TOO_DEEP, "lambda calls nest deeper than " + limits.maxDepth());
        }
        lambdaDepth++;
        arguments.values().forEach(this::checked);
    }

    public void exitLambda() {
        lambdaDepth--;
    }

    /** Whether {@code name} was assigned in this render. */
    public boolean hasVariable(String name) {
        return variables.containsKey(name);
    }

    public Object variable(String name) {
        return variables.get(name);
    }

    /**
     * Assigns {@code name}, which must not be a name in scope.
     *
     * @throws ExpressionFailure NOT_ALLOWED without {@link ExpressionLimits#allowAssignment()} or for a
     *     name in scope; TOO_LARGE for a string over the limit
     */
    public void assign(String name, Object value) {
        if (!limits.allowAssignment()) {
            throw new ExpressionFailure(Reason.NOT_ALLOWED, "assignment is not allowed");
        }
        if (reserved.contains(name)) {
            throw new ExpressionFailure(Reason.NOT_ALLOWED, "'" + name + "' cannot be assigned");
        }
        step();
        variables.put(name, checked(value));
    }
}
