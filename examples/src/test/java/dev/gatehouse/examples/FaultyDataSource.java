package dev.gatehouse.examples;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} in front of a real one that fails on cue, as a database that crashes does:
 * the N-th write step after {@link #failStep(int)} (a statement that changes data, or a commit)
 * throws instead of running, once; {@link #down(boolean)} makes every connection attempt fail;
 * {@link #throwOnConnect(Supplier)} and {@link #failStep(int, Supplier)} throw anything, an
 * {@link Error} included. The statement that
 * fails never reaches the database, and the connection stays usable, so what the caller left
 * behind (committed rows) is exactly what a crash at that point would leave.
 */
final class FaultyDataSource implements DataSource {

    private static final Set<String> WRITES = Set.of("executeUpdate", "executeLargeUpdate", "execute", "executeBatch",
            "executeLargeBatch");

    private final DataSource real;
    private final AtomicInteger stepsLeft = new AtomicInteger(-1);
    private final AtomicInteger steps = new AtomicInteger();
    private final AtomicBoolean down = new AtomicBoolean();
    private volatile Supplier<? extends Throwable> stepFailure = FaultyDataSource::crash;
    private volatile Supplier<? extends Throwable> onConnect;

    FaultyDataSource(DataSource real) {
        this.real = real;
    }

    /** The real data source, for the test's own checks. */
    DataSource real() {
        return real;
    }

    /** Makes the {@code n}-th write step from now (1 = the next) fail, once, as a lost connection. */
    void failStep(int n) {
        failStep(n, FaultyDataSource::crash);
    }

    /** Makes the {@code n}-th write step from now throw what {@code failure} gives, once. */
    void failStep(int n, Supplier<? extends Throwable> failure) {
        stepFailure = failure;
        stepsLeft.set(n);
    }

    private static SQLException crash() {
        return new SQLTransientConnectionException("injected fault: the database went away", "08006");
    }

    /** Counts write steps from now; see {@link #steps()}. */
    void countSteps() {
        steps.set(0);
        stepsLeft.set(-1);
    }

    /** The write steps since {@link #countSteps()}. */
    int steps() {
        return steps.get();
    }

    /** Whether the armed fault is still waiting (the operation took fewer steps). */
    boolean armed() {
        return stepsLeft.get() > 0;
    }

    /** While true, every connection attempt fails as a database that does not answer. */
    void down(boolean isDown) {
        down.set(isDown);
    }

    /** Every connection attempt throws what {@code failure} gives, until called with null. */
    void throwOnConnect(Supplier<? extends Throwable> failure) {
        this.onConnect = failure;
    }

    private void step() throws SQLException {
        steps.incrementAndGet();
        if (stepsLeft.get() > 0 && stepsLeft.decrementAndGet() == 0) {
            rethrow(stepFailure.get());
        }
    }

    private static void rethrow(Throwable t) throws SQLException {
        if (t instanceof SQLException s) {
            throw s;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        throw (Error) t;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(check().real.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(check().real.getConnection(username, password));
    }

    private FaultyDataSource check() throws SQLException {
        Supplier<? extends Throwable> f = onConnect;
        if (f != null) {
            rethrow(f.get());
        }
        if (down.get()) {
            throw new SQLTransientConnectionException("injected outage: connection is not available", "08001");
        }
        return this;
    }

    private Connection wrap(Connection c) {
        return proxy(Connection.class, c, (method, args) -> {
            if (method.getName().equals("commit")) {
                step();
            }
            Object result = invoke(method, c, args);
            if (result instanceof CallableStatement s) {
                return statement(CallableStatement.class, s);
            }
            if (result instanceof PreparedStatement s) {
                return statement(PreparedStatement.class, s);
            }
            if (result instanceof Statement s) {
                return statement(Statement.class, s);
            }
            return result;
        });
    }

    private <S extends Statement> S statement(Class<S> type, S s) {
        return proxy(type, s, (method, args) -> {
            if (WRITES.contains(method.getName())) {
                step();
            }
            return invoke(method, s, args);
        });
    }

    @FunctionalInterface
    private interface Call {
        Object call(Method method, Object[] args) throws Throwable;
    }

    private static <T> T proxy(Class<T> type, T target, Call call) {
        InvocationHandler h = (p, method, args) -> {
            if (method.getName().equals("unwrap") || method.getName().equals("isWrapperFor")) {
                return invoke(method, target, args);
            }
            return call.call(method, args);
        };
        return type.cast(Proxy.newProxyInstance(FaultyDataSource.class.getClassLoader(), new Class<?>[] {type}, h));
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return real.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        real.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        real.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return real.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return real.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : real.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || real.isWrapperFor(iface);
    }
}
