package dev.gatehouse.core.testing;

import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** A private in-memory H2 database that lives as long as the JVM (DB_CLOSE_DELAY=-1). */
public final class H2Database {

    private H2Database() {}

    /** A fresh, empty database. */
    public static DataSource create() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:gh_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        return ds;
    }
}
