package dev.gatehouse.secrets;

import dev.gatehouse.core.testing.H2Database;
import java.util.Map;
import javax.sql.DataSource;

class H2SecretStoreTest extends SecretStoreContract {
    @Override
    protected SecretStore open() {
        DataSource ds = H2Database.create();
        return SecretStores.open("jdbc", Map.of(), Map.of(DataSource.class, ds));
    }
}
