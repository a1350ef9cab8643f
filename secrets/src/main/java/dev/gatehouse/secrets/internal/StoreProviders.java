package dev.gatehouse.secrets.internal;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.secrets.SecretStore;
import dev.gatehouse.secrets.SecretStoreProvider;
import java.nio.file.Path;
import java.util.Set;
import javax.sql.DataSource;

/** The built-in store providers. */
public final class StoreProviders {

    private StoreProviders() {}

    private static void onlyKnown(SecretStoreProvider.Context ctx, Set<String> known) {
        for (String k : ctx.settings().keySet()) {
            if (!known.contains(k)) {
                throw new ConfigurationException("secrets.store." + k + ": unknown setting (check the spelling; known: "
                        + known + ")");
            }
        }
    }

    /** {@code memory}: no settings. */
    public static final class Memory implements SecretStoreProvider {
        @Override
        public String type() {
            return "memory";
        }

        @Override
        public SecretStore create(Context context) {
            onlyKnown(context, Set.of("type"));
            return new InMemorySecretStore();
        }
    }

    /** {@code file}: setting {@code path}, the directory. */
    public static final class File implements SecretStoreProvider {
        @Override
        public String type() {
            return "file";
        }

        @Override
        public SecretStore create(Context context) {
            onlyKnown(context, Set.of("type", "path"));
            String path = context.settings().get("path");
            if (path == null || path.isBlank()) {
                throw new ConfigurationException("secrets.store.path: required setting is missing (a directory)");
            }
            return new FileSecretStore(Path.of(path.strip()));
        }
    }

    /** {@code jdbc}: the host's {@link DataSource}; {@code migrate} (default true) applies the schema. */
    public static final class Jdbc implements SecretStoreProvider {
        @Override
        public String type() {
            return "jdbc";
        }

        @Override
        public SecretStore create(Context context) {
            onlyKnown(context, Set.of("type", "migrate"));
            DataSource ds = context.service(DataSource.class).orElseThrow(() -> new ConfigurationException(
                    "secrets.store.type=jdbc needs a DataSource: register one with the host's services"));
            String migrate = context.settings().getOrDefault("migrate", "true").strip();
            if (!migrate.equals("true") && !migrate.equals("false")) {
                throw new ConfigurationException("secrets.store.migrate: expected true or false, was '" + migrate + "'");
            }
            if (migrate.equals("true")) {
                JdbcSecretStore.migrate(ds);
            }
            return new JdbcSecretStore(ds);
        }
    }
}
