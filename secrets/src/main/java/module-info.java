/**
 * Gatehouse secrets, one role per exported package:
 *
 * <ul>
 *   <li>{@code dev.gatehouse.secrets}: the secret manager, its values, access rules and settings;
 *   <li>{@code dev.gatehouse.secrets.store}: the store SPI and the built-in stores' factories;
 *   <li>{@code dev.gatehouse.secrets.crypto}: AES-256-GCM envelopes and the server key ring;
 *   <li>{@code dev.gatehouse.secrets.process}: the process-time crypto task and expression binding;
 *   <li>{@code dev.gatehouse.secrets.concord}: read-only migration from Concord's formats.
 * </ul>
 *
 * Everything under {@code dev.gatehouse.secrets.internal} is not exported and may change.
 */
module dev.gatehouse.secrets {
    requires transitive dev.gatehouse.core;
    requires java.sql;
    requires org.bouncycastle.provider;
    requires jakarta.el;
    requires org.glassfish.expressly;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;

    exports dev.gatehouse.secrets;
    exports dev.gatehouse.secrets.store;
    exports dev.gatehouse.secrets.crypto;
    exports dev.gatehouse.secrets.process;
    exports dev.gatehouse.secrets.concord;

    uses dev.gatehouse.secrets.store.SecretStoreProvider;

    provides dev.gatehouse.secrets.store.SecretStoreProvider with
            dev.gatehouse.secrets.internal.StoreProviders.Memory,
            dev.gatehouse.secrets.internal.StoreProviders.File,
            dev.gatehouse.secrets.internal.StoreProviders.Jdbc;
}
