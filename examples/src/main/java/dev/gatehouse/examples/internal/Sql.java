package dev.gatehouse.examples.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The example server's one JDBC helper: a unit of work on one connection, committed or rolled
 * back as a whole. Shaped like core's {@code Jdbc} (which the server switches to once it builds
 * against that core): a failure surfaces as an unchecked exception whose cause is the
 * {@link SQLException}, which the {@link Router} answers as 503 (or, for a constraint violation the
 * caller did not handle, 409). Messages name the operation, never a bound value.
 */
final class Sql {

    private Sql() {}

    /** Work on one connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** A database failure; {@link #getCause()} is the {@link SQLException}. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String what, SQLException cause) {
            super("database: cannot " + what + " (SQLSTATE " + cause.getSQLState() + ")", cause);
        }

        /** Whether a unique constraint refused the statement (SQLSTATE 23505). */
        boolean isUniqueViolation() {
            return "23505".equals(((SQLException) getCause()).getSQLState());
        }
    }

    /**
     * Runs {@code work} in one transaction; returns only after the commit returned.
     *
     * @throws Failure for any database failure, the commit's included (then nothing was written)
     */
    static <T> T inTransaction(DataSource db, String what, Work<T> work) {
        Objects.requireNonNull(work, "work");
        try (Connection c = db.getConnection()) {
            boolean auto = c.getAutoCommit();
            if (auto) {
                c.setAutoCommit(false);
            }
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    c.rollback();
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            } finally {
                if (auto) {
                    try {
                        c.setAutoCommit(true);
                    } catch (SQLException ignored) {
                        // a broken connection; the pool discards it
                    }
                }
            }
        } catch (SQLException e) {
            throw new Failure(what, e);
        }
    }

    /**
     * Runs {@code work} on one connection in auto-commit mode: reads and single statements.
     *
     * @throws Failure for any database failure
     */
    static <T> T withConnection(DataSource db, String what, Work<T> work) {
        Objects.requireNonNull(work, "work");
        try (Connection c = db.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new Failure(what, e);
        }
    }
}
