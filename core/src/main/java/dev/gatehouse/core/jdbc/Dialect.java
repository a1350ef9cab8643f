package dev.gatehouse.core.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** The SQL databases Gatehouse ships schemas for. */
public enum Dialect {
    H2("h2"),
    POSTGRESQL("postgresql");

    private final String folder;

    Dialect(String folder) {
        this.folder = folder;
    }

    /** The resource folder that holds this dialect's scripts, e.g. {@code postgresql}. */
    public String folder() {
        return folder;
    }

    /**
     * The dialect of {@code connection}.
     *
     * @throws SQLException if the database is neither H2 nor PostgreSQL
     */
    public static Dialect of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("postgres")) {
            return POSTGRESQL;
        }
        if (product.contains("h2")) {
            return H2;
        }
        throw new SQLException("Gatehouse ships schemas for H2 and PostgreSQL only, not for " + product);
    }
}
