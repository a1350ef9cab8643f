package dev.gatehouse.core;

import java.time.Clock;
import java.util.Optional;

/**
 * What a {@link RealmProvider} gets besides its settings: the user directory, the clock, and
 * services the host registered (a {@code DataSource}, a process registry, ...). Thread-safe.
 */
public interface RealmContext {

    /** The name the realm is configured under. */
    String realmName();

    /** The user records. */
    UserDirectory users();

    /** Signs users in against the directory: find or create, refuse disabled users. */
    Accounts accounts();

    /** The clock every expiry is measured with. */
    Clock clock();

    /** A service the host registered with {@link Gatehouse.Builder#service(Class, Object)}. */
    <T> Optional<T> service(Class<T> type);

    /**
     * A service that the realm cannot work without.
     *
     * @throws ConfigurationException naming the realm and the missing service type
     */
    default <T> T requireService(Class<T> type) {
        return service(type).orElseThrow(() -> new ConfigurationException(
                "realm." + realmName() + ": needs a " + type.getName()
                        + "; register one with Gatehouse.builder().service(" + type.getSimpleName() + ".class, ...)"));
    }
}
