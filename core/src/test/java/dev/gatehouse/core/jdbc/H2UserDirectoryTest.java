package dev.gatehouse.core.jdbc;

import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.testing.H2Database;
import javax.sql.DataSource;

class H2UserDirectoryTest extends dev.gatehouse.core.JdbcUserDirectoryContract {

    @Override
    protected DataSource newDatabase() {
        return H2Database.create();
    }

    @Override
    protected UserDirectory open(DataSource dataSource) {
        return UserDirectory.jdbc(dataSource, clock);
    }
}
