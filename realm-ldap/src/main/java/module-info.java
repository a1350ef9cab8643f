/**
 * Gatehouse's LDAP and Active Directory realm (realm type {@code ldap}). Exports only the API
 * package; the directory client, cache and configuration live in {@code dev.gatehouse.ldap.internal}.
 */
module dev.gatehouse.ldap {
    requires transitive dev.gatehouse.core;
    requires unboundid.ldapsdk;
    requires org.slf4j;

    exports dev.gatehouse.ldap;

    provides dev.gatehouse.core.RealmProvider with dev.gatehouse.ldap.LdapRealmProvider;
}
