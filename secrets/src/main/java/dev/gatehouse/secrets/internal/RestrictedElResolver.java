package dev.gatehouse.secrets.internal;

import dev.gatehouse.secrets.process.ExpressionException.Reason;
import jakarta.el.ELContext;
import jakarta.el.ELResolver;
import jakarta.el.PropertyNotFoundException;
import jakarta.el.RecordELResolver;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The only resolver of Gatehouse's expressions, deny-by-default: top-level names come from a fixed
 * scope (and, when the limits allow assignment, from names assigned during the render); properties
 * are readable only on allowed record types (through Jakarta EL 6's {@link RecordELResolver});
 * methods are callable only on allowed types, by name. Everything else ({@code getClass()}, static
 * classes such as {@code Runtime}, property writes) is refused, so a template cannot reach
 * arbitrary Java.
 *
 * <p>Each step checks the render's {@link Evaluation} (found in the EL context): the deadline before
 * it, and the size of every string it passes on (a call's arguments and result, a property read).
 * Refusals are {@link ExpressionFailure}s whose detail never holds a name, property or value taken
 * from the template or computed by it. Thread-safe; the per-render state is in the context.
 */
public final class RestrictedElResolver extends ELResolver {

    private final Map<String, Object> scope;
    private final Map<Object, String> scopeNames = new IdentityHashMap<>();
    private final Set<Class<?>> readableRecords;
    private final Map<Class<?>, Set<String>> callableMethods;
    private final RecordELResolver records = new RecordELResolver();

    /** A resolver for {@code scope}, reading only {@code readableRecords}, calling only {@code callableMethods}. */
    public RestrictedElResolver(Map<String, Object> scope, Set<Class<?>> readableRecords,
            Map<Class<?>, Set<String>> callableMethods) {
        this.scope = Map.copyOf(scope);
        this.scope.forEach((name, value) -> scopeNames.put(value, name));
        this.readableRecords = Set.copyOf(readableRecords);
        this.callableMethods = Map.copyOf(callableMethods);
    }

    /** The names in scope. */
    public Set<String> names() {
        return scope.keySet();
    }

    private static Evaluation evaluation(ELContext context) {
        return (Evaluation) context.getContext(Evaluation.class);
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        Evaluation ev = evaluation(context);
        ev.step();
        if (base == null) {
            if (property instanceof String name) {
                if (scope.containsKey(name)) {
                    context.setPropertyResolved(true);
                    return scope.get(name);
                }
                if (ev.hasVariable(name)) {
                    context.setPropertyResolved(true);
                    return ev.variable(name);
                }
            }
            // Refusing here, not passing on, also keeps EL from resolving class names such as Runtime.
            throw new ExpressionFailure(Reason.NOT_IN_SCOPE, "a name that is not in scope (only "
                    + String.join(" and ", new TreeSet<>(scope.keySet())) + " are)");
        }
        if (readableRecords.contains(base.getClass())) {
            Object value;
            try {
                value = records.getValue(context, base, property);
            } catch (PropertyNotFoundException e) {
                throw new ExpressionFailure(Reason.NOT_IN_SCOPE, "a property " + base.getClass().getSimpleName()
                        + " does not have");
            }
            return ev.checked(value);
        }
        throw new ExpressionFailure(Reason.NOT_IN_SCOPE, "properties of " + base.getClass().getSimpleName()
                + " cannot be read in expressions");
    }

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        Evaluation ev = evaluation(context);
        ev.step();
        Set<String> allowed = base == null ? null : callableMethods.get(base.getClass());
        if (allowed == null || !(method instanceof String name) || !allowed.contains(name)) {
            throw new ExpressionFailure(Reason.NOT_IN_SCOPE, "a method that cannot be called in expressions (only "
                    + "the methods of " + String.join(" and ", new TreeSet<>(callableNames())) + " can)");
        }
        String function = scopeNames.getOrDefault(base, base.getClass().getSimpleName()) + "." + name;
        ev.calling(function);
        int n = params == null ? 0 : params.length;
        for (Method m : base.getClass().getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == n && !Modifier.isStatic(m.getModifiers())) {
                Object[] args = new Object[n];
                Class<?>[] types = m.getParameterTypes();
                for (int i = 0; i < n; i++) {
                    args[i] = ev.checked(context.convertToType(ev.checked(params[i]), types[i]));
                }
                Object result;
                try {
                    result = m.invoke(base, args);
                } catch (InvocationTargetException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new ExpressionFailure(Reason.EVALUATION, "the call failed (" + cause.getClass().getSimpleName()
                            + ")");
                } catch (IllegalAccessException e) {
                    throw new ExpressionFailure(Reason.NOT_IN_SCOPE, "the method is not accessible");
                }
                context.setPropertyResolved(true);
                return ev.checked(result);
            }
        }
        throw new ExpressionFailure(Reason.NOT_IN_SCOPE, "no such method with " + n + " arguments");
    }

    private Set<String> callableNames() {
        Set<String> names = new HashSet<>();
        for (Map.Entry<Object, String> e : scopeNames.entrySet()) {
            if (callableMethods.containsKey(e.getKey().getClass())) {
                names.add(e.getValue());
            }
        }
        return names;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null; // nothing has a writable type
    }

    /** Assigns a top-level name when the limits allow it; no property is ever written. */
    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        Evaluation ev = evaluation(context);
        if (base == null && property instanceof String name) {
            ev.assign(name, value);
            context.setPropertyResolved(true);
            return;
        }
        throw new ExpressionFailure(Reason.NOT_ALLOWED, "properties cannot be assigned");
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        context.setPropertyResolved(true);
        return !(base == null && evaluation(context).limits().allowAssignment());
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return base == null ? String.class : null;
    }

    /** Never converts: EL's own coercion applies. */
    @Override
    public <T> T convertToType(ELContext context, Object obj, Class<T> type) {
        return null;
    }

    @Override
    public String toString() {
        return "RestrictedElResolver" + new TreeSet<>(scope.keySet());
    }
}
