package dev.gatehouse.secrets;

import dev.gatehouse.core.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/** Opens secret stores by type through {@link ServiceLoader}. Thread-safe. */
public final class SecretStores {

    private SecretStores() {}

    /**
     * Opens a store of {@code type} with {@code settings}; {@code services} maps a class (say
     * {@code DataSource.class}) to the host's instance.
     *
     * @throws ConfigurationException if no provider has that type, naming the types that exist
     */
    public static SecretStore open(String type, Map<String, String> settings, Map<Class<?>, Object> services) {
        List<String> known = new ArrayList<>();
        for (SecretStoreProvider p : ServiceLoader.load(SecretStoreProvider.class, SecretStores.class.getClassLoader())) {
            if (p.type().equals(type)) {
                return p.create(new SecretStoreProvider.Context() {
                    @Override
                    public Map<String, String> settings() {
                        return Map.copyOf(settings);
                    }

                    @Override
                    public <T> Optional<T> service(Class<T> c) {
                        return Optional.ofNullable(services.get(c)).map(c::cast);
                    }
                });
            }
            known.add(p.type());
        }
        throw new ConfigurationException("secrets.store.type: no secret store of type '" + type + "' (known: " + known + ")");
    }

    /** A store that keeps everything in this JVM's memory: for tests and development. */
    public static SecretStore inMemory() {
        return new dev.gatehouse.secrets.internal.InMemorySecretStore();
    }
}
