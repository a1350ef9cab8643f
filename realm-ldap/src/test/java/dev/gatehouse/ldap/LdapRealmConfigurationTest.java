package dev.gatehouse.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.Accounts;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.UserDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Wrong settings fail at start-up with a message that names the setting: the builder's own
 * message starts with the setting's name, and through configuration it names the full
 * {@code realm.<name>.<key>}.
 */
class LdapRealmConfigurationTest {

    private final TestContext context = new TestContext();

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

    /** A builder with the two required settings, to which a test adds the one it checks. */
    private LdapRealm.Builder builder() {
        return context.builder().url("ldap://127.0.0.1:1").searchBase("dc=example,dc=org");
    }

    private void assertBuilderRefuses(UnaryOperator<LdapRealm.Builder> change, String messageStart) {
        assertThatThrownBy(() -> change.apply(builder()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(messageStart);
    }

    @Test
    void theProviderIsFoundByTypeAndBuildsWithoutAReachableDirectory() {
        Gatehouse g = Gatehouse.builder().realm("corp", "ldap", base()).build();
        Realm realm = g.realms().get(0);
        assertThat(realm).isInstanceOf(LdapRealm.class);
        assertThat(realm.name()).isEqualTo("corp");
        assertThat(g.realm(LdapRealm.class)).containsSame((LdapRealm) realm);
        ((LdapRealm) realm).close();
    }

    @Test
    void theBuilderBuildsWithoutAReachableDirectory() {
        try (LdapRealm realm = builder().build()) {
            assertThat(realm.name()).isEqualTo("ldap");
            assertThat(realm.challenges()).containsExactly("Basic realm=\"ldap\", charset=\"UTF-8\"");
        }
    }

    /** The README's "Building it in code" snippet, verbatim between the markers. */
    private static void readmeSnippet(UserDirectory users, Clock clock, char[] trustStorePassword,
            char[] systemPassword) {
        // README:builder-start
        Accounts accounts = new Accounts(users, clock);          // the host's UserDirectory and Clock
        LdapRealm ldap = LdapRealm.builder("ldap", accounts)
                .url("ldap://dc1.corp.example.com:389", "ldap://dc2.corp.example.com:389")
                .startTls(true)
                .trustStore(Path.of("/etc/gatehouse/corp-ca.p12"))
                .trustStorePassword(trustStorePassword)          // char[]; copied, wipe yours afterwards
                .searchBase("DC=corp,DC=example,DC=com")
                .principalSearchFilter("(&(objectClass=user)(|(sAMAccountName={1})(userPrincipalName={0})))")
                .usernameProperty("sAMAccountName")
                .userPrincipalNameProperty("userPrincipalName")
                .nestedGroups(true)
                .roleMapping("Concord Admins", Set.of("admin"))
                .systemUsername("CN=svc-gatehouse,OU=Service Accounts,DC=corp,DC=example,DC=com")
                .systemPassword(systemPassword)
                .cacheDuration(Duration.ofMinutes(1))
                .clock(clock)                                    // what cache entries age by
                .build();
        Gatehouse gatehouse = Gatehouse.builder().users(users).clock(clock).realm(ldap).build();
        // README:builder-end
        gatehouse.close();
    }

    @Test
    void theReadmeBuilderSnippetIsThisTestsCode() throws IOException {
        String test = Files.readString(Path.of("src/test/java/dev/gatehouse/ldap/LdapRealmConfigurationTest.java"),
                StandardCharsets.UTF_8);
        String code = test.substring(test.indexOf("// README:builder-" + "start") + 25,
                test.indexOf("        // README:builder-" + "end"));
        String inTest = code.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## Building it in code");
        int start = readme.indexOf("```java\n", section) + 8;
        String inReadme = readme.substring(start, readme.indexOf("```", start)).lines().map(String::strip)
                .filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
        assertThat(inReadme).isEqualTo(inTest);
        // and it runs: on this machine the trust store it names does not exist, which it says
        assertThatThrownBy(() -> readmeSnippet(context.users, context.clock, "t".toCharArray(), "s".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("trustStore cannot read /etc/gatehouse/corp-ca.p12");
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
        assertBuilderRefuses(b -> LdapRealm.builder("ldap", context.accounts).searchBase("dc=x"), "url is required");
    }

    @Test
    void missingSearchBase() {
        assertRefused(with("searchBase", null), "realm.ldap.searchBase");
        assertBuilderRefuses(b -> LdapRealm.builder("ldap", context.accounts).url("ldap://a"), "searchBase is required");
    }

    @Test
    void badUrl() {
        assertRefused(with("url", "http://dc1"), "realm.ldap.url must be ldap:// or ldaps://, was 'http://dc1'");
        assertBuilderRefuses(b -> b.url("http://dc1"), "url must be ldap:// or ldaps://, was 'http://dc1'");
        assertBuilderRefuses(b -> b.url("ldap:///dc=x"), "url 'ldap:///dc=x' names no host");
        assertBuilderRefuses(b -> b.url(List.of()), "url must name at least one server");
    }

    @Test
    void mixedSchemes() {
        assertRefused(with("url", "ldap://a:389,ldaps://b:636"), "realm.ldap.url mixes ldap and ldaps");
        assertBuilderRefuses(b -> b.url("ldap://a:389", "ldaps://b:636"), "url mixes");
    }

    @Test
    void startTlsOverLdaps() {
        assertRefused(with("url", "ldaps://a:636", "startTls", "true"), "realm.ldap.startTls");
        assertBuilderRefuses(b -> b.url("ldaps://a:636").startTls(true), "startTls cannot be used with ldaps://");
    }

    @Test
    void serviceAccountWithoutPassword() {
        assertRefused(with("systemUsername", "cn=svc,dc=example,dc=org"),
                "realm.ldap.systemUsername is set without systemPassword");
        assertRefused(with("systemPassword", "pw"), "systemPassword is set without systemUsername");
        assertBuilderRefuses(b -> b.systemUsername("cn=svc"), "systemUsername is set without systemPassword");
        assertBuilderRefuses(b -> b.systemPassword("pw".toCharArray()), "systemPassword is set without systemUsername");
    }

    @Test
    void filterWithoutPlaceholder() {
        assertRefused(with("principalSearchFilter", "(uid=alice)"), "realm.ldap.principalSearchFilter");
        assertBuilderRefuses(b -> b.principalSearchFilter("(uid=alice)"), "principalSearchFilter '(uid=alice)' uses no placeholder");
    }

    @Test
    void brokenFilter() {
        assertRefused(with("principalSearchFilter", "(uid={0}"), "not a valid LDAP filter");
        assertBuilderRefuses(b -> b.groupSearchFilter("(member={2})"), "groupSearchFilter placeholder {2} is unknown");
    }

    @Test
    void nestedGroupsWithAFilterWithoutTheInChainRule() {
        assertRefused(with("nestedGroups", "true", "groupSearchFilter", "(member={0})"), "realm.ldap.groupSearchFilter");
        assertBuilderRefuses(b -> b.nestedGroups(true).groupSearchFilter("(member={0})"),
                "groupSearchFilter needs the in-chain rule");
    }

    @Test
    void unreadableTrustStore() {
        assertRefused(with("startTls", "true", "trustStore", "/nonexistent/trust.p12"), "realm.ldap.trustStore");
        assertBuilderRefuses(b -> b.trustStore(Path.of("/nonexistent/trust.p12")), "trustStore cannot read");
        assertBuilderRefuses(b -> b.trustStoreType("NOSUCHTYPE"), "trustStoreType 'NOSUCHTYPE'");
    }

    @Test
    void bindWithUserPrincipalNameNeedsTheProperty() {
        assertRefused(with("bindWith", "userPrincipalName"), "realm.ldap.bindWith");
        assertRefused(with("bindWith", "upn"), "realm.ldap.bindWith: expected dn or userPrincipalName");
        assertBuilderRefuses(b -> b.bindWith(LdapRealm.BindWith.USER_PRINCIPAL_NAME),
                "bindWith userPrincipalName needs userPrincipalNameProperty");
    }

    @Test
    void zeroTimeout() {
        assertRefused(with("readTimeout", "0s"), "realm.ldap.readTimeout");
        assertBuilderRefuses(b -> b.readTimeout(Duration.ZERO), "readTimeout must be between 1ms and 24 days, was PT0S");
        assertBuilderRefuses(b -> b.connectTimeout(Duration.ofSeconds(-1)), "connectTimeout must be between");
    }

    @Test
    void emptyRoleMapping() {
        assertRefused(with("roleMapping.admins", " "), "realm.ldap.roleMapping.admins names no role");
        assertBuilderRefuses(b -> b.roleMapping("admins", List.of(" ")), "roleMapping.admins names no role");
    }

    @Test
    void misspeltKey() {
        assertRefused(with("serachBase", "dc=x"), "realm.ldap.serachBase");
    }

    @Test
    void maxConcurrentLoginsDefaultsToTwiceThePoolSize() {
        try (LdapRealm realm = builder().poolSize(3).build()) {
            assertThat(realm.toString()).contains("poolSize=3, maxConcurrentLogins=6");
        }
        try (LdapRealm realm = builder().poolSize(3).maxConcurrentLogins(50).build()) {
            assertThat(realm.toString()).contains("maxConcurrentLogins=50");
        }
        assertRefused(with("maxConcurrentLogins", "0"), "realm.ldap.maxConcurrentLogins must be between 1 and 100000, was 0");
    }

    @Test
    void numbersOutOfRangeNameTheSetting() {
        assertRefused(with("poolSize", "0"), "realm.ldap.poolSize must be between 1 and 1000, was 0");
        assertRefused(with("cacheMaxEntries", "0"), "realm.ldap.cacheMaxEntries must be between");
        assertRefused(with("poolSize", "many"), "realm.ldap.poolSize: expected an integer");
        assertRefused(with("retryAfter", "0s"), "realm.ldap.retryAfter must be positive");
        assertBuilderRefuses(b -> b.cacheDuration(Duration.ofSeconds(-1)), "cacheDuration must be zero or positive");
    }

    @Test
    void badDnsAndAttributesNameTheSetting() {
        assertRefused(with("searchBase", "not a dn"), "realm.ldap.searchBase must be a valid DN, was 'not a dn'");
        assertBuilderRefuses(b -> b.groupSearchBase("x"), "groupSearchBase must be a valid DN");
        assertRefused(with("simulatedBindDn", "decoy"), "realm.ldap.simulatedBindDn must be a valid DN, was 'decoy'");
        assertBuilderRefuses(b -> b.usernameProperty("uid, cn"), "usernameProperty must be one attribute name");
        assertBuilderRefuses(b -> b.exposeAttributes(List.of("mail", " ")), "exposeAttributes must not contain a blank");
    }
}
