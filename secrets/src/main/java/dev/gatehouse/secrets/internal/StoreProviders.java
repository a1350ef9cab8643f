package dev.gatehouse.secrets.internal;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Settings;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.secrets.store.SecretStoreProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import javax.sql.DataSource;

/** The built-in store providers, and the one lookup of a provider by type. */
public final class StoreProviders {

    /** The schema component of the JDBC store: {@code META-INF/gatehouse/secrets/schema/}. */
    public static final String COMPONENT = "secrets";

    private StoreProviders() {}

    /**
     * Builds the store of {@code type} from {@code settings} (prefix {@code secrets.store}), then
     * refuses settings the provider did not read.
     *
     * @throws ConfigurationException if no provider has that type, naming the known ones
     */
    public static SecretStore open(String type, Settings settings, Map<Class<?>, Object> services) {
        List<String> known = new ArrayList<>();
        for (SecretStoreProvider p : ServiceLoader.load(SecretStoreProvider.class, StoreProviders.class.getClassLoader())) {
            if (!p.type().equals(type)) {
                known.add(p.type());
                continue;
            }
            SecretStore store = p.create(new SecretStoreProvider.Context() {
                @Override
                public Settings settings() {
                    return settings;
                }

                @Override
                public <T> Optional<T> service(Class<T> c) {
                    return Optional.ofNullable(services.get(c)).map(c::cast);
                }
            });
            try {
                settings.requireAllRead();
            } catch (ConfigurationException e) {
                store.close();
                throw e;
            }
            return store;
        }
        throw new ConfigurationException("secrets.store: no secret store of type '" + type + "' (known: " + known + ")");
    }

    /** {@code memory}: no settings. */
    public static final class Memory implements SecretStoreProvider {
        @Override
        public String type() {
            return "memory";
        }

        @Override
        public SecretStore create(Context context) {
            return SecretStore.inMemory();
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
            String path = context.settings().require("path");
            return SecretStore.file(Path.of(path));
        }
    }

    /**
     * {@code jdbc}: the host's {@link DataSource}; {@code applySchema} (default true) applies the
     * schema through {@link SchemaMigrations#apply(DataSource, String)} before the store is used.
     */
    public static final class Jdbc implements SecretStoreProvider {
        @Override
        public String type() {
            return "jdbc";
        }

        @Override
        public SecretStore create(Context context) {
            boolean applySchema = context.settings().getBoolean("applySchema", true);
            DataSource ds = context.service(DataSource.class).orElseThrow(() -> new ConfigurationException(
                    "secrets.store=jdbc needs a DataSource: register one with the host's services"));
            if (applySchema) {
                SchemaMigrations.apply(ds, COMPONENT);
            }
            return SecretStore.jdbc(ds);
        }
    }
}
