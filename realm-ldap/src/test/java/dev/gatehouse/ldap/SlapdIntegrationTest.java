package dev.gatehouse.ldap;

import dev.gatehouse.ldap.testing.Slapd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.Password;
import dev.gatehouse.core.UsernamePassword;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The realm against a real OpenLDAP slapd (Debian's package) on a loopback port. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlapdIntegrationTest {

    private static Slapd slapd;
    private TestContext context;
    private final List<LdapRealm> realms = new ArrayList<>();

    @BeforeAll
    static void startSlapd() throws Exception {
        slapd = Slapd.start(null);
    }

    @AfterAll
    static void stopSlapd() throws Exception {
        if (slapd != null) {
            slapd.close();
        }
    }

    @BeforeEach
    void setUp() {
        context = new TestContext();
    }

    @AfterEach
    void tearDown() {
        realms.forEach(LdapRealm::close);
    }

    private LdapRealm realm(Map<String, String> extra) {
        Map<String, String> s = new HashMap<>();
        s.put("url", slapd.url());
        s.put("searchBase", Slapd.BASE);
        s.put("principalSearchFilter", "(&(objectClass=inetOrgPerson)(uid={0}))");
        s.put("usernameProperty", "uid");
        s.put("systemUsername", Slapd.SERVICE_DN);
        s.put("systemPassword", Slapd.SERVICE_PASSWORD);
        s.put("connectTimeout", "2s");
        s.put("readTimeout", "5s");
        s.put("cacheDuration", "0s");
        s.put("roleMapping.admins", "admin");
        s.put("roleMapping.developers", "dev");
        s.putAll(extra);
        LdapRealm realm = context.realm(s);
        realms.add(realm);
        return realm;
    }

    private LdapRealm realm() {
        return realm(Map.of());
    }

    private static AuthenticationResult login(LdapRealm realm, String user, String pw) {
        return realm.authenticate(new UsernamePassword(user, Password.of(pw)));
    }

    private static Identity identity(AuthenticationResult r) {
        assertThat(r).isInstanceOf(AuthenticationResult.Authenticated.class);
        return ((AuthenticationResult.Authenticated) r).identity();
    }

    @Test
    void loginCreatesTheUserAndCopiesTheProfile() {
        LdapRealm realm = realm();
        Identity id = identity(login(realm, "alice", "alice-pw"));
        assertThat(id.username()).isEqualTo("alice");
        assertThat(id.email()).contains("alice@example.org");
        assertThat(id.displayName()).contains("Alice Liddell");
        assertThat(context.users.findByUsername("alice", Optional.empty())).isPresent();
    }

    @Test
    void wrongPasswordIsRejected() {
        assertThat(login(realm(), "alice", "bob-pw")).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void unknownUserIsRejected() {
        assertThat(login(realm(), "mallory", "alice-pw")).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t \t"})
    void emptyAndBlankPasswordsAreRejected(String pw) {
        AuthenticationResult r = login(realm(), "alice", pw);
        assertThat(r).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(((AuthenticationResult.Rejected) r).reason()).contains("empty or blank password");
    }

    @ParameterizedTest
    @ValueSource(strings = {"*)(uid=*))(|(uid=*", "*", "admin)(|(uid=*", "alice)(|(uid=*", "a*", "*)(objectClass=*"})
    void filterInjectionIsRejected(String login) {
        LdapRealm realm = realm();
        for (String pw : List.of("alice-pw", "admin-pw", "bob-pw")) {
            assertThat(login(realm, login, pw)).isInstanceOf(AuthenticationResult.Rejected.class);
        }
    }

    @Test
    void dnInjectionIsRejected() {
        LdapRealm realm = realm();
        assertThat(login(realm, "admin,ou=admins", "admin-pw")).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(login(realm, "uid=admin,ou=admins," + Slapd.BASE, "admin-pw")).isInstanceOf(AuthenticationResult.Rejected.class);
        // the real admin still gets in by name
        assertThat(identity(login(realm, "admin", "admin-pw")).roles()).containsExactly("admin");
    }

    @Test
    void nonUniqueResultIsRejected() {
        AuthenticationResult r = login(realm(), "carol", "carol-pw");
        assertThat(r).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(((AuthenticationResult.Rejected) r).reason()).contains("non unique result");
    }

    @Test
    void memberOfGroupsAreMappedToRoles() {
        LdapRealm realm = realm();
        assertThat(identity(login(realm, "alice", "alice-pw")).roles()).containsExactlyInAnyOrder("admin", "dev");
        assertThat(identity(login(realm, "bob", "bob-pw")).roles()).containsExactly("dev");
    }

    @Test
    void groupSearchGroupsAreMappedToRoles() {
        LdapRealm realm = realm(Map.of("groupSearchFilter", "(&(objectClass=groupOfNames)(member={0}))",
                "groupSearchBase", "ou=groups," + Slapd.BASE));
        assertThat(identity(login(realm, "alice", "alice-pw")).roles()).containsExactlyInAnyOrder("admin", "dev");
    }

    @Test
    void failsOverWhenTheFirstUrlIsDead() throws Exception {
        LdapRealm realm = realm(Map.of("url", "ldap://127.0.0.1:" + TestDirectory.freePort() + "," + slapd.url()));
        identity(login(realm, "alice", "alice-pw"));
        assertThat(login(realm, "alice", "wrong")).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    @Order(Integer.MAX_VALUE) // stops and restarts the shared server
    void serverStoppedMidRunIsUnavailableAndRecoveryFollowsARestart() throws Exception {
        LdapRealm realm = realm();
        identity(login(realm, "alice", "alice-pw"));

        slapd.stop();
        AuthenticationResult down = login(realm, "alice", "alice-pw");
        assertThat(down).isInstanceOf(AuthenticationResult.Unavailable.class);
        assertThat(login(realm, "alice", "wrong")).isInstanceOf(AuthenticationResult.Unavailable.class);
        // an empty password is refused without asking: even now it is a 401, not a 503
        assertThat(login(realm, "alice", "")).isInstanceOf(AuthenticationResult.Rejected.class);

        slapd.start();
        identity(login(realm, "alice", "alice-pw"));
        assertThat(login(realm, "alice", "wrong")).isInstanceOf(AuthenticationResult.Rejected.class);
    }
}
