package dev.gatehouse.core;

/**
 * Builds realms of one type. Found with {@link java.util.ServiceLoader}: a plugin jar names its
 * provider in {@code META-INF/services/dev.gatehouse.core.RealmProvider} (and, if it is a named
 * module, in a {@code provides} clause), and is enabled by configuration alone.
 *
 * <p>Implementations need a public no-argument constructor and must be thread-safe.
 */
public interface RealmProvider {

    /** The type name configuration refers to, e.g. {@code apikey}, {@code ldap}, {@code hmac}. */
    String type();

    /**
     * Builds a realm.
     *
     * @param settings the realm's settings ({@code realm.<name>.*}); read every key you support,
     *     since a key that no one reads is reported as unknown
     * @param context what Gatehouse and the host provide: user directory, clock, services
     * @throws ConfigurationException if a setting is missing or wrong; the message names the key
     */
    Realm create(RealmSettings settings, RealmContext context);
}
