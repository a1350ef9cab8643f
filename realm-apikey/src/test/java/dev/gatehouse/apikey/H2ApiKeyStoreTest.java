package dev.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.testing.H2Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class H2ApiKeyStoreTest extends ApiKeyStoreContract {

    private final DataSource dataSource = H2Database.create();
    private final ApiKeyStore store;

    H2ApiKeyStoreTest() {
        SchemaMigrations.apply(dataSource, "apikey");
        store = ApiKeyStore.jdbc(dataSource);
    }

    @Override
    ApiKeyStore store() {
        return store;
    }

    @Test
    void schemaIsAppliedOnceAndRecorded() throws SQLException {
        SchemaMigrations.apply(dataSource, "apikey");
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT COUNT(*) FROM gh_schema_history WHERE component = 'apikey'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("V1 (keys) and V2 (scopes), each once").isEqualTo(2);
        }
    }
}
