package dev.gatehouse.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.Password;
import dev.gatehouse.core.UsernamePassword;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The login forms of Active Directory ({@code jdoe}, {@code jdoe@corp.example.org},
 * {@code CORP\jdoe}) against an in-process directory whose entries carry {@code sAMAccountName},
 * {@code userPrincipalName} and {@code memberOf} as Active Directory's do.
 */
class ActiveDirectoryFormsTest {

    private static final String JDOE = "cn=John Doe,ou=people," + TestDirectory.BASE;

    private TestDirectory directory;
    private TestContext context;
    private final List<LdapRealm> realms = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        directory = TestDirectory.activeDirectory();
        directory.server.add("dn: " + JDOE, "objectClass: user", "objectCategory: person", "cn: John Doe", "sAMAccountName: jdoe",
                "userPrincipalName: jdoe@corp.example.org", "mail: john.doe@example.org", "displayName: John Doe",
                "userPassword: jdoe-pw", "memberOf: CN=Domain Admins,OU=groups," + TestDirectory.BASE,
                "memberOf: CN=Engineering,OU=groups," + TestDirectory.BASE, "department: Engineering",
                "unicodePwd: secret-hash");
        directory.server.add("dn: cn=Jane Doe,ou=people," + TestDirectory.BASE, "objectClass: user", "cn: Jane Doe",
                "sAMAccountName: jane", "userPrincipalName: jane@corp.example.org", "userPassword: jane-pw");
        directory.upnToDn.put("jdoe@corp.example.org", JDOE);
        context = new TestContext();
    }

    @AfterEach
    void tearDown() {
        realms.forEach(LdapRealm::close);
        directory.close();
    }

    private LdapRealm realm(Map<String, String> extra) {
        Map<String, String> s = directory.settings();
        s.put("principalSearchFilter", "(&(objectClass=user)(|(sAMAccountName={1})(userPrincipalName={0})))");
        s.put("usernameProperty", "sAMAccountName");
        s.put("userPrincipalNameProperty", "userPrincipalName");
        s.put("cacheDuration", "0s");
        s.putAll(extra);
        LdapRealm realm = context.realm(s);
        realms.add(realm);
        return realm;
    }

    private static Identity identity(AuthenticationResult r) {
        assertThat(r).isInstanceOf(AuthenticationResult.Authenticated.class);
        return ((AuthenticationResult.Authenticated) r).identity();
    }

    private static AuthenticationResult login(LdapRealm realm, String user, String pw) {
        return realm.authenticate(new UsernamePassword(user, Password.of(pw)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdoe", "JDOE", "jdoe@corp.example.org", "CORP\\jdoe", "corp\\JDoe"})
    void everyLoginFormReachesTheSameUser(String login) {
        LdapRealm realm = realm(Map.of());
        Identity id = identity(login(realm, login, "jdoe-pw"));
        assertThat(id.username()).isEqualTo("jdoe");
        assertThat(id.domain()).contains("corp.example.org");
        assertThat(directory.bindNames).containsExactly(JDOE);
    }

    @Test
    void allLoginFormsShareOneUserRecord() {
        LdapRealm realm = realm(Map.of());
        Identity a = identity(login(realm, "jdoe", "jdoe-pw"));
        Identity b = identity(login(realm, "jdoe@corp.example.org", "jdoe-pw"));
        Identity c = identity(login(realm, "CORP\\jdoe", "jdoe-pw"));
        assertThat(b.userId()).isEqualTo(a.userId());
        assertThat(c.userId()).isEqualTo(a.userId());
        assertThat(context.users.findByUsername("jdoe", Optional.of("corp.example.org"))).isPresent();
    }

    @Test
    void wrongPasswordInEveryFormIsRejected() {
        LdapRealm realm = realm(Map.of());
        for (String login : List.of("jdoe", "jdoe@corp.example.org", "CORP\\jdoe")) {
            assertThat(login(realm, login, "jane-pw")).isInstanceOf(AuthenticationResult.Rejected.class);
        }
    }

    @Test
    void memberOfIsMappedToRolesByGroupNameOrDn() {
        LdapRealm realm = realm(Map.of("roleMapping.domain admins", "admin",
                "roleMapping.cn=engineering,ou=groups,dc=example,dc=org", "engineer"));
        assertThat(identity(login(realm, "jdoe", "jdoe-pw")).roles()).containsExactlyInAnyOrder("admin", "engineer");
        assertThat(identity(login(realm, "jane", "jane-pw")).roles()).isEmpty();
    }

    @Test
    void bindsWithTheUserPrincipalNameWhereConfigured() {
        LdapRealm realm = realm(Map.of("bindWith", "userPrincipalName"));
        identity(login(realm, "CORP\\jdoe", "jdoe-pw"));
        assertThat(directory.bindNames).containsExactly("jdoe@corp.example.org");
        assertThat(login(realm, "jdoe", "wrong")).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void exposedAttributesNeverIncludePasswordHashes() {
        LdapRealm realm = realm(Map.of("exposeAttributes", "*"));
        Map<String, String> attrs = identity(login(realm, "jdoe", "jdoe-pw")).attributes();
        assertThat(attrs).containsEntry("department", "Engineering").containsKey("memberOf");
        assertThat(attrs.keySet()).noneMatch(k -> k.equalsIgnoreCase("unicodePwd") || k.equalsIgnoreCase("userPassword"));
    }

    @Test
    void theReadmeActiveDirectoryExampleWorksAsAPropertiesFile() throws Exception {
        String text = String.join("\n",
                "gatehouse.realms=ldap",
                "realm.ldap.type=ldap",
                "realm.ldap.url=ldap://127.0.0.1:" + TestDirectory.freePort() + "," + directory.url(),
                "realm.ldap.searchBase=" + TestDirectory.BASE,
                "realm.ldap.principalSearchFilter=(&(objectCategory=person)(objectClass=user)"
                        + "(|(sAMAccountName={1})(userPrincipalName={0})))",
                "realm.ldap.usernameProperty=sAMAccountName",
                "realm.ldap.userPrincipalNameProperty=userPrincipalName",
                "realm.ldap.mailProperty=mail",
                "realm.ldap.displayNameProperty=displayName",
                "realm.ldap.nestedGroups=true",
                "realm.ldap.roleMapping.Domain\\ Admins=admin",
                "realm.ldap.roleMapping.Engineering=developer,reader",
                "realm.ldap.systemUsername=" + TestDirectory.SERVICE_DN,
                "realm.ldap.systemPassword=${env:LDAP_SYSTEM_PASSWORD}",
                "realm.ldap.exposeAttributes=department,title",
                "realm.ldap.cacheDuration=1m");
        Properties p = new Properties();
        p.load(new StringReader(text));
        // Active Directory resolves the in-chain rule; the in-process server gets a plain member
        // search over the groups it knows, which memberOf names here.
        directory.server.add("dn: cn=Domain Admins,ou=groups," + TestDirectory.BASE, "objectClass: group",
                "cn: Domain Admins", "member: " + JDOE);
        directory.server.add("dn: cn=Engineering,ou=groups," + TestDirectory.BASE, "objectClass: group",
                "cn: Engineering", "member: cn=Domain Admins,ou=groups," + TestDirectory.BASE);
        directory.rewriteFilter = f -> f.contains("1.2.840.113556.1.4.1941")
                ? "(|(member=" + JDOE + ")(member=cn=Domain Admins,ou=groups," + TestDirectory.BASE + "))" : f;
        Gatehouse g = Gatehouse.builder()
                .environment(name -> name.equals("LDAP_SYSTEM_PASSWORD") ? TestDirectory.SERVICE_PASSWORD : null)
                .properties(p).build();
        LdapRealm realm = g.realm(LdapRealm.class).orElseThrow();
        realms.add(realm);
        Identity id = identity(login(realm, "CORP\\jdoe", "jdoe-pw"));
        assertThat(id.username()).isEqualTo("jdoe");
        assertThat(id.domain()).contains("corp.example.org");
        assertThat(id.roles()).containsExactlyInAnyOrder("admin", "developer", "reader");
        assertThat(id.attributes()).containsEntry("department", "Engineering");
        assertThat(directory.searchFilters).anyMatch(f -> f.contains("member:1.2.840.113556.1.4.1941:=" + JDOE));
    }

    @Test
    void aBackslashWithoutAUserIsRefusedWithoutAskingTheDirectory() {
        LdapRealm realm = realm(Map.of());
        directory.resetCounters();
        for (String login : List.of("CORP\\", "\\", "@corp.example.org", "jdoe@", "x".repeat(300))) {
            assertThat(login(realm, login, "jdoe-pw")).isInstanceOf(AuthenticationResult.Rejected.class);
        }
        assertThat(directory.operations()).isZero();
    }
}
