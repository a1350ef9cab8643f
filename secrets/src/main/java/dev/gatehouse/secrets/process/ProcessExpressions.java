package dev.gatehouse.secrets.process;

import dev.gatehouse.core.ProcessInfo;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.internal.RestrictedElResolver;
import jakarta.el.ELContext;
import jakarta.el.ELException;
import jakarta.el.ELResolver;
import jakarta.el.ExpressionFactory;
import jakarta.el.FunctionMapper;
import jakarta.el.ValueExpression;
import jakarta.el.VariableMapper;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.glassfish.expressly.ExpressionFactoryImpl;

/**
 * Renders a process's templates with Jakarta Expression Language (Expressly): {@code "Hello,
 * ${crypto.decryptString('gh1.…')}"} or {@code "${processInfo.sessionToken}"}. In scope are
 * {@code crypto} (the process's {@link CryptoTask}, its public methods callable) and
 * {@code processInfo} ({@link ProcessInfo}; its properties and those of its {@link ProcessRef},
 * {@link KeyFiles} and {@link ExportedCredentials} readable). Nothing else resolves: no other
 * method, no {@code getClass()}, no static class, no assignment, so a flow's template cannot reach
 * arbitrary Java. Rendered text may contain secrets: never log it. Thread-safe; each render uses a
 * fresh EL context.
 */
public final class ProcessExpressions {

    private static final ExpressionFactory FACTORY = new ExpressionFactoryImpl();

    private final ELResolver resolver;

    /** Expressions for one process. */
    public ProcessExpressions(ProcessInfo processInfo, CryptoTask crypto) {
        Objects.requireNonNull(processInfo, "processInfo");
        Objects.requireNonNull(crypto, "crypto");
        this.resolver = new RestrictedElResolver(Map.of("crypto", crypto, "processInfo", processInfo),
                Set.of(ProcessInfo.class, ProcessRef.class, KeyFiles.class, ExportedCredentials.class),
                Map.of(CryptoTask.class, publicMethods()));
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
     * @throws SecretException what a crypto call threw (wrong project, wrong password, ...)
     * @throws IllegalArgumentException if the template does not parse or names something not in scope;
     *     the message names the problem, not a secret
     */
    public String render(String template) {
        ELContext context = new Context(resolver);
        try {
            ValueExpression e = FACTORY.createValueExpression(context, template, String.class);
            return (String) e.getValue(context);
        } catch (ELException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SecretException s) {
                    throw s;
                }
            }
            throw new IllegalArgumentException("Cannot render the expression: " + e.getMessage(), e);
        }
    }

    private static final class Context extends ELContext {
        private final ELResolver resolver;

        Context(ELResolver resolver) {
            this.resolver = resolver;
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
                    throw new ELException("Expressions cannot define variables");
                }
            };
        }
    }
}
