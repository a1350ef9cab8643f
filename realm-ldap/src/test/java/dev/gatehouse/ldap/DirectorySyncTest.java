package dev.gatehouse.ldap;

import dev.gatehouse.ldap.testing.Slapd;
import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.Password;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.UsernamePassword;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 items 1 and 2 against a real slapd: directory roles are stored with the user and used
 * by the path every other credential takes ({@code Accounts.identify}, which API keys and session
 * tokens use); the synchroniser refreshes them, disables users who left or were disabled, and
 * disables nobody while the directory is down. Each test has its own slapd, as it edits the
 * directory.
 */
class DirectorySyncTest {

    private Slapd slapd;
    private TestContext context;
    private LdapRealm realm;

    @BeforeEach
    void start() throws Exception {
        slapd = Slapd.start(null);
        context = new TestContext();
        Map<String, String> s = new HashMap<>();
        s.put("url", slapd.url());
        s.put("searchBase", Slapd.BASE);
        s.put("principalSearchFilter", "(&(objectClass=inetOrgPerson)(uid={0}))");
        s.put("usernameProperty", "uid");
        s.put("systemUsername", Slapd.SERVICE_DN);
        s.put("systemPassword", Slapd.SERVICE_PASSWORD);
        s.put("connectTimeout", "2s");
        s.put("readTimeout", "5s");
        s.put("roleMapping.admins", "admin");
        s.put("roleMapping.developers", "dev");
        s.put("sync.disabledFilter", "(description=account disabled)");
        s.put("cacheDuration", "0s"); // each login asks the directory
        realm = context.realm(s);
    }

    @AfterEach
    void stop() throws Exception {
        if (realm != null) {
            realm.close();
        }
        if (slapd != null) {
            slapd.close();
        }
    }

    private Identity login(String user, String password) {
        AuthenticationResult r = realm.authenticate(new UsernamePassword(user, Password.of(password)));
        assertThat(r).isInstanceOf(AuthenticationResult.Authenticated.class);
        return ((AuthenticationResult.Authenticated) r).identity();
    }

    /** The identity an API key or a session token of this user gets. */
    private AuthenticationResult byToken(UUID user) {
        return context.accounts.identify("apikey", user);
    }

    private static Set<String> roles(AuthenticationResult r) {
        assertThat(r).isInstanceOf(AuthenticationResult.Authenticated.class);
        return ((AuthenticationResult.Authenticated) r).identity().roles();
    }

    private void modify(String dn, Modification... changes) throws Exception {
        try (LDAPConnection c = slapd.admin()) {
            c.modify(dn, changes);
        }
    }

    @Test
    void directoryRolesAreStoredAndEveryCredentialOfTheUserHasThem() {
        Identity byPassword = login("alice", "alice-pw");
        assertThat(byPassword.roles()).contains("admin", "dev");

        User stored = context.users.findById(byPassword.userId()).orElseThrow();
        assertThat(stored.directoryRoles()).containsExactlyInAnyOrder("admin", "dev");
        assertThat(stored.groups()).contains("cn=admins,ou=groups," + Slapd.BASE);
        assertThat(stored.roles()).as("nothing granted in Gatehouse").isEmpty();
        assertThat(roles(byToken(byPassword.userId()))).isEqualTo(byPassword.roles());
    }

    @Test
    void leavingAGroupRemovesItsRoleEverywhereAtTheNextLoginOrSyncAndKeepsGrantedRoles() throws Exception {
        UUID alice = login("alice", "alice-pw").userId();
        context.users.setRoles(alice, Set.of("auditor")); // granted in Gatehouse
        modify("cn=admins,ou=groups," + Slapd.BASE, new Modification(ModificationType.DELETE, "member",
                "uid=alice,ou=people," + Slapd.BASE));

        LdapSynchronizer.Report report = realm.synchronizer().run();

        assertThat(report.complete()).isTrue();
        assertThat(report.updated()).isEqualTo(1);
        assertThat(roles(byToken(alice))).as("at once on this node: the directory told the accounts' cache")
                .containsExactlyInAnyOrder("dev", "auditor");
        assertThat(login("alice", "alice-pw").roles()).containsExactlyInAnyOrder("dev", "auditor");

        modify("cn=admins,ou=groups," + Slapd.BASE, new Modification(ModificationType.ADD, "member",
                "uid=alice,ou=people," + Slapd.BASE));
        assertThat(login("alice", "alice-pw").roles()).as("a login refreshes too, after the login cache")
                .containsExactlyInAnyOrder("admin", "dev", "auditor");
        assertThat(roles(byToken(alice))).containsExactlyInAnyOrder("admin", "dev", "auditor");
    }

    @Test
    void aUserGoneFromTheDirectoryOrDisabledThereIsDisabledAndNobodyElse() throws Exception {
        UUID alice = login("alice", "alice-pw").userId();
        UUID bob = login("bob", "bob-pw").userId();
        slapd.addPerson("erin", "erin-pw");
        UUID erin = login("erin", "erin-pw").userId();
        User local = context.users.create(NewUser.of("dave", UserType.LOCAL));
        try (LDAPConnection c = slapd.admin()) {
            c.delete("uid=bob,ou=people," + Slapd.BASE);
        }
        modify("uid=erin,ou=people," + Slapd.BASE, new Modification(ModificationType.ADD, "description",
                "account disabled"));

        LdapSynchronizer.Report report = realm.synchronizer().run();

        assertThat(report.complete()).isTrue();
        assertThat(report.checked()).isEqualTo(3);
        assertThat(report.disabled()).isEqualTo(2);
        assertThat(byToken(bob)).as("gone from the directory").isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(byToken(erin)).as("disabled there").isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(byToken(alice)).isInstanceOf(AuthenticationResult.Authenticated.class);
        assertThat(context.users.findById(local.id()).orElseThrow().disabled()).as("not the realm's user").isFalse();

        assertThat(realm.synchronizer().run().disabled()).as("a second run has nothing to do").isZero();
    }

    @Test
    void aDirectoryThatIsDownDuringASyncDisablesNobody() throws Exception {
        UUID alice = login("alice", "alice-pw").userId();
        UUID bob = login("bob", "bob-pw").userId();
        slapd.stop();

        LdapSynchronizer.Report report = realm.synchronizer().run();

        assertThat(report.complete()).isFalse();
        assertThat(report.problem()).hasValueSatisfying(p -> assertThat(p).contains(slapd.url().substring(7)));
        assertThat(report.disabled()).isZero();
        for (UUID u : new UUID[] {alice, bob}) {
            assertThat(context.users.findById(u).orElseThrow().disabled()).isFalse();
        }
        slapd.start();
        assertThat(realm.synchronizer().run().complete()).isTrue();
        assertThat(context.users.findById(alice).orElseThrow().disabled()).isFalse();
    }

    @Test
    void aSyncNeverEnablesAUserAnAdminDisabled() {
        UUID alice = login("alice", "alice-pw").userId();
        context.users.setDisabled(alice, true);

        LdapSynchronizer.Report report = realm.synchronizer().run();

        assertThat(report.skipped()).isEqualTo(1);
        assertThat(context.users.findById(alice).orElseThrow().disabled()).isTrue();
        assertThat(context.users.findByUsername("alice", Optional.empty())).isPresent();
    }
}
