package dev.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.jdbc.SchemaMigrations;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The JDBC directory: the contract, plus what only a database can show. */
public abstract class JdbcUserDirectoryContract extends UserDirectoryContract {

    private DataSource dataSource;

    /** A fresh database or schema, without Gatehouse's tables. */
    protected abstract DataSource newDatabase();

    protected abstract UserDirectory open(DataSource dataSource);

    @Override
    protected UserDirectory directory() {
        dataSource = newDatabase();
        SchemaMigrations.apply(dataSource, "core");
        return open(dataSource);
    }

    @Override
    protected UserDirectory anotherNode(UserDirectory first) {
        return open(dataSource);
    }

    @Test
    void schemaIsAppliedOnceEvenWhenAskedTwice() throws Exception {
        directory();
        SchemaMigrations.apply(dataSource, "core");

        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM gh_schema_history WHERE component = 'core'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("one row per script (V1, V2)").isEqualTo(2);
        }
    }

    @Test
    void usernamesAreStoredLowerCase() throws Exception {
        UserDirectory users = directory();
        users.create(NewUser.of("MiXeD", UserType.LOCAL).withDomain("DoMain"));

        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT username, domain FROM gh_users")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("mixed");
            assertThat(rs.getString(2)).isEqualTo("domain");
        }
    }
}
