package dev.gatehouse.apikey;

import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.testing.PostgresSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresApiKeyStoreTest extends ApiKeyStoreContract {

    private PostgresSchema schema;
    private ApiKeyStore store;

    @BeforeAll
    void createSchema() {
        schema = PostgresSchema.create("apikey_store");
        SchemaMigrations.apply(schema.dataSource(), "apikey");
        store = ApiKeyStore.jdbc(schema.dataSource());
    }

    @AfterAll
    void dropSchema() {
        if (schema != null) {
            schema.close();
        }
    }

    @Override
    ApiKeyStore store() {
        return store;
    }
}
