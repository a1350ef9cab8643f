/**
 * Gatehouse session tokens: per-process tokens (JWE {@code dir} + {@code A256GCM}, Nimbus JOSE),
 * the realm of type {@code session} that accepts them ({@link dev.gatehouse.session.SessionRealm}),
 * and the {@link dev.gatehouse.session.ProcessRegistry} SPI through which the host says which
 * processes may act, with the {@link dev.gatehouse.session.ProcessStore} Gatehouse ships for it.
 * Only {@code dev.gatehouse.session} is exported.
 */
module dev.gatehouse.session {
    requires transitive dev.gatehouse.core;
    requires com.github.benmanes.caffeine;
    requires com.nimbusds.jose.jwt;
    requires org.slf4j;

    exports dev.gatehouse.session;

    provides dev.gatehouse.core.RealmProvider with dev.gatehouse.session.internal.SessionRealmProvider;
}
