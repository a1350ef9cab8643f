package dev.gatehouse.core.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A private schema in the PostgreSQL that runs on this machine (127.0.0.1:5432, database
 * {@code test}, user {@code postgres}, trust authentication; override with {@code GATEHOUSE_PG_HOST},
 * {@code GATEHOUSE_PG_PORT}, {@code GATEHOUSE_PG_DATABASE}, {@code GATEHOUSE_PG_USER}). Each instance
 * creates its own schema so that test runs and classes cannot collide, and drops it on
 * {@link #close()}.
 */
public final class PostgresSchema implements AutoCloseable {

    private final String schema;
    private final PGSimpleDataSource admin;
    private final PGSimpleDataSource dataSource;

    private PostgresSchema(PGSimpleDataSource admin, String schema) {
        this.admin = admin;
        this.schema = schema;
        this.dataSource = base();
        this.dataSource.setCurrentSchema(schema);
    }

    /**
     * Creates a fresh schema, or skips the test (fails it in CI) if PostgreSQL does not answer.
     *
     * @param prefix a readable part of the schema name, e.g. the test class
     */
    public static PostgresSchema create(String prefix) {
        PGSimpleDataSource admin = base();
        String schema = ("gh_" + prefix + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            Services.unavailable("PostgreSQL at " + admin.getServerNames()[0] + ":" + admin.getPortNumbers()[0]
                    + "/" + admin.getDatabaseName(), e.getMessage());
        }
        return new PostgresSchema(admin, schema);
    }

    private static PGSimpleDataSource base() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {env("GATEHOUSE_PG_HOST", "127.0.0.1")});
        ds.setPortNumbers(new int[] {Integer.parseInt(env("GATEHOUSE_PG_PORT", "5432"))});
        ds.setDatabaseName(env("GATEHOUSE_PG_DATABASE", "test"));
        ds.setUser(env("GATEHOUSE_PG_USER", "postgres"));
        ds.setConnectTimeout(3);
        return ds;
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v;
    }

    /** A data source whose connections use this schema. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** A JDBC URL for this schema, for hosts that configure their own pool. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + dataSource.getServerNames()[0] + ":" + dataSource.getPortNumbers()[0] + "/"
                + dataSource.getDatabaseName() + "?currentSchema=" + schema;
    }

    /** The port PostgreSQL listens on, e.g. to put a {@link TcpProxy} in front of it. */
    public int port() {
        return dataSource.getPortNumbers()[0];
    }

    /** The user to connect as. */
    public String user() {
        return dataSource.getUser();
    }

    /** The schema's name. */
    public String name() {
        return schema;
    }

    /** A second, independent data source on the same schema: "another node". */
    public DataSource anotherDataSource() {
        PGSimpleDataSource ds = base();
        ds.setCurrentSchema(schema);
        return ds;
    }

    @Override
    public void close() {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test schema " + schema, e);
        }
    }
}
