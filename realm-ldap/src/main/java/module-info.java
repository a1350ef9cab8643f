/**
 * Gatehouse's LDAP and Active Directory realm (realm type {@code ldap}). Exports only the API
 * package ({@code LdapRealm} and its builder); the directory client, cache, configuration and
 * the provider live in {@code dev.gatehouse.ldap.internal}.
 */
module dev.gatehouse.ldap {
    requires transitive dev.gatehouse.core;
    requires unboundid.ldapsdk;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;

    exports dev.gatehouse.ldap;

    provides dev.gatehouse.core.RealmProvider with dev.gatehouse.ldap.internal.LdapRealmProvider;
}
