package dev.gatehouse.core.jdbc;

import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.testing.PostgresSchema;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

/** The JDBC directory on the PostgreSQL that runs on this machine, each test in its own schema. */
class PostgresUserDirectoryTest extends dev.gatehouse.core.JdbcUserDirectoryContract {

    private final List<PostgresSchema> schemas = new ArrayList<>();

    @Override
    protected DataSource newDatabase() {
        PostgresSchema schema = PostgresSchema.create("users");
        schemas.add(schema);
        return schema.dataSource();
    }

    @Override
    protected UserDirectory open(DataSource dataSource) {
        return UserDirectory.jdbc(dataSource, clock);
    }

    @AfterEach
    void dropSchemas() {
        schemas.forEach(PostgresSchema::close);
    }
}
