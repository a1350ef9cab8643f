package dev.gatehouse.core.jdbc;

import dev.gatehouse.core.BackendUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The one JDBC helper of every Gatehouse store: a unit of work on one connection, committed or
 * rolled back as a whole, with every database failure turned into the two shapes callers handle.
 *
 * <ul>
 *   <li>A constraint violation (SQLSTATE class {@code 23}: a duplicate key, a foreign key) is a
 *       contract outcome and surfaces as {@link ConstraintViolation}, after the transaction was
 *       rolled back, so a store can answer "name taken" from it.
 *   <li>Everything else (no connection, a timeout, a dropped connection, a commit that failed) is
 *       a {@link BackendUnavailableException}: the database did not do what was asked, and the
 *       caller must not acknowledge the write.
 * </ul>
 *
 * <p>{@link #inTransaction} returns only after {@link Connection#commit()} returned, so a caller
 * that acknowledges a write after it returns never acknowledges one that was not committed.
 * Thread-safe; stateless.
 */
public final class Jdbc {

    private Jdbc() {}

    /** Work on one connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction and commits it.
     *
     * @param backend names the database in messages, e.g. {@code api-key store}
     * @param what names the operation in messages, e.g. {@code insert key}
     * @throws ConstraintViolation if a constraint refused a statement (the transaction was rolled
     *     back)
     * @throws BackendUnavailableException for any other database failure, the commit's included
     */
    public static <T> T inTransaction(DataSource dataSource, String backend, String what, Work<T> work) {
        Objects.requireNonNull(work, "work");
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            if (auto) {
                c.setAutoCommit(false);
            }
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                if (auto) {
                    restoreAutoCommit(c);
                }
            }
        } catch (SQLException e) {
            throw failure(backend, what, e);
        }
    }

    /**
     * Runs {@code work} on one connection in auto-commit mode: for reads and single statements.
     *
     * @throws ConstraintViolation if a constraint refused a statement
     * @throws BackendUnavailableException for any other database failure
     */
    public static <T> T withConnection(DataSource dataSource, String backend, String what, Work<T> work) {
        Objects.requireNonNull(work, "work");
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure(backend, what, e);
        }
    }

    /**
     * {@code e} as the exception a caller sees: a {@link ConstraintViolation} for SQLSTATE class
     * {@code 23}, a {@link BackendUnavailableException} for everything else.
     */
    public static RuntimeException failure(String backend, String what, SQLException e) {
        String state = sqlState(e);
        if (state != null && state.startsWith("23")) {
            return new ConstraintViolation(backend + ": cannot " + what + ": constraint violated (SQLSTATE " + state
                    + ")", state, e);
        }
        return unavailable(backend, what, e);
    }

    /** {@code e} as an outage of {@code backend}; the message never carries bound values. */
    public static BackendUnavailableException unavailable(String backend, String what, SQLException e) {
        String state = sqlState(e);
        return new BackendUnavailableException(backend, "cannot " + what
                + (state == null ? "" : " (SQLSTATE " + state + ")") + ": " + e.getClass().getSimpleName(), e);
    }

    /** Whether {@code e} or a cause reports a unique-constraint violation (SQLSTATE 23505). */
    public static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
            if (t instanceof ConstraintViolation v && "23505".equals(v.sqlState())) {
                return true;
            }
        }
        return false;
    }

    private static String sqlState(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (s.getSQLState() != null) {
                return s.getSQLState();
            }
            if (s.getCause() instanceof SQLException cause && cause != s) {
                s = cause;
                if (s.getSQLState() != null) {
                    return s.getSQLState();
                }
            }
        }
        return null;
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException r) {
            cause.addSuppressed(r);
        }
    }

    private static void restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // The connection is broken; the pool discards it when it is closed.
        }
    }

    /**
     * A constraint refused a statement: a duplicate key, a foreign key. A contract outcome, not an
     * outage; the transaction it happened in was rolled back.
     */
    public static final class ConstraintViolation extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String sqlState;

        ConstraintViolation(String message, String sqlState, SQLException cause) {
            super(message, cause);
            this.sqlState = sqlState;
        }

        /** The SQLSTATE, e.g. {@code 23505} for a duplicate key. */
        public String sqlState() {
            return sqlState;
        }

        /** Whether this is a duplicate key (SQLSTATE 23505). */
        public boolean isUniqueViolation() {
            return "23505".equals(sqlState);
        }
    }
}
