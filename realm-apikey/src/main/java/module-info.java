/**
 * Gatehouse API-key realm: the {@code apikey} realm type, the key service a host's API-key
 * endpoint calls, and the key store SPI with in-memory and JDBC stores. Only
 * {@code dev.gatehouse.apikey} is exported.
 */
module dev.gatehouse.apikey {
    requires transitive dev.gatehouse.core;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;

    exports dev.gatehouse.apikey;

    provides dev.gatehouse.core.RealmProvider with dev.gatehouse.apikey.internal.ApiKeyRealmProvider;
}
