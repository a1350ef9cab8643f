package dev.gatehouse.core.testing;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A data source that tests switch between a working database and one that is down, without
 * restarting anything: {@link #down()} sends every new connection to a closed port (connection
 * refused at once), {@link #up()} back to the working database. Thread-safe.
 */
public final class SwitchableDataSource implements DataSource {

    private final DataSource working;
    private final DataSource closed;
    private final AtomicReference<DataSource> current;

    /** Starts up, delegating to {@code working}. */
    public SwitchableDataSource(DataSource working) {
        this.working = Objects.requireNonNull(working, "working");
        PGSimpleDataSource refused = new PGSimpleDataSource();
        refused.setServerNames(new String[] {"127.0.0.1"});
        refused.setPortNumbers(new int[] {ClosedPort.find()});
        refused.setDatabaseName("down");
        refused.setUser("nobody");
        refused.setConnectTimeout(2);
        this.closed = refused;
        this.current = new AtomicReference<>(working);
    }

    /** From now on, connections fail as they do when the database is down. */
    public SwitchableDataSource down() {
        current.set(closed);
        return this;
    }

    /** From now on, connections go to the working database again. */
    public SwitchableDataSource up() {
        current.set(working);
        return this;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return current.get().getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return current.get().getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // not used
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // not used
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
