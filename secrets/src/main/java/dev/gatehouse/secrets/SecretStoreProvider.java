package dev.gatehouse.secrets;

import java.util.Map;
import java.util.Optional;

/**
 * Builds a {@link SecretStore} from settings; found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/dev.gatehouse.secrets.SecretStoreProvider}, so a store plugin is one jar.
 * Built in: {@code memory}, {@code file} (setting {@code path}) and {@code jdbc} (a host-registered
 * {@link javax.sql.DataSource}; setting {@code migrate}, default true).
 */
public interface SecretStoreProvider {

    /** The type name that {@code secrets.store.type} selects, e.g. {@code jdbc}. */
    String type();

    /**
     * Builds the store.
     *
     * @throws dev.gatehouse.core.ConfigurationException if a setting is missing or wrong
     */
    SecretStore create(Context context);

    /** What a provider may use to build its store. */
    interface Context {
        /** The store's settings: {@code secrets.store.<key>} without the prefix. */
        Map<String, String> settings();

        /** A service the host registered, such as its {@link javax.sql.DataSource}. */
        <T> Optional<T> service(Class<T> type);
    }
}
