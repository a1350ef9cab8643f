package dev.gatehouse.secrets.process;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.ProcessInfo;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.secrets.internal.RestrictedElResolver;
import dev.gatehouse.secrets.internal.TemplateRenderer;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Renders a process's templates with Jakarta Expression Language (Expressly): {@code "Hello,
 * ${crypto.decryptString('gh1.…')}"} or {@code "${processInfo.sessionToken}"}. In scope are
 * {@code crypto} (the process's {@link CryptoTask}, its public methods callable) and
 * {@code processInfo} ({@link ProcessInfo}; its properties and those of its {@link ProcessRef},
 * {@link KeyFiles} and {@link ExportedCredentials} readable). Nothing else resolves: no other
 * method, no {@code getClass()}, no static class, no property write, so a flow's template cannot
 * reach arbitrary Java.
 *
 * <p>A template is bounded by {@link ExpressionLimits}, on by default: nesting depth (checked in the
 * text before parsing and in the syntax tree before evaluating), time, output and intermediate string
 * size, and no lambdas, assignment, {@code ;} or {@code +=} unless a host allows them. Every failure
 * is an {@link ExpressionException} that says what failed and where (offset, crypto call) and never
 * quotes the template, a value or a password; a {@link StackOverflowError} never leaves
 * {@link #render}. Rendered text may contain secrets: never log it. Thread-safe; each render has its
 * own EL context and state.
 */
public final class ProcessExpressions {

    private final TemplateRenderer renderer;

    /** Expressions for one process, under {@link ExpressionLimits#defaults()}. */
    public ProcessExpressions(ProcessInfo processInfo, CryptoTask crypto) {
        this(processInfo, crypto, ExpressionLimits.defaults());
    }

    /** Expressions for one process, under {@code limits}. */
    public ProcessExpressions(ProcessInfo processInfo, CryptoTask crypto, ExpressionLimits limits) {
        this(processInfo, crypto, limits, Clock.systemUTC());
    }

    /** Expressions for one process, under {@code limits}, timed by {@code clock}. */
    public ProcessExpressions(ProcessInfo processInfo, CryptoTask crypto, ExpressionLimits limits, Clock clock) {
        Objects.requireNonNull(processInfo, "processInfo");
        Objects.requireNonNull(crypto, "crypto");
        RestrictedElResolver resolver = new RestrictedElResolver(Map.of("crypto", crypto, "processInfo", processInfo),
                Set.of(ProcessInfo.class, ProcessRef.class, KeyFiles.class, ExportedCredentials.class),
                Map.of(CryptoTask.class, publicMethods()));
        this.renderer = new TemplateRenderer(resolver, Objects.requireNonNull(limits, "limits"),
                Objects.requireNonNull(clock, "clock"));
    }

    private static Set<String> publicMethods() {
        Set<String> names = new HashSet<>();
        for (Method m : CryptoTask.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !m.getName().equals("toString")) {
                names.add(m.getName());
            }
        }
        return names;
    }

    /**
     * Renders {@code template}: literal text with {@code ${...}} expressions.
     *
     * @throws ExpressionException for every failure: the template's (syntax, a construct not allowed,
     *     nesting, size, time, a name not in scope, a value that does not convert) and a crypto
     *     call's ({@link ExpressionException.Reason#CALL_FAILED}, with the call's
     *     {@link ExpressionException#secretKind()} and, when throttled,
     *     {@link ExpressionException#retryAfter()})
     * @throws BackendUnavailableException if a store did not answer (503)
     */
    public String render(String template) {
        return renderer.render(Objects.requireNonNull(template, "template"));
    }
}
