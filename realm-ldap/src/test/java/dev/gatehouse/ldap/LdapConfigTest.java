package dev.gatehouse.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Realm;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Wrong settings fail at start-up with a message that names the key. */
class LdapConfigTest {

    private static Map<String, String> base() {
        Map<String, String> s = new HashMap<>();
        s.put("url", "ldap://127.0.0.1:1");
        s.put("searchBase", "dc=example,dc=org");
        return s;
    }

    private static void assertRefused(Map<String, String> settings, String message) {
        assertThatThrownBy(() -> Gatehouse.builder().realm("ldap", "ldap", settings).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(message);
    }

    private static Map<String, String> with(String... kv) {
        Map<String, String> s = base();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                s.remove(kv[i]);
            } else {
                s.put(kv[i], kv[i + 1]);
            }
        }
        return s;
    }

    @Test
    void theProviderIsFoundByTypeAndBuildsWithoutAReachableDirectory() {
        Gatehouse g = Gatehouse.builder().realm("corp", "ldap", base()).build();
        Realm realm = g.realms().get(0);
        assertThat(realm).isInstanceOf(LdapRealm.class);
        assertThat(realm.name()).isEqualTo("corp");
        ((LdapRealm) realm).close();
    }

    @Test
    void propertiesWithEnvironmentSecretsWork() {
        Properties p = new Properties();
        p.setProperty("gatehouse.realms", "ldap");
        p.setProperty("realm.ldap.url", "ldap://127.0.0.1:1,ldap://127.0.0.1:2");
        p.setProperty("realm.ldap.searchBase", "dc=example,dc=org");
        p.setProperty("realm.ldap.systemUsername", "cn=svc,dc=example,dc=org");
        p.setProperty("realm.ldap.systemPassword", "${env:LDAP_PASSWORD}");
        p.setProperty("realm.ldap.roleMapping.admins", "admin");
        Gatehouse g = Gatehouse.builder().environment(name -> name.equals("LDAP_PASSWORD") ? "s3cret" : null)
                .properties(p).build();
        assertThat(g.realms().get(0).toString()).doesNotContain("s3cret");
        ((LdapRealm) g.realms().get(0)).close();
    }

    @Test
    void missingUrl() {
        assertRefused(with("url", null), "realm.ldap.url");
    }

    @Test
    void missingSearchBase() {
        assertRefused(with("searchBase", null), "realm.ldap.searchBase");
    }

    @Test
    void badUrl() {
        assertRefused(with("url", "http://dc1"), "realm.ldap.url");
    }

    @Test
    void mixedSchemes() {
        assertRefused(with("url", "ldap://a:389,ldaps://b:636"), "mixes");
    }

    @Test
    void startTlsOverLdaps() {
        assertRefused(with("url", "ldaps://a:636", "startTls", "true"), "realm.ldap.startTls");
    }

    @Test
    void serviceAccountWithoutPassword() {
        assertRefused(with("systemUsername", "cn=svc,dc=example,dc=org"), "realm.ldap.systemPassword");
    }

    @Test
    void filterWithoutPlaceholder() {
        assertRefused(with("principalSearchFilter", "(uid=alice)"), "realm.ldap.principalSearchFilter");
    }

    @Test
    void brokenFilter() {
        assertRefused(with("principalSearchFilter", "(uid={0}"), "not a valid LDAP filter");
    }

    @Test
    void nestedGroupsWithAFilterWithoutTheInChainRule() {
        assertRefused(with("nestedGroups", "true", "groupSearchFilter", "(member={0})"), "realm.ldap.groupSearchFilter");
    }

    @Test
    void unreadableTrustStore() {
        assertRefused(with("startTls", "true", "trustStore", "/nonexistent/trust.p12"), "realm.ldap.trustStore");
    }

    @Test
    void bindWithUserPrincipalNameNeedsTheProperty() {
        assertRefused(with("bindWith", "userPrincipalName"), "realm.ldap.bindWith");
    }

    @Test
    void zeroTimeout() {
        assertRefused(with("readTimeout", "0s"), "realm.ldap.readTimeout");
    }

    @Test
    void emptyRoleMapping() {
        assertRefused(with("roleMapping.admins", " "), "realm.ldap.roleMapping.admins");
    }

    @Test
    void misspeltKey() {
        assertRefused(with("serachBase", "dc=x"), "realm.ldap.serachBase");
    }
}
