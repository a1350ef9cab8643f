/**
 * Gatehouse secrets: the secret manager and its store SPI, AES-256-GCM envelopes, SSH key pairs,
 * encrypted strings, the crypto task with its expression binding, and read-only decoders for
 * Concord's formats. Only {@code dev.gatehouse.secrets} is exported.
 */
module dev.gatehouse.secrets {
    requires transitive dev.gatehouse.core;
    requires java.sql;
    requires org.bouncycastle.provider;
    requires jakarta.el;
    requires org.glassfish.expressly;

    exports dev.gatehouse.secrets;

    uses dev.gatehouse.secrets.SecretStoreProvider;

    provides dev.gatehouse.secrets.SecretStoreProvider with
            dev.gatehouse.secrets.internal.StoreProviders.Memory,
            dev.gatehouse.secrets.internal.StoreProviders.File,
            dev.gatehouse.secrets.internal.StoreProviders.Jdbc;
}
