package dev.gatehouse.secrets.internal;

import jakarta.el.ELException;
import org.glassfish.expressly.lang.EvaluationContext;
import org.glassfish.expressly.parser.ELParserTreeConstants;
import org.glassfish.expressly.parser.SimpleNode;

/**
 * EL's string concatenation {@code a += b}, put in place of Expressly's node when the limits allow
 * it: the same result (an operand of null is the empty string), but refused before it is built if
 * it would be longer than the limit, and after the deadline. Without it, a template that assigns or
 * passes strings around could double one past memory in a few dozen steps.
 */
final class LimitedConcat extends SimpleNode {

    LimitedConcat() {
        super(ELParserTreeConstants.JJTCONCAT);
    }

    @Override
    public Object getValue(EvaluationContext ctx) throws ELException {
        Evaluation ev = (Evaluation) ctx.getContext(Evaluation.class);
        String left = ctx.convertToType(children[0].getValue(ctx), String.class);
        String right = ctx.convertToType(children[1].getValue(ctx), String.class);
        ev.step();
        ev.checkLength((long) left.length() + right.length());
        return left + right;
    }
}
