package dev.gatehouse.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.Password;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.TokenCredentials;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.UsernamePassword;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The realm against UnboundID's in-process directory with the standard (OpenLDAP-like) schema. */
class LdapRealmTest {

    private TestDirectory directory;
    private TestContext context;
    private final List<LdapRealm> realms = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        directory = TestDirectory.standard();
        directory.addPerson("alice", "people", "alice-pw", "mail: alice@example.org", "displayName: Alice Liddell",
                "telephoneNumber: 555-0100");
        directory.addPerson("bob", "people", "bob-pw");
        directory.addPerson("admin", "admins", "admin-pw");
        directory.addGroup("admins", "uid=alice,ou=people," + TestDirectory.BASE);
        directory.addGroup("developers", "uid=alice,ou=people," + TestDirectory.BASE, "uid=bob,ou=people," + TestDirectory.BASE);
        context = new TestContext();
    }

    @AfterEach
    void tearDown() {
        realms.forEach(LdapRealm::close);
        directory.close();
    }

    private LdapRealm realm(Map<String, String> extra) {
        Map<String, String> s = directory.settings();
        s.putAll(extra);
        LdapRealm realm = context.realm(s);
        realms.add(realm);
        return realm;
    }

    private LdapRealm realm() {
        return realm(Map.of());
    }

    private static AuthenticationResult login(LdapRealm realm, String user, String password) {
        return realm.authenticate(new UsernamePassword(user, Password.of(password)));
    }

    private static Identity identity(AuthenticationResult r) {
        assertThat(r).isInstanceOf(AuthenticationResult.Authenticated.class);
        return ((AuthenticationResult.Authenticated) r).identity();
    }

    @Test
    void rightPasswordAuthenticatesAndCreatesTheUserOnFirstLogin() {
        LdapRealm realm = realm();
        assertThat(context.users.findByUsername("alice", Optional.empty())).isEmpty();

        Identity id = identity(login(realm, "alice", "alice-pw"));

        assertThat(id.username()).isEqualTo("alice");
        assertThat(id.realm()).isEqualTo("ldap");
        assertThat(id.userType()).isEqualTo(UserType.LDAP);
        assertThat(id.email()).contains("alice@example.org");
        assertThat(id.displayName()).contains("Alice Liddell");
        User user = context.users.findByUsername("alice", Optional.empty()).orElseThrow();
        assertThat(user.id()).isEqualTo(id.userId());
        assertThat(user.type()).isEqualTo(UserType.LDAP);
        assertThat(user.email()).contains("alice@example.org");
    }

    @Test
    void secondLoginFindsTheSameUserRecord() {
        LdapRealm realm = realm(Map.of("cacheDuration", "0s"));
        Identity first = identity(login(realm, "alice", "alice-pw"));
        Identity second = identity(login(realm, "ALICE", "alice-pw"));
        assertThat(second.userId()).isEqualTo(first.userId());
        assertThat(directory.binds.get()).isEqualTo(2);
    }

    @Test
    void theUsernameComesFromTheEntryNeverFromTheLogin() throws Exception {
        directory.server.modify("dn: uid=alice,ou=people," + TestDirectory.BASE, "changetype: modify",
                "add: mail", "mail: bob@elsewhere.org");
        LdapRealm realm = realm(Map.of("principalSearchFilter", "(mail={0})"));
        // alice's entry carries bob's address: logging in by it must not make her "bob"
        Identity id = identity(login(realm, "bob@elsewhere.org", "alice-pw"));
        assertThat(id.username()).isEqualTo("alice");
        assertThat(context.users.findByUsername("bob", Optional.empty())).isEmpty();
    }

    @Test
    void wrongPasswordIsRejected() {
        AuthenticationResult r = login(realm(), "alice", "wrong");
        assertThat(r).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(((AuthenticationResult.Rejected) r).clientMessage()).isEqualTo("Invalid credentials");
        assertThat(context.users.findByUsername("alice", Optional.empty())).isEmpty();
    }

    @Test
    void unknownUserIsRejectedAfterASimulatedBindLikeAWrongPassword() throws Exception {
        LdapRealm realm = realm();
        directory.resetCounters();
        AuthenticationResult unknown = login(realm, "nobody", "some-pw");
        assertThat(unknown).isInstanceOf(AuthenticationResult.Rejected.class);
        // the same directory work as a wrong password: one search, one (failing) bind, one revert
        assertThat(directory.searches.get()).isEqualTo(1);
        assertThat(directory.binds.get()).isEqualTo(1);
        assertThat(directory.reverts.get()).isEqualTo(1);
        // ...and the bind goes to an entry that exists (by default the search base), as a wrong
        // password's does: a DN that does not exist is refused measurably faster
        assertThat(directory.bindNames).containsExactly(TestDirectory.BASE);
        assertThat(directory.server.getEntry(directory.bindNames.get(0))).isNotNull();

        directory.resetCounters();
        AuthenticationResult wrong = login(realm, "alice", "wrong");
        assertThat(wrong).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(directory.searches.get()).isEqualTo(1);
        assertThat(directory.binds.get()).isEqualTo(1);
        assertThat(directory.reverts.get()).isEqualTo(1);
        assertThat(((AuthenticationResult.Rejected) unknown).clientMessage())
                .isEqualTo(((AuthenticationResult.Rejected) wrong).clientMessage());
    }

    @Test
    void theSimulatedBindGoesToTheConfiguredDecoyEntry() throws Exception {
        directory.addPerson("gatehouse-decoy", "services", "an-unguessable-decoy-password");
        String decoy = "uid=gatehouse-decoy,ou=services," + TestDirectory.BASE;
        LdapRealm realm = realm(Map.of("simulatedBindDn", decoy));
        directory.resetCounters();
        for (String login : List.of("nobody", "*", "admin)(|(uid=*")) {
            assertThat(login(realm, login, "any-pw")).isInstanceOf(AuthenticationResult.Rejected.class);
        }
        assertThat(directory.bindNames).containsOnly(decoy).hasSize(3);
        // even the decoy's own password does not let an unknown login in: the answer is ignored
        assertThat(login(realm, "nobody", "an-unguessable-decoy-password")).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "   ", "\t", " \t\n "})
    void emptyOrBlankPasswordIsRefusedBeforeAnyServerIsContacted(String password) {
        LdapRealm realm = realm();
        directory.resetCounters();
        AuthenticationResult r = login(realm, "alice", password);
        assertThat(r).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(((AuthenticationResult.Rejected) r).reason()).contains("empty or blank password");
        assertThat(directory.operations()).isZero();
    }

    @Test
    void emptyPasswordIsRefusedEvenWhenTheDirectoryWouldCallItASuccessfulBind() throws Exception {
        // Prove the premise: the directory itself reports an empty-password bind as a success.
        try (LDAPConnection c = new LDAPConnection("127.0.0.1", directory.port)) {
            assertThat(c.bind(new SimpleBindRequest("", "")).getResultCode()).isEqualTo(ResultCode.SUCCESS);
        }
        assertThat(login(realm(), "alice", "")).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"*)(uid=*))(|(uid=*", "*", "admin)(|(uid=*", "alice)(uid=*", "a*", "*)(|(objectClass=*)",
            "alice\\", "(uid=alice)", "alice\u0000"})
    void filterInjectionFindsNoOne(String login) {
        LdapRealm realm = realm();
        // the password of a real user: an injection that matched anyone would let it through
        for (String pw : List.of("alice-pw", "admin-pw", "bob-pw")) {
            assertThat(login(realm, login, pw)).isInstanceOf(AuthenticationResult.Rejected.class);
        }
        assertThat(directory.searchFilters).allSatisfy(f -> assertThat(f).doesNotContain("(|(uid=").doesNotContain("=*)"));
    }

    @Test
    void filterArgumentsAreEscapedByRfc4515() {
        LdapRealm realm = realm();
        login(realm, "*)(uid=*))(|(uid=*", "x-pw");
        assertThat(directory.searchFilters).containsExactly("(uid=\\2a\\29\\28uid=\\2a\\29\\29\\28|\\28uid=\\2a)");
    }

    @Test
    void dnInjectionDoesNotReachAnotherEntry() {
        LdapRealm realm = realm();
        AuthenticationResult r = login(realm, "admin,ou=admins", "admin-pw");
        assertThat(r).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(directory.bindNames).noneMatch(dn -> dn.startsWith("uid=admin"));
        // and with the DN spelled out in full
        assertThat(login(realm, "uid=admin,ou=admins," + TestDirectory.BASE, "admin-pw"))
                .isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void nonUniqueResultIsRefusedAndLogged() throws Exception {
        directory.addPerson("carol", "admins", "carol-pw");
        directory.server.add("dn: uid=carol2,ou=people," + TestDirectory.BASE, "objectClass: inetOrgPerson",
                "uid: carol", "uid: carol2", "cn: carol", "sn: carol", "userPassword: carol-pw");
        LdapRealm realm = realm();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        AuthenticationResult r;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            r = login(realm, "carol", "carol-pw");
        } finally {
            System.setErr(original);
        }
        assertThat(r).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(((AuthenticationResult.Rejected) r).reason()).contains("non unique result");
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("non unique result found for username 'carol', try a fully qualified username");
        assertThat(log).doesNotContain("carol-pw");
        assertThat(directory.bindNames).noneMatch(dn -> dn.startsWith("uid=carol"));
    }

    @Test
    void groupSearchGroupsAreMappedToRoles() {
        LdapRealm realm = realm(Map.of("groupSearchFilter", "(&(objectClass=groupOfNames)(member={0}))",
                "groupSearchBase", "ou=groups," + TestDirectory.BASE, "groupNameProperty", "cn",
                "roleMapping.admins", "admin", "roleMapping.developers", "dev"));
        assertThat(identity(login(realm, "alice", "alice-pw")).roles()).containsExactlyInAnyOrder("admin", "dev");
        assertThat(identity(login(realm, "bob", "bob-pw")).roles()).containsExactly("dev");
        assertThat(directory.searchFilters).contains(
                "(&(objectClass=groupOfNames)(member=uid=alice,ou=people,dc=example,dc=org))");
    }

    @Test
    void roleMappingAcceptsAGroupDn() {
        LdapRealm realm = realm(Map.of("groupSearchFilter", "(member={0})",
                "roleMapping.cn\\=admins,ou\\=groups,dc\\=example,dc\\=org".replace("\\", ""), "admin"));
        assertThat(identity(login(realm, "alice", "alice-pw")).roles()).containsExactly("admin");
    }

    @Test
    void nestedGroupsAskActiveDirectoryForTheMatchingRuleInChain() {
        // The in-process server has no in-chain rule: answer it as a plain member search, as
        // Active Directory would for a user directly in the group.
        directory.rewriteFilter = f -> f.replace(":1.2.840.113556.1.4.1941:", "").replace("(objectClass=group)",
                "(objectClass=groupOfNames)");
        LdapRealm realm = realm(Map.of("nestedGroups", "true", "roleMapping.admins", "admin"));
        assertThat(identity(login(realm, "alice", "alice-pw")).roles()).containsExactly("admin");
        assertThat(directory.searchFilters).contains(
                "(&(objectClass=group)(member:1.2.840.113556.1.4.1941:=uid=alice,ou=people,dc=example,dc=org))");
    }

    @Test
    void exposedAttributesAreCopiedExceptExcludedAndSecretOnes() {
        LdapRealm realm = realm(Map.of("exposeAttributes", "*", "excludeAttributes", "telephoneNumber"));
        Map<String, String> attrs = identity(login(realm, "alice", "alice-pw")).attributes();
        assertThat(attrs).containsEntry("description", "person alice").containsEntry("mail", "alice@example.org");
        assertThat(attrs).doesNotContainKey("telephoneNumber").doesNotContainKey("userPassword");
    }

    @Test
    void onlyListedAttributesAreExposed() {
        LdapRealm realm = realm(Map.of("exposeAttributes", "telephoneNumber, userPassword"));
        Map<String, String> attrs = identity(login(realm, "alice", "alice-pw")).attributes();
        assertThat(attrs).containsOnlyKeys("telephoneNumber");
    }

    @Test
    void disabledUserIsRefused() {
        LdapRealm realm = realm(Map.of("cacheDuration", "0s"));
        Identity id = identity(login(realm, "alice", "alice-pw"));
        context.users.setDisabled(id.userId(), true);
        AuthenticationResult r = login(realm, "alice", "alice-pw");
        assertThat(r).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(((AuthenticationResult.Rejected) r).reason()).contains("disabled");
    }

    @Test
    void disabledUserIsRefusedEvenFromTheCache() {
        LdapRealm realm = realm(Map.of("cacheDuration", "10m"));
        Identity id = identity(login(realm, "alice", "alice-pw"));
        context.users.setDisabled(id.userId(), true);
        assertThat(login(realm, "alice", "alice-pw")).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(directory.binds.get()).isEqualTo(1);
    }

    @Test
    void withoutAutoCreateOnlyExistingUsersGetIn() {
        LdapRealm realm = realm(Map.of("autoCreateUsers", "false"));
        assertThat(login(realm, "alice", "alice-pw")).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(context.users.findByUsername("alice", Optional.empty())).isEmpty();
        context.users.create(NewUser.of("bob", UserType.LDAP));
        assertThat(identity(login(realm, "bob", "bob-pw")).username()).isEqualTo("bob");
    }

    @Test
    void cachedLoginDoesNotBindAgain() {
        LdapRealm realm = realm(Map.of("cacheDuration", "5m"));
        identity(login(realm, "alice", "alice-pw"));
        identity(login(realm, "alice", "alice-pw"));
        identity(login(realm, "alice", "alice-pw"));
        assertThat(directory.binds.get()).isEqualTo(1);
        assertThat(directory.searches.get()).isEqualTo(1);
    }

    @Test
    void aDifferentPasswordIsNeverAcceptedFromTheCache() {
        LdapRealm realm = realm(Map.of("cacheDuration", "5m"));
        identity(login(realm, "alice", "alice-pw"));
        for (String other : List.of("alice-pW", "alice-pw ", "alice-p", "x")) {
            assertThat(login(realm, "alice", other)).isInstanceOf(AuthenticationResult.Rejected.class);
        }
        assertThat(directory.binds.get()).isEqualTo(5); // every wrong password went to the directory
    }

    @Test
    void failuresAreNotCached() {
        LdapRealm realm = realm(Map.of("cacheDuration", "5m"));
        assertThat(login(realm, "alice", "wrong")).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(login(realm, "alice", "wrong")).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(directory.binds.get()).isEqualTo(2);
        identity(login(realm, "alice", "alice-pw"));
    }

    @Test
    void cacheEntriesExpireAfterCacheDuration() {
        LdapRealm realm = realm(Map.of("cacheDuration", "5m"));
        identity(login(realm, "alice", "alice-pw"));
        context.clock.advance(Duration.ofMinutes(4));
        identity(login(realm, "alice", "alice-pw"));
        assertThat(directory.binds.get()).isEqualTo(1);
        context.clock.advance(Duration.ofMinutes(1));
        identity(login(realm, "alice", "alice-pw"));
        assertThat(directory.binds.get()).isEqualTo(2);
    }

    @Test
    void aPasswordChangedInTheDirectoryStopsWorkingWithinCacheDuration() throws Exception {
        LdapRealm realm = realm(Map.of("cacheDuration", "5m"));
        identity(login(realm, "alice", "alice-pw"));
        // the password is changed in the directory; a wrong try does not touch the cached login
        directory.server.modify("dn: uid=alice,ou=people," + TestDirectory.BASE, "changetype: modify",
                "replace: userPassword", "userPassword: new-pw");
        assertThat(login(realm, "alice", "guess")).isInstanceOf(AuthenticationResult.Rejected.class);
        identity(login(realm, "alice", "new-pw")); // the new one works at once (and replaces the entry)
        assertThat(login(realm, "alice", "alice-pw")).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void theOldPasswordIsAcceptedFromTheCacheAtMostCacheDurationAfterTheChange() throws Exception {
        LdapRealm realm = realm(Map.of("cacheDuration", "5m"));
        identity(login(realm, "alice", "alice-pw"));
        directory.server.modify("dn: uid=alice,ou=people," + TestDirectory.BASE, "changetype: modify",
                "replace: userPassword", "userPassword: new-pw");
        context.clock.advance(Duration.ofMinutes(4));
        identity(login(realm, "alice", "alice-pw")); // the documented staleness bound
        context.clock.advance(Duration.ofMinutes(1));
        assertThat(login(realm, "alice", "alice-pw")).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void aWrongPasswordDoesNotTakeAwayTheCachedLoginWhileTheDirectoryIsDown() throws Exception {
        LdapRealm realm = realm(Map.of("cacheDuration", "5m"));
        identity(login(realm, "alice", "alice-pw"));
        // a typo just before the outage...
        assertThat(login(realm, "alice", "alice-pww")).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(directory.binds.get()).isEqualTo(2); // the typo went to the directory
        directory.stop();
        // ...and the right password still works from the cache while the directory is down
        identity(login(realm, "alice", "alice-pw"));
        assertThat(login(realm, "alice", "alice-pww")).isInstanceOf(AuthenticationResult.Unavailable.class);
        identity(login(realm, "alice", "alice-pw"));
        // within the cache's bound: after cacheDuration even alice needs the directory
        context.clock.advance(Duration.ofMinutes(5));
        assertThat(login(realm, "alice", "alice-pw")).isInstanceOf(AuthenticationResult.Unavailable.class);
        directory.start();
        identity(login(realm, "alice", "alice-pw"));
    }

    @Test
    void concurrentIdenticalLoginsShareOneDirectoryCheck() throws Exception {
        LdapRealm realm = realm(Map.of("cacheDuration", "5m", "readTimeout", "60s"));
        CountDownLatch hold = new CountDownLatch(1);
        directory.holdSearches = hold;
        int callers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<Thread> threads = new CopyOnWriteArrayList<>();
        try {
            List<Future<AuthenticationResult>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    threads.add(Thread.currentThread());
                    return login(realm, "alice", "alice-pw");
                }));
            }
            // wait until the leader's search is held (the leader waits for its answer) and every
            // other caller waits for the leader's outcome
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && !(threads.size() == callers && directory.searches.get() == 1
                    && threads.stream().filter(t -> t.getState() == Thread.State.TIMED_WAITING
                            || t.getState() == Thread.State.WAITING).count() == callers)) {
                Thread.sleep(10);
            }
            hold.countDown();
            directory.holdSearches = null;
            for (Future<AuthenticationResult> f : results) {
                identity(f.get(30, TimeUnit.SECONDS));
            }
        } finally {
            hold.countDown();
            pool.shutdownNow();
        }
        assertThat(directory.searches.get()).isEqualTo(1);
        assertThat(directory.binds.get()).isEqualTo(1);
        assertThat(context.users.list(0, 100)).hasSize(1);
    }

    @Test
    void aSmallPoolMakesConcurrentLoginsWaitInsteadOfFailing() throws Exception {
        for (int i = 0; i < 12; i++) {
            directory.addPerson("user" + i, "people", "pw-" + i);
        }
        // within the bound on logins waiting for the directory, a small pool queues them
        LdapRealm realm = realm(Map.of("poolSize", "1", "cacheDuration", "0s", "maxConcurrentLogins", "12"));
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<AuthenticationResult>> results = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String user = "user" + i;
                String pw = "pw-" + i;
                results.add(pool.submit(() -> login(realm, user, pw)));
            }
            for (Future<AuthenticationResult> f : results) {
                identity(f.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(directory.binds.get()).isEqualTo(12);
    }

    @Test
    void beyondMaxConcurrentLoginsAMissIsUnavailableAtOnceWhileCacheHitsGoOn() throws Exception {
        LdapRealm realm = realm(Map.of("maxConcurrentLogins", "2", "cacheDuration", "5m", "readTimeout", "60s"));
        identity(login(realm, "alice", "alice-pw")); // cached from now on
        directory.resetCounters();
        CountDownLatch hold = new CountDownLatch(1);
        directory.holdSearches = hold;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<AuthenticationResult> bob = pool.submit(() -> login(realm, "bob", "bob-pw"));
            Future<AuthenticationResult> admin = pool.submit(() -> login(realm, "admin", "admin-pw"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (directory.searches.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(realm.verifier().waitingLogins()).isEqualTo(2);

            // a third miss finds the bound taken: a 503 now, without waiting for the directory
            AuthenticationResult third = login(realm, "bob", "another-pw");
            assertThat(third).isInstanceOf(AuthenticationResult.Unavailable.class);
            assertThat(((AuthenticationResult.Unavailable) third).retryAfter()).isEqualTo(Duration.ofSeconds(7));
            assertThat(directory.searches.get()).isEqualTo(2);
            // a cache hit needs no directory and does not count against the bound
            identity(login(realm, "alice", "alice-pw"));

            hold.countDown();
            identity(bob.get(30, TimeUnit.SECONDS));
            identity(admin.get(30, TimeUnit.SECONDS));
        } finally {
            hold.countDown();
            directory.holdSearches = null;
            pool.shutdownNow();
        }
        assertThat(realm.verifier().waitingLogins()).isZero();
        identity(login(realm, "bob", "bob-pw"));
    }

    @Test
    void aHungDirectoryCostsOneReadTimeoutInTotalNotOnePerRetry() throws Exception {
        LdapRealm realm = realm(Map.of("readTimeout", "2s", "cacheDuration", "0s"));
        identity(login(realm, "alice", "alice-pw")); // the pools now hold live connections
        directory.resetCounters();
        CountDownLatch hold = new CountDownLatch(1);
        directory.holdSearches = hold; // the server takes searches and never answers them
        try {
            long start = System.nanoTime();
            AuthenticationResult r = login(realm, "bob", "bob-pw");
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r).isInstanceOf(AuthenticationResult.Unavailable.class);
            // the timed-out search was not retried on a fresh connection (that retry doubled the wait)
            assertThat(directory.searches.get()).isEqualTo(1);
            assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(1900)).isLessThan(Duration.ofMillis(3500));
        } finally {
            hold.countDown();
            directory.holdSearches = null;
        }
        awaitNoChecks(realm); // the check that timed out ends by itself at about the same deadline
        identity(login(realm, "bob", "bob-pw")); // and the realm recovers at once
    }

    /** Waits until the realm's directory checks whose callers gave up have ended. */
    private static void awaitNoChecks(LdapRealm realm) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (realm.verifier().runningChecks() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(realm.verifier().runningChecks()).isZero();
    }

    @Test
    void waitingForAPooledConnectionCountsAgainstTheSameReadTimeout() throws Exception {
        LdapRealm realm = realm(Map.of("readTimeout", "2s", "cacheDuration", "0s", "poolSize", "1",
                "maxConcurrentLogins", "4"));
        identity(login(realm, "alice", "alice-pw"));
        directory.resetCounters();
        CountDownLatch hold = new CountDownLatch(1);
        directory.holdSearches = hold;
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Duration>> waits = new ArrayList<>();
            for (String user : List.of("alice", "bob", "admin")) {
                waits.add(pool.submit(() -> {
                    long start = System.nanoTime();
                    assertThat(login(realm, user, user + "-pw")).isInstanceOf(AuthenticationResult.Unavailable.class);
                    return Duration.ofNanos(System.nanoTime() - start);
                }));
            }
            // one holds the only search connection; the others wait for it, within their own budget
            for (Future<Duration> w : waits) {
                assertThat(w.get(30, TimeUnit.SECONDS)).isLessThan(Duration.ofMillis(3500));
            }
        } finally {
            hold.countDown();
            directory.holdSearches = null;
            pool.shutdownNow();
        }
        awaitNoChecks(realm);
        identity(login(realm, "bob", "bob-pw"));
    }

    @Test
    void directoryDownIsUnavailableAndRecoversWhenItIsBack() throws Exception {
        LdapRealm realm = realm(Map.of("cacheDuration", "0s"));
        identity(login(realm, "alice", "alice-pw"));

        directory.stop();
        AuthenticationResult down = login(realm, "alice", "alice-pw");
        assertThat(down).isInstanceOf(AuthenticationResult.Unavailable.class);
        assertThat(((AuthenticationResult.Unavailable) down).retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(((AuthenticationResult.Unavailable) down).backend()).isEqualTo(directory.url());
        assertThat(login(realm, "alice", "wrong")).isInstanceOf(AuthenticationResult.Unavailable.class);

        directory.start();
        identity(login(realm, "alice", "alice-pw"));
        assertThat(login(realm, "alice", "wrong")).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void directoryDownAtStartIsUnavailableNotAConfigurationError() throws Exception {
        directory.stop();
        LdapRealm realm = realm();
        assertThat(login(realm, "alice", "alice-pw")).isInstanceOf(AuthenticationResult.Unavailable.class);
        directory.start();
        identity(login(realm, "alice", "alice-pw"));
    }

    @Test
    void failsOverWhenTheFirstUrlIsDead() throws Exception {
        int dead = TestDirectory.freePort();
        LdapRealm realm = realm(Map.of("url", "ldap://127.0.0.1:" + dead + "," + directory.url()));
        identity(login(realm, "alice", "alice-pw"));
        assertThat(login(realm, "alice", "wrong")).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void everyUrlDeadIsUnavailable() throws Exception {
        LdapRealm realm = realm(Map.of("url", "ldap://127.0.0.1:" + TestDirectory.freePort() + ",ldap://127.0.0.1:"
                + TestDirectory.freePort()));
        assertThat(login(realm, "alice", "alice-pw")).isInstanceOf(AuthenticationResult.Unavailable.class);
    }

    @Test
    void wrongServiceAccountPasswordIsUnavailableNotAUserError() {
        LdapRealm realm = realm(Map.of("systemPassword", "not-the-service-password"));
        assertThat(login(realm, "alice", "alice-pw")).isInstanceOf(AuthenticationResult.Unavailable.class);
    }

    @Test
    void aRealmBuiltWithTheBuilderLogsInLikeAConfiguredOne() {
        LdapRealm realm = context.builder()
                .url(directory.url())
                .searchBase(TestDirectory.BASE)
                .principalSearchFilter("(uid={0})")
                .systemUsername(TestDirectory.SERVICE_DN)
                .systemPassword(TestDirectory.SERVICE_PASSWORD.toCharArray())
                .groupSearchFilter("(&(objectClass=groupOfNames)(member={0}))")
                .roleMapping("admins", Set.of("admin"))
                .exposeAttributes(List.of("telephoneNumber"))
                .cacheDuration(Duration.ofMinutes(5))
                .build();
        realms.add(realm);
        Identity id = identity(login(realm, "alice", "alice-pw"));
        assertThat(id.roles()).containsExactly("admin");
        assertThat(id.attributes()).containsOnlyKeys("telephoneNumber");
        identity(login(realm, "alice", "alice-pw"));
        assertThat(directory.searches.get()).isEqualTo(2); // the user and the group search; then the cache
        assertThat(directory.binds.get()).isEqualTo(1);
        assertThat(login(realm, "alice", "wrong")).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void aUserDirectoryOutageIsUnavailableNeverARejectionAndRecovers() {
        FlakyUserDirectory users = new FlakyUserDirectory(UserDirectory.inMemory(context.clock));
        TestContext flaky = new TestContext(users);
        Map<String, String> s = directory.settings();
        s.put("cacheDuration", "5m");
        LdapRealm realm = flaky.realm(s);
        realms.add(realm);
        identity(login(realm, "alice", "alice-pw")); // cached from now on
        identity(login(realm, "alice", "alice-pw")); // and the record read back after the first login's write

        users.down = true;
        assertThat(login(realm, "alice", "alice-pw")).as("within the accounts' bound, the record read before")
                .isInstanceOf(AuthenticationResult.Authenticated.class);
        flaky.clock.advance(java.time.Duration.ofMillis(1001));
        // past it, a cached login and a first login that the directory confirms both need the user record
        AuthenticationResult cached = login(realm, "alice", "alice-pw");
        AuthenticationResult first = login(realm, "bob", "bob-pw");
        for (AuthenticationResult r : List.of(cached, first)) {
            assertThat(r).isInstanceOf(AuthenticationResult.Unavailable.class);
            assertThat(((AuthenticationResult.Unavailable) r).backend()).isEqualTo("user directory");
        }
        // a wrong password is still a wrong password: the LDAP directory refused it
        assertThat(login(realm, "alice", "wrong")).isInstanceOf(AuthenticationResult.Rejected.class);

        users.down = false;
        identity(login(realm, "alice", "alice-pw"));
        identity(login(realm, "bob", "bob-pw"));
    }

    @Test
    void readsOnlyBasicCredentials() {
        LdapRealm realm = realm();
        String basic = "Basic " + Base64.getEncoder().encodeToString("alice:alice-pw".getBytes(StandardCharsets.UTF_8));
        assertThat(realm.credentials(RequestView.builder().header("Authorization", basic).build()))
                .get().isInstanceOf(UsernamePassword.class);
        assertThat(realm.credentials(RequestView.builder().header("Authorization", "Bearer abc").build())).isEmpty();
        assertThat(realm.credentials(RequestView.builder().build())).isEmpty();
        assertThat(realm.authenticate(new TokenCredentials("abc"))).isEqualTo(AuthenticationResult.NotMine.instance());
        assertThat(realm.challenges()).containsExactly("Basic realm=\"ldap\", charset=\"UTF-8\"");
    }

    @Test
    void theRealmNeverWipesThePassword() {
        Password pw = Password.of("alice-pw");
        identity(realm().authenticate(new UsernamePassword("alice", pw)));
        assertThat(pw.revealChars()).containsExactly("alice-pw".toCharArray());
    }

    @Test
    void noPasswordEverReachesTheLog() throws Exception {
        LdapRealm realm = realm(Map.of("cacheDuration", "0s"));
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            login(realm, "alice", "Wrong-Pass-1");
            login(realm, "nobody", "Wrong-Pass-2");
            directory.stop();
            login(realm, "alice", "Wrong-Pass-3");
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("directory unavailable"); // the capture works
        assertThat(log).doesNotContain("Wrong-Pass").doesNotContain(TestDirectory.SERVICE_PASSWORD);
    }

    @Test
    void toStringShowsNoSecret() {
        assertThat(realm().toString()).doesNotContain(TestDirectory.SERVICE_PASSWORD).contains("<redacted>");
    }
}
