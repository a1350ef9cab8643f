package dev.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.testing.H2Database;
import dev.gatehouse.core.testing.MutableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: a repeat caller costs no user-directory round trip; issue 17: what changed is seen at
 * once on the node that changed it (the directory tells the accounts) and within the revocation
 * bound on another node sharing the database.
 */
class AccountsCacheTest {

    private final MutableClock clock = MutableClock.atEpochOfTests();
    private final AtomicLong nanos = new AtomicLong();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    /** {@code users}, counting every call by method name. */
    private UserDirectory counting(UserDirectory users) {
        return (UserDirectory) Proxy.newProxyInstance(UserDirectory.class.getClassLoader(),
                new Class<?>[] {UserDirectory.class}, (proxy, method, args) -> {
                    calls.computeIfAbsent(method.getName(), k -> new AtomicInteger()).incrementAndGet();
                    try {
                        return method.invoke(users, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private int reads() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum() - count("addChangeListener");
    }

    private int count(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    private static Identity identity(AuthenticationResult r) {
        assertThat(r).isInstanceOf(AuthenticationResult.Authenticated.class);
        return ((AuthenticationResult.Authenticated) r).identity();
    }

    private static final ExternalUser ALICE = ExternalUser.of("alice", UserType.LDAP).withRoles(Set.of("admin"))
            .withGroups(Set.of("cn=admins,dc=corp"));

    @Test
    void aRepeatLoginAndARepeatIdentifyAskTheDirectoryNothing() {
        Accounts accounts = new Accounts(counting(UserDirectory.inMemory(clock)), clock, Duration.ofSeconds(1), nanos::get);
        UUID alice = identity(accounts.signIn("corp", ALICE, true)).userId();
        identity(accounts.signIn("corp", ALICE, true)); // the first login wrote: this one reads it back once
        identity(accounts.identify("apikey", alice));
        calls.clear();

        for (int i = 0; i < 100; i++) {
            assertThat(identity(accounts.signIn("corp", ALICE, true)).roles()).containsExactly("admin");
            assertThat(identity(accounts.identify("apikey", alice)).roles()).containsExactly("admin");
        }

        assertThat(reads()).isZero();
    }

    @Test
    void aLoginTimeIsWrittenAtMostOncePerInterval() {
        Accounts accounts = new Accounts(counting(UserDirectory.inMemory(clock)), clock, Duration.ofHours(1), nanos::get);
        accounts.signIn("corp", ALICE, true);
        calls.clear();

        clock.advance(Duration.ofSeconds(30));
        accounts.signIn("corp", ALICE, true);
        assertThat(count("recordLogin")).isZero();
        clock.advance(Accounts.LOGIN_WRITE_INTERVAL);
        accounts.signIn("corp", ALICE, true);
        accounts.signIn("corp", ALICE, true);
        assertThat(count("recordLogin")).isEqualTo(1);
    }

    @Test
    void aChangeThroughTheSameDirectoryIsSeenAtOnce() {
        UserDirectory users = UserDirectory.inMemory(clock);
        Accounts accounts = new Accounts(users, clock, Duration.ofHours(1), nanos::get);
        UUID alice = identity(accounts.signIn("corp", ALICE, true)).userId();

        users.setRoles(alice, Set.of("auditor"));
        assertThat(identity(accounts.identify("apikey", alice)).roles()).containsExactlyInAnyOrder("admin", "auditor");
        users.setDisabled(alice, true);
        assertThat(accounts.identify("apikey", alice)).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(accounts.signIn("corp", ALICE, true)).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void aChangeMadeOnAnotherNodeIsSeenWithinTheBound() {
        DataSource db = H2Database.create();
        SchemaMigrations.apply(db, "core");
        Accounts here = new Accounts(UserDirectory.jdbc(db, clock), clock, Duration.ofSeconds(1), nanos::get);
        UserDirectory otherNode = UserDirectory.jdbc(db, clock);
        UUID alice = identity(here.signIn("corp", ALICE, true)).userId();
        identity(here.identify("apikey", alice));

        otherNode.setDisabled(alice, true);
        nanos.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(here.identify("apikey", alice)).as("within the bound").isInstanceOf(AuthenticationResult.Authenticated.class);
        nanos.addAndGet(Duration.ofMillis(2).toNanos());

        assertThat(here.identify("apikey", alice)).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(here.signIn("corp", ALICE, true)).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void directoryRolesAreReplacedAtEachLoginAndGrantedRolesKept() {
        UserDirectory users = UserDirectory.inMemory(clock);
        Accounts accounts = new Accounts(users, clock, Duration.ofHours(1), nanos::get);
        UUID alice = identity(accounts.signIn("corp", ALICE, true)).userId();
        users.setRoles(alice, Set.of("auditor"));

        Identity later = identity(accounts.signIn("corp", ALICE.withRoles(Set.of("dev")).withGroups(Set.of()), true));

        assertThat(later.roles()).containsExactlyInAnyOrder("dev", "auditor");
        User stored = users.findById(alice).orElseThrow();
        assertThat(stored.directoryRoles()).containsExactly("dev");
        assertThat(stored.groups()).isEmpty();
        assertThat(stored.roles()).containsExactly("auditor");
        assertThat(identity(accounts.identify("apikey", alice)).roles()).isEqualTo(later.roles());
    }

    @Test
    void aWriteDuringALoginDropsTheCachedRecordInsteadOfStretchingItsAge() {
        DataSource db = H2Database.create();
        SchemaMigrations.apply(db, "core");
        Accounts here = new Accounts(UserDirectory.jdbc(db, clock), clock, Duration.ofSeconds(1), nanos::get);
        UUID alice = identity(here.signIn("corp", ALICE, true)).userId();
        identity(here.signIn("corp", ALICE, true)); // cached from now on
        UserDirectory.jdbc(db, clock).setDisabled(alice, true); // on another node

        nanos.addAndGet(Duration.ofMillis(900).toNanos());
        clock.advance(Accounts.LOGIN_WRITE_INTERVAL); // this login writes its time, from the cached record
        assertThat(here.signIn("corp", ALICE, true)).as("still within the bound")
                .isInstanceOf(AuthenticationResult.Authenticated.class);
        nanos.addAndGet(Duration.ofMillis(200).toNanos()); // 1.1 s after the record was read

        assertThat(here.signIn("corp", ALICE, true)).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void aRepeatSignInIsDecidedAnewForAnotherRealmOrAnythingElseTheLoginNowSays() {
        UserDirectory users = UserDirectory.inMemory(clock);
        Accounts accounts = new Accounts(counting(users), clock, Duration.ofHours(1), nanos::get);
        ExternalUser withDn = ALICE.withAttributes(Map.of("dn", "uid=alice,dc=corp"));
        Identity first = identity(accounts.signIn("corp", withDn, true));
        identity(accounts.signIn("corp", withDn, true)); // read back after the first login's writes
        Identity again = identity(accounts.signIn("corp", withDn, true));
        assertThat(again).isEqualTo(identity(accounts.signIn("corp", withDn, true)));
        assertThat(again.userId()).isEqualTo(first.userId());

        assertThat(identity(accounts.signIn("ad", withDn, true)).realm()).isEqualTo("ad");
        assertThat(identity(accounts.signIn("corp", ALICE, true)).attributes()).isEmpty();
        assertThat(identity(accounts.signIn("corp", withDn, true)).attributes()).containsEntry("dn", "uid=alice,dc=corp");

        calls.clear();
        Identity renamed = identity(accounts.signIn("corp", withDn.withDisplayName("Alice Liddell"), true));
        assertThat(renamed.displayName()).hasValue("Alice Liddell");
        assertThat(count("updateProfile")).isEqualTo(1);
        Identity demoted = identity(accounts.signIn("corp", withDn.withRoles(Set.of()), true));
        assertThat(demoted.roles()).isEmpty();
        assertThat(users.findById(first.userId()).orElseThrow().directoryRoles()).isEmpty();
        assertThat(identity(accounts.signIn("corp", withDn, true)).roles()).containsExactly("admin");
    }

    @Test
    void aRepeatSignInOfADisabledOrDeletedUserIsRefusedAtOnce() {
        UserDirectory users = UserDirectory.inMemory(clock);
        Accounts accounts = new Accounts(users, clock, Duration.ofHours(1), nanos::get);
        UUID alice = identity(accounts.signIn("corp", ALICE, true)).userId();
        identity(accounts.signIn("corp", ALICE, true));
        identity(accounts.signIn("corp", ALICE, true));

        users.setDisabled(alice, true);
        assertThat(accounts.signIn("corp", ALICE, true)).isInstanceOf(AuthenticationResult.Rejected.class);
        users.setDisabled(alice, false);
        identity(accounts.signIn("corp", ALICE, true));
        identity(accounts.signIn("corp", ALICE, true));

        users.delete(alice);
        assertThat(accounts.signIn("corp", ALICE, false)).isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(identity(accounts.signIn("corp", ALICE, true)).userId()).as("a new record").isNotEqualTo(alice);
    }

    @Test
    void aZeroBoundReadsEveryTime() {
        Accounts accounts = new Accounts(counting(UserDirectory.inMemory(clock)), clock, Duration.ZERO, nanos::get);
        UUID alice = identity(accounts.signIn("corp", ALICE, true)).userId();
        calls.clear();

        accounts.identify("apikey", alice);
        accounts.identify("apikey", alice);

        assertThat(count("findById")).isEqualTo(2);
    }
}
