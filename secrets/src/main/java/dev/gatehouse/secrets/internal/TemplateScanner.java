package dev.gatehouse.secrets.internal;

import dev.gatehouse.secrets.process.ExpressionException.Reason;
import dev.gatehouse.secrets.process.ExpressionLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * A first pass over a template's text, before the EL parser sees it: finds where each
 * {@code ${...}} or {@code #{...}} starts (an odd run of backslashes before it escapes it, as in EL),
 * skips string literals, and refuses, with the offset of the token, nesting deeper than
 * {@link ExpressionLimits#maxDepth()} and the constructs the limits do not allow. The parser is
 * recursive, so a template nesting too deep must be refused before it is parsed; the count here
 * is an upper bound of the parser's nesting: brackets, plus each operator that nests when parsed
 * ({@code ?}, {@code !}, {@code not}, {@code empty}, {@code -}, {@code ->}, {@code =}) within the
 * expression. Stateless.
 */
public final class TemplateScanner {

    private TemplateScanner() {}

    /**
     * The offsets of the expressions of {@code template}, in order.
     *
     * @throws ExpressionFailure SYNTAX, NOT_ALLOWED or TOO_DEEP, at the offending token
     */
    public static List<Integer> scan(String template, ExpressionLimits limits) {
        List<Integer> starts = new ArrayList<>();
        int n = template.length();
        int i = 0;
        while (i < n) {
            char c = template.charAt(i);
            if (c == '\\') {
                int run = i;
                while (run < n && template.charAt(run) == '\\') {
                    run++;
                }
                if (opens(template, run) && (run - i) % 2 == 1) {
                    i = run + 2; // escaped: literal "${"
                } else {
                    i = run;
                }
            } else if (opens(template, i)) {
                starts.add(i);
                i = expression(template, i, limits);
            } else {
                i++;
            }
        }
        return starts;
    }

    private static boolean opens(String t, int i) {
        return i + 1 < t.length() && (t.charAt(i) == '$' || t.charAt(i) == '#') && t.charAt(i + 1) == '{';
    }

    /** Scans the expression starting at {@code start} ("${"); returns the offset after its "}". */
    private static int expression(String t, int start, ExpressionLimits limits) {
        int n = t.length();
        int brackets = 0;
        int operators = 0;
        int i = start + 2;
        while (i < n) {
            char c = t.charAt(i);
            char next = i + 1 < n ? t.charAt(i + 1) : '\0';
            switch (c) {
                case '\'', '"' -> {
                    i = string(t, i);
                    continue;
                }
                case '(', '[', '{' -> {
                    brackets++;
                    depth(brackets + operators, limits, i);
                }
                case ')', ']' -> brackets = Math.max(0, brackets - 1);
                case '}' -> {
                    if (brackets == 0) {
                        return i + 1;
                    }
                    brackets--;
                }
                case '-' -> {
                    if (next == '>') {
                        if (!limits.allowLambdas()) {
                            throw new ExpressionFailure(Reason.NOT_ALLOWED, "lambda expressions (->) are not allowed", i);
                        }
                        i++;
                    }
                    operators++;
                    depth(brackets + operators, limits, i);
                }
                case '=' -> {
                    if (next == '=') {
                        i++; // ==
                    } else {
                        if (!limits.allowAssignment()) {
                            throw new ExpressionFailure(Reason.NOT_ALLOWED, "assignment (=) is not allowed", i);
                        }
                        operators++;
                        depth(brackets + operators, limits, i);
                    }
                }
                case '!' -> {
                    if (next == '=') {
                        i++; // !=
                    } else {
                        operators++;
                        depth(brackets + operators, limits, i);
                    }
                }
                case '<', '>' -> {
                    if (next == '=') {
                        i++; // <= >=
                    }
                }
                case '+' -> {
                    if (next == '=') {
                        if (!limits.allowAssignment()) {
                            throw new ExpressionFailure(Reason.NOT_ALLOWED, "string concatenation (+=) is not allowed", i);
                        }
                        i++;
                    }
                }
                case ';' -> {
                    if (!limits.allowAssignment()) {
                        throw new ExpressionFailure(Reason.NOT_ALLOWED, "sequences (;) are not allowed", i);
                    }
                }
                case '?' -> {
                    operators++;
                    depth(brackets + operators, limits, i);
                }
                default -> {
                    if (Character.isJavaIdentifierStart(c)) {
                        int end = i + 1;
                        while (end < n && Character.isJavaIdentifierPart(t.charAt(end))) {
                            end++;
                        }
                        String word = t.substring(i, end);
                        if (word.equals("not") || word.equals("empty")) {
                            operators++;
                            depth(brackets + operators, limits, i);
                        }
                        i = end;
                        continue;
                    }
                }
            }
            i++;
        }
        throw new ExpressionFailure(Reason.SYNTAX, "an expression is not closed with '}'", start);
    }

    /** Skips the string literal opening at {@code start}; returns the offset after its closing quote. */
    private static int string(String t, int start) {
        char quote = t.charAt(start);
        int i = start + 1;
        while (i < t.length()) {
            char c = t.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else {
                i++;
            }
        }
        throw new ExpressionFailure(Reason.SYNTAX, "a string literal is not closed", start);
    }

    private static void depth(int depth, ExpressionLimits limits, int at) {
        if (depth > limits.maxDepth()) {
            throw new ExpressionFailure(Reason.TOO_DEEP, "the expression nests deeper than " + limits.maxDepth()
                    + " (brackets and nesting operators)", at);
        }
    }
}
