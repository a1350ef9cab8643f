package dev.gatehouse.secrets.store;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Settings;
import dev.gatehouse.secrets.SecretsConfig;
import java.util.Optional;
import java.util.ServiceLoader;
import javax.sql.DataSource;

/**
 * Builds a {@link SecretStore} from settings; found with {@link ServiceLoader} through
 * {@code META-INF/services/dev.gatehouse.secrets.store.SecretStoreProvider} (or a module's
 * {@code provides}), so a store plugin is one jar. {@link SecretsConfig#openStore} picks the provider
 * whose {@link #type()} {@code secrets.store} names. Built in: {@code memory}, {@code file} (setting
 * {@code secrets.store.path}) and {@code jdbc} (a host-registered {@link DataSource}; setting
 * {@code secrets.store.applySchema}, default true). Implementations must be thread-safe.
 */
public interface SecretStoreProvider {

    /** The type name that {@code secrets.store} selects, e.g. {@code jdbc}. */
    String type();

    /**
     * Builds the store, reading its settings with the typed getters of {@link Context#settings()};
     * a setting it does not read is refused afterwards as unknown.
     *
     * @throws ConfigurationException if a setting is missing or wrong, naming it
     */
    SecretStore create(Context context);

    /** What a provider may use to build its store. */
    interface Context {
        /** The store's settings: the {@code secrets.store.<key>} properties, keys without the prefix. */
        Settings settings();

        /** A service the host registered, such as its {@link DataSource}. */
        <T> Optional<T> service(Class<T> type);
    }
}
