package dev.gatehouse.secrets;

import dev.gatehouse.core.testing.H2Database;
import dev.gatehouse.secrets.store.SecretStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;

class H2SecretStoreTest extends SecretStoreContract {

    private DataSource ds;

    @Override
    protected SecretStore open() {
        ds = H2Database.create();
        return Fixtures.jdbc(ds);
    }

    /** Every column of every row of the secrets tables. */
    @Override
    protected byte[] rawContents() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String table : new String[] {"gh_secrets", "gh_secret_project_keys"}) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= n; i++) {
                            Object v = rs.getObject(i);
                            if (v instanceof byte[] b) {
                                out.write(b);
                            } else if (v != null) {
                                out.write(v.toString().getBytes(StandardCharsets.UTF_8));
                            }
                        }
                    }
                }
            }
        }
        return out.toByteArray();
    }
}
