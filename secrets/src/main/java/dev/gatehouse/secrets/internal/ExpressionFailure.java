package dev.gatehouse.secrets.internal;

import dev.gatehouse.secrets.process.ExpressionException.Reason;

/**
 * Why rendering stopped, raised inside the renderer (scanner, resolver, guards) and turned into the
 * public {@link dev.gatehouse.secrets.process.ExpressionException} once the offset is known. The
 * detail holds no template text and no value. No stack trace: it is control flow.
 */
public final class ExpressionFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Reason reason;
    private final int position;

    /** A failure at {@code position} in the template, or -1 where the enclosing expression starts. */
    public ExpressionFailure(Reason reason, String detail, int position) {
        super(detail, null, false, false);
        this.reason = reason;
        this.position = position;
    }

    /** A failure somewhere in the expression being evaluated. */
    public ExpressionFailure(Reason reason, String detail) {
        this(reason, detail, -1);
    }

    public Reason reason() {
        return reason;
    }

    /** The offset in the template, or -1. */
    public int position() {
        return position;
    }
}
