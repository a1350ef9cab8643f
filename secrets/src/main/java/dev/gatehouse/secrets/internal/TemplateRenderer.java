package dev.gatehouse.secrets.internal;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.secrets.KeyUnavailableException;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.ThrottledException;
import dev.gatehouse.secrets.process.ExpressionException;
import dev.gatehouse.secrets.process.ExpressionException.Reason;
import dev.gatehouse.secrets.process.ExpressionLimits;
import jakarta.el.ELContext;
import jakarta.el.ELResolver;
import jakarta.el.ExpressionFactory;
import jakarta.el.FunctionMapper;
import jakarta.el.MethodNotFoundException;
import jakarta.el.PropertyNotFoundException;
import jakarta.el.ValueExpression;
import jakarta.el.VariableMapper;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glassfish.expressly.ExpressionFactoryImpl;
import org.glassfish.expressly.lang.EvaluationContext;
import org.glassfish.expressly.parser.AstAssign;
import org.glassfish.expressly.parser.AstCompositeExpression;
import org.glassfish.expressly.parser.AstConcat;
import org.glassfish.expressly.parser.AstDeferredExpression;
import org.glassfish.expressly.parser.AstDynamicExpression;
import org.glassfish.expressly.parser.AstLambdaExpression;
import org.glassfish.expressly.parser.AstSemiColon;
import org.glassfish.expressly.parser.ELParser;
import org.glassfish.expressly.parser.Node;
import org.glassfish.expressly.parser.ParseException;
import org.glassfish.expressly.parser.Token;
import org.glassfish.expressly.parser.TokenMgrError;

/**
 * Renders a template under {@link ExpressionLimits}, in four steps, each of which can refuse it:
 *
 * <ol>
 *   <li>{@link TemplateScanner} reads the text: where each expression starts, nesting, and the
 *       constructs not allowed, before the (recursive) parser runs;
 *   <li>Expressly's parser builds the syntax tree (a parse error keeps only its position);
 *   <li>the tree is walked without recursion: its depth, and lambdas, assignments, sequences and
 *       concatenations unless allowed; an allowed concatenation becomes a {@link LimitedConcat};
 *   <li>each expression is evaluated in turn against the {@link RestrictedElResolver}, with an
 *       {@link Evaluation} in the context that carries the deadline, the size limit and the lambda
 *       depth, and the output is checked as it grows.
 * </ol>
 *
 * Every failure leaves as an {@link ExpressionException} (or a store's
 * {@link BackendUnavailableException}) built from the reason, the offset and the crypto call, never
 * from the message of what went wrong underneath, which can quote the template or a value
 * (Expressly's coercion errors do: "Cannot convert <value> of type ..."). A
 * {@link StackOverflowError} is caught here too, as a last line. Thread-safe.
 */
public final class TemplateRenderer {

    private static final ExpressionFactory FACTORY = new ExpressionFactoryImpl();
    private static final Pattern LINE_COLUMN = Pattern.compile("line (\\d+), column (\\d+)");
    private static final int MAX_CAUSES = 16;

    private final RestrictedElResolver resolver;
    private final ExpressionLimits limits;
    private final Clock clock;

    public TemplateRenderer(RestrictedElResolver resolver, ExpressionLimits limits, Clock clock) {
        this.resolver = resolver;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * The rendered template.
     *
     * @throws ExpressionException for any failure of the template or of a crypto call in it
     * @throws BackendUnavailableException if a store did not answer
     */
    public String render(String template) {
        int at = 0;
        Evaluation ev = null;
        try {
            List<Integer> starts = TemplateScanner.scan(template, limits);
            AstCompositeExpression ast = parse(template);
            List<Node> parts = new ArrayList<>();
            List<Integer> offsets = new ArrayList<>();
            int expression = 0;
            for (int i = 0; i < ast.jjtGetNumChildren(); i++) {
                Node part = ast.jjtGetChild(i);
                boolean dynamic = part instanceof AstDynamicExpression || part instanceof AstDeferredExpression;
                if (dynamic && expression >= starts.size()) {
                    throw new ExpressionFailure(Reason.SYNTAX, "the template's expressions cannot be told apart", 0);
                }
                int offset = dynamic ? starts.get(expression++) : -1;
                if (dynamic) {
                    at = offset;
                    check(part, offset);
                }
                parts.add(part);
                offsets.add(offset);
            }
            if (expression != starts.size()) {
                throw new ExpressionFailure(Reason.SYNTAX, "the template's expressions cannot be told apart", 0);
            }
            at = 0;
            ev = new Evaluation(limits, clock, resolver.names());
            Context context = new Context(resolver, ev);
            EvaluationContext ctx = new EvaluationContext(context, context.getFunctionMapper(), context.getVariableMapper());
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < parts.size(); i++) {
                Node part = parts.get(i);
                if (offsets.get(i) >= 0) {
                    at = offsets.get(i);
                    ev.step();
                }
                Object value = part.getValue(ctx);
                String text = value == null ? "" : ev.checked(ctx.convertToType(value, String.class));
                ev.checkLength((long) out.length() + text.length());
                out.append(text);
            }
            return out.toString();
        } catch (StackOverflowError e) {
            throw new ExpressionException(Reason.TOO_DEEP, at, function(ev), null, null,
                    "the expression nests too deep for the stack");
        } catch (RuntimeException e) {
            throw translate(e, at, ev);
        }
    }

    private static String function(Evaluation ev) {
        return ev == null ? null : ev.function().orElse(null);
    }

    // --- parsing and checking -----------------------------------------------------------------

    private static AstCompositeExpression parse(String template) {
        try {
            return new ELParser(new StringReader(template)).CompositeExpression();
        } catch (ParseException e) {
            Token bad = e.currentToken == null ? null : (e.currentToken.next != null ? e.currentToken.next : e.currentToken);
            int at = bad == null ? 0 : offset(template, bad.beginLine, bad.beginColumn);
            throw new ExpressionFailure(Reason.SYNTAX, "the template is not valid expression language", at);
        } catch (TokenMgrError e) {
            Matcher m = LINE_COLUMN.matcher(String.valueOf(e.getMessage()));
            int at = m.find() ? offset(template, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))) : 0;
            throw new ExpressionFailure(Reason.SYNTAX, "the template holds a character that expression language does "
                    + "not allow here", at);
        }
    }

    /** The index of the character at JavaCC's line and column (1-based, tabs every 8 columns). */
    static int offset(String t, int line, int column) {
        int l = 1;
        int c = 0;
        boolean cr = false;
        boolean lf = false;
        for (int i = 0; i < t.length(); i++) {
            char ch = t.charAt(i);
            c++;
            if (lf) {
                lf = false;
                l++;
                c = 1;
            } else if (cr) {
                cr = false;
                if (ch == '\n') {
                    lf = true;
                } else {
                    l++;
                    c = 1;
                }
            }
            if (ch == '\r') {
                cr = true;
            } else if (ch == '\n') {
                lf = true;
            } else if (ch == '\t') {
                c--;
                c += 8 - (c % 8);
            }
            if (l > line || (l == line && c >= column)) {
                return i;
            }
        }
        return t.length();
    }

    /** Walks {@code root} without recursion: depth, and what the limits do not allow. */
    private void check(Node root, int offset) {
        Deque<Node> nodes = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        nodes.push(root);
        depths.push(1);
        while (!nodes.isEmpty()) {
            Node node = nodes.pop();
            int depth = depths.pop();
            if (depth > limits.maxDepth() + 1) { // the expression's own wrapper node is not nesting
                throw new ExpressionFailure(Reason.TOO_DEEP, "the expression nests deeper than " + limits.maxDepth(), offset);
            }
            if (node instanceof AstLambdaExpression && !limits.allowLambdas()) {
                throw new ExpressionFailure(Reason.NOT_ALLOWED, "lambda expressions (->) are not allowed", offset);
            }
            if ((node instanceof AstAssign || node instanceof AstSemiColon || node instanceof AstConcat)
                    && !limits.allowAssignment()) {
                throw new ExpressionFailure(Reason.NOT_ALLOWED, "assignment, sequences and concatenation (=, ;, +=) "
                        + "are not allowed", offset);
            }
            for (int i = 0; i < node.jjtGetNumChildren(); i++) {
                Node child = node.jjtGetChild(i);
                if (child instanceof AstConcat) {
                    child = replaceConcat(node, i, child);
                }
                nodes.push(child);
                depths.push(depth + 1);
            }
        }
    }

    private static Node replaceConcat(Node parent, int index, Node concat) {
        LimitedConcat limited = new LimitedConcat();
        for (int i = 0; i < concat.jjtGetNumChildren(); i++) {
            Node c = concat.jjtGetChild(i);
            limited.jjtAddChild(c, i);
            c.jjtSetParent(limited);
        }
        limited.jjtSetParent(parent);
        parent.jjtAddChild(limited, index);
        return limited;
    }

    // --- failures -----------------------------------------------------------------------------

    private static RuntimeException translate(RuntimeException e, int at, Evaluation ev) {
        String function = function(ev);
        Set<String> seen = new LinkedHashSet<>();
        Throwable t = e;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (t instanceof ExpressionFailure f) {
                return new ExpressionException(f.reason(), f.position() >= 0 ? f.position() : at, function, null, null,
                        f.getMessage());
            }
            if (t instanceof BackendUnavailableException b) {
                return b;
            }
            if (t instanceof SecretException s) {
                return new ExpressionException(Reason.CALL_FAILED, at, function, s.kind(),
                        s instanceof ThrottledException th ? th.retryAfter() : null, describe(s));
            }
            if (t instanceof StackOverflowError) {
                return new ExpressionException(Reason.TOO_DEEP, at, function, null, null,
                        "the expression nests too deep for the stack");
            }
            if (t instanceof PropertyNotFoundException || t instanceof MethodNotFoundException) {
                return new ExpressionException(Reason.NOT_IN_SCOPE, at, function, null, null,
                        "a function, method or property that is not in scope");
            }
            seen.add(t.getClass().getSimpleName());
        }
        return new ExpressionException(Reason.EVALUATION, at, function, null, null,
                "the expression could not be evaluated: an operator or conversion does not apply to its values ("
                        + String.join(", ", seen) + ")");
    }

    /** What a crypto call's failure was, in words that name no secret, project or value. */
    private static String describe(SecretException s) {
        return switch (s.kind()) {
            case NOT_FOUND -> "not found (no such secret or project, or not visible to the caller)";
            case ACCESS_DENIED -> "access denied";
            case INVALID_PASSWORD -> "invalid or missing store password, or corrupted data";
            case THROTTLED -> "too many wrong store passwords: try again in "
                    + ((ThrottledException) s).retryAfterSeconds() + " s";
            case INVALID_INPUT -> "invalid input (a name, the secret's type, or a value that is not an encrypted string)";
            case CORRUPTED -> "the secret or encrypted string cannot be decrypted (modified, truncated or moved)";
            case KEY_UNAVAILABLE -> "this node lacks server key " + (s instanceof KeyUnavailableException k
                    ? k.keyId() : "(unknown)");
            case TOO_LARGE -> "a value is too large";
            case ALREADY_EXISTS, CONFLICT -> "the secret changed concurrently";
        };
    }

    // --- the EL context -----------------------------------------------------------------------

    /** The EL context of one render: the resolver, no functions, no variables, the render's state. */
    private static final class Context extends ELContext {
        private final ELResolver resolver;
        private final Evaluation evaluation;

        Context(ELResolver resolver, Evaluation evaluation) {
            this.resolver = resolver;
            this.evaluation = evaluation;
            putContext(Evaluation.class, evaluation);
            putContext(ExpressionFactory.class, FACTORY);
        }

        @Override
        public ELResolver getELResolver() {
            return resolver;
        }

        @Override
        public FunctionMapper getFunctionMapper() {
            return new FunctionMapper() {
                @Override
                public Method resolveFunction(String prefix, String localName) {
                    return null;
                }
            };
        }

        @Override
        public VariableMapper getVariableMapper() {
            return new VariableMapper() {
                @Override
                public ValueExpression resolveVariable(String variable) {
                    return null;
                }

                @Override
                public ValueExpression setVariable(String variable, ValueExpression expression) {
                    throw new ExpressionFailure(Reason.NOT_ALLOWED, "expressions cannot define variables");
                }
            };
        }

        @Override
        public void enterLambdaScope(Map<String, Object> arguments) {
            evaluation.enterLambda(arguments);
            super.enterLambdaScope(arguments);
        }

        @Override
        public void exitLambdaScope() {
            super.exitLambdaScope();
            evaluation.exitLambda();
        }
    }
}
