package dev.gatehouse.secrets.internal;

import jakarta.el.ELContext;
import jakarta.el.ELResolver;
import jakarta.el.MethodNotFoundException;
import jakarta.el.PropertyNotFoundException;
import jakarta.el.PropertyNotWritableException;
import jakarta.el.RecordELResolver;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;

/**
 * The only resolver of Gatehouse's expressions, read-only and deny-by-default: top-level names come
 * from a fixed scope; properties are readable only on allowed record types (through Jakarta EL 6's
 * {@link RecordELResolver}); methods are callable only on allowed types, by name. Everything else
 * ({@code getClass()}, static classes such as {@code Runtime}, assignments) is not resolved, so a
 * template cannot reach arbitrary Java. Thread-safe.
 */
public final class RestrictedElResolver extends ELResolver {

    private final Map<String, Object> scope;
    private final Set<Class<?>> readableRecords;
    private final Map<Class<?>, Set<String>> callableMethods;
    private final RecordELResolver records = new RecordELResolver();

    /** A resolver for {@code scope}, reading only {@code readableRecords}, calling only {@code callableMethods}. */
    public RestrictedElResolver(Map<String, Object> scope, Set<Class<?>> readableRecords,
            Map<Class<?>, Set<String>> callableMethods) {
        this.scope = Map.copyOf(scope);
        this.readableRecords = Set.copyOf(readableRecords);
        this.callableMethods = Map.copyOf(callableMethods);
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        if (base == null) {
            if (property instanceof String name && scope.containsKey(name)) {
                context.setPropertyResolved(true);
                return scope.get(name);
            }
            // Refusing here, not passing on, also keeps EL from resolving class names such as Runtime.
            throw new PropertyNotFoundException("'" + property + "' is not in scope (only " + scope.keySet() + ")");
        }
        if (readableRecords.contains(base.getClass())) {
            return records.getValue(context, base, property);
        }
        throw new PropertyNotFoundException("Property '" + property + "' of " + base.getClass().getSimpleName()
                + " is not readable in expressions");
    }

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (base == null || !(method instanceof String name)) {
            throw new MethodNotFoundException("Only methods of objects in scope can be called");
        }
        Set<String> allowed = callableMethods.get(base.getClass());
        if (allowed == null || !allowed.contains(name)) {
            throw new MethodNotFoundException("Method '" + name + "' of " + base.getClass().getSimpleName()
                    + " cannot be called in expressions");
        }
        int n = params == null ? 0 : params.length;
        for (Method m : base.getClass().getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == n && !Modifier.isStatic(m.getModifiers())) {
                Object[] args = new Object[n];
                Class<?>[] types = m.getParameterTypes();
                for (int i = 0; i < n; i++) {
                    args[i] = context.convertToType(params[i], types[i]);
                }
                try {
                    Object result = m.invoke(base, args);
                    context.setPropertyResolved(true);
                    return result;
                } catch (InvocationTargetException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new jakarta.el.ELException(cause);
                } catch (IllegalAccessException e) {
                    throw new MethodNotFoundException("Method " + name + " is not accessible");
                }
            }
        }
        throw new MethodNotFoundException("No method " + name + " with " + n + " parameters on " + base.getClass().getSimpleName());
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null; // read-only: nothing has a writable type
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        throw new PropertyNotWritableException("Expressions cannot assign values");
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        context.setPropertyResolved(true);
        return true;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return base == null ? String.class : null;
    }
}
