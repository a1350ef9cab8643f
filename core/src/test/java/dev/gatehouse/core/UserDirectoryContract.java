package dev.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.testing.MutableClock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What every {@link UserDirectory} promises; subclasses supply the directory. */
abstract class UserDirectoryContract {

    protected final MutableClock clock = MutableClock.atEpochOfTests();

    /** A fresh, empty directory (tables created). */
    protected abstract UserDirectory directory();

    /** A second directory over the same storage, standing for another node; the same one for in-memory. */
    protected UserDirectory anotherNode(UserDirectory first) {
        return first;
    }

    @Test
    void createdUserIsFoundByIdAndByUsernameCaseInsensitively() {
        UserDirectory users = directory();
        User created = users.create(NewUser.of("Alice", UserType.LDAP).withDomain("Corp.Example")
                .withDisplayName("Alice Liddell").withEmail("alice@corp.example").withRoles(Set.of("admin", "dev")));

        assertThat(created.username()).isEqualTo("alice");
        assertThat(created.domain()).hasValue("corp.example");
        assertThat(users.findById(created.id())).hasValue(created);
        assertThat(users.findByUsername("ALICE", Optional.of("CORP.example"))).hasValueSatisfying(u -> {
            assertThat(u.id()).isEqualTo(created.id());
            assertThat(u.type()).isEqualTo(UserType.LDAP);
            assertThat(u.displayName()).hasValue("Alice Liddell");
            assertThat(u.email()).hasValue("alice@corp.example");
            assertThat(u.roles()).containsExactlyInAnyOrder("admin", "dev");
            assertThat(u.disabled()).isFalse();
            assertThat(u.createdAt()).isEqualTo(clock.instant());
            assertThat(u.lastLoginAt()).isEmpty();
        });
        assertThat(users.findByUsername("alice", Optional.empty())).as("the domain is part of the name").isEmpty();
    }

    @Test
    void sameUsernameInAnotherDomainIsAnotherUser() {
        UserDirectory users = directory();
        User local = users.create(NewUser.of("bob", UserType.LOCAL));
        User corp = users.create(NewUser.of("bob", UserType.LDAP).withDomain("corp"));

        assertThat(local.id()).isNotEqualTo(corp.id());
        assertThat(users.findByUsername("bob", Optional.empty()).map(User::id)).hasValue(local.id());
        assertThat(users.findByUsername("bob", Optional.of("corp")).map(User::id)).hasValue(corp.id());
    }

    @Test
    void duplicateUsernameIsRefusedWhateverTheCase() {
        UserDirectory users = directory();
        users.create(NewUser.of("carol", UserType.LOCAL));

        assertThatThrownBy(() -> users.create(NewUser.of("CAROL", UserType.LOCAL)))
                .isInstanceOf(UserDirectory.DuplicateUserException.class)
                .hasMessage("User already exists: carol");
        assertThat(users.list(0, 10)).hasSize(1);
    }

    @Test
    void findOrCreateReturnsTheExistingUser() {
        UserDirectory users = directory();
        User first = users.findOrCreate(NewUser.of("dave", UserType.LDAP));
        User second = users.findOrCreate(NewUser.of("Dave", UserType.LDAP).withDisplayName("ignored"));

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.displayName()).isEmpty();
    }

    @Test
    void concurrentFirstLoginsCreateExactlyOneRecord() throws Exception {
        UserDirectory users = directory();
        UserDirectory other = anotherNode(users);
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<User>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                UserDirectory node = i % 2 == 0 ? users : other;
                String spelling = i % 3 == 0 ? "Erin" : "erin";
                Callable<User> login = () -> {
                    start.await();
                    return node.findOrCreate(NewUser.of(spelling, UserType.LDAP));
                };
                results.add(pool.submit(login));
            }
            start.countDown();
            Set<UUID> ids = new HashSet<>();
            for (Future<User> f : results) {
                ids.add(f.get(30, TimeUnit.SECONDS).id());
            }
            assertThat(ids).hasSize(1);
            assertThat(users.list(0, 100)).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void disablingAndEnablingIsStored() {
        UserDirectory users = directory();
        User u = users.create(NewUser.of("frank", UserType.LOCAL));

        assertThat(users.setDisabled(u.id(), true)).isTrue();
        assertThat(users.findById(u.id()).orElseThrow().disabled()).isTrue();
        assertThat(users.setDisabled(u.id(), false)).isTrue();
        assertThat(users.findById(u.id()).orElseThrow().disabled()).isFalse();
        assertThat(users.setDisabled(UUID.randomUUID(), true)).isFalse();
    }

    @Test
    void rolesProfileAndLoginTimeAreUpdated() {
        UserDirectory users = directory();
        User u = users.create(NewUser.of("grace", UserType.LOCAL).withRoles(Set.of("a")));

        assertThat(users.setRoles(u.id(), Set.of("b", "c"))).isTrue();
        assertThat(users.updateProfile(u.id(), Optional.of("Grace H"), Optional.of("grace@example.com"))).isTrue();
        clock.advance(Duration.ofHours(1));
        assertThat(users.recordLogin(u.id(), clock.instant())).isTrue();

        User after = users.findById(u.id()).orElseThrow();
        assertThat(after.roles()).containsExactlyInAnyOrder("b", "c");
        assertThat(after.displayName()).hasValue("Grace H");
        assertThat(after.email()).hasValue("grace@example.com");
        assertThat(after.lastLoginAt().map(t -> t.truncatedTo(ChronoUnit.MILLIS)))
                .hasValue(clock.instant().truncatedTo(ChronoUnit.MILLIS));
        assertThat(users.setRoles(UUID.randomUUID(), Set.of("x"))).isFalse();
    }

    @Test
    void directoryRolesAndGroupsAreKeptApartFromGrantedRoles() {
        UserDirectory users = directory();
        User bob = users.create(NewUser.of("bob", UserType.LDAP).withRoles(Set.of("auditor")));

        assertThat(users.setDirectoryMemberships(bob.id(), Set.of("admin"), Set.of("cn=ops,ou=groups,dc=corp"))).isTrue();
        assertThat(users.setRoles(bob.id(), Set.of("auditor", "reviewer"))).isTrue();

        User stored = anotherNode(users).findById(bob.id()).orElseThrow();
        assertThat(stored.roles()).containsExactlyInAnyOrder("auditor", "reviewer");
        assertThat(stored.directoryRoles()).containsExactly("admin");
        assertThat(stored.groups()).containsExactly("cn=ops,ou=groups,dc=corp");
        assertThat(stored.allRoles()).containsExactlyInAnyOrder("auditor", "reviewer", "admin");

        assertThat(users.setDirectoryMemberships(bob.id(), Set.of(), Set.of())).isTrue();
        User refreshed = anotherNode(users).findByUsername("BOB", Optional.empty()).orElseThrow();
        assertThat(refreshed.directoryRoles()).as("a refresh replaces the directory's roles").isEmpty();
        assertThat(refreshed.groups()).isEmpty();
        assertThat(refreshed.roles()).as("and never a granted one").containsExactlyInAnyOrder("auditor", "reviewer");
        assertThat(users.setDirectoryMemberships(UUID.randomUUID(), Set.of("admin"), Set.of())).isFalse();
    }

    @Test
    void everyChangeButALoginTimeIsAnnouncedToListeners() {
        UserDirectory users = directory();
        List<UUID> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        users.addChangeListener(heard::add);
        User carol = users.create(NewUser.of("carol", UserType.LOCAL));

        users.recordLogin(carol.id(), clock.instant());
        assertThat(heard).isEmpty();
        users.setDisabled(carol.id(), true);
        users.setRoles(carol.id(), Set.of("x"));
        users.setDirectoryMemberships(carol.id(), Set.of("y"), Set.of());
        users.updateProfile(carol.id(), Optional.of("Carol"), Optional.empty());
        users.delete(carol.id());
        users.setDisabled(carol.id(), false); // no such user any more: nothing changed

        assertThat(heard).hasSize(5).containsOnly(carol.id());
    }

    @Test
    void deletedUserIsGoneAndItsNameFree() {
        UserDirectory users = directory();
        User u = users.create(NewUser.of("heidi", UserType.LOCAL).withRoles(Set.of("r")));

        assertThat(users.delete(u.id())).isTrue();
        assertThat(users.findById(u.id())).isEmpty();
        assertThat(users.findByUsername("heidi", Optional.empty())).isEmpty();
        assertThat(users.delete(u.id())).isFalse();
        assertThat(users.create(NewUser.of("heidi", UserType.LOCAL)).id()).isNotEqualTo(u.id());
    }

    @Test
    void listPagesInUsernameOrderWithRolesIntact() {
        UserDirectory users = directory();
        for (String name : List.of("mallory", "ivan", "judy", "ken", "leo")) {
            users.create(NewUser.of(name, UserType.LOCAL).withRoles(Set.of("r1", "r2", "r3")));
        }

        List<User> page1 = users.list(0, 2);
        List<User> page2 = users.list(2, 2);
        List<User> page3 = users.list(4, 2);

        assertThat(page1).extracting(User::username).containsExactly("ivan", "judy");
        assertThat(page2).extracting(User::username).containsExactly("ken", "leo");
        assertThat(page3).extracting(User::username).containsExactly("mallory");
        assertThat(page1).allSatisfy(u -> assertThat(u.roles()).hasSize(3));
    }

    @Test
    void invalidNamesAreRefusedAndNeverFound() {
        UserDirectory users = directory();

        assertThatThrownBy(() -> users.create(NewUser.of("  ", UserType.LOCAL)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("username must not be blank");
        assertThatThrownBy(() -> users.create(NewUser.of("a\nb", UserType.LOCAL)))
                .hasMessage("username contains a control character");
        assertThatThrownBy(() -> users.create(NewUser.of("x".repeat(256), UserType.LOCAL)))
                .hasMessage("username is longer than 255 characters");
        assertThat(users.findByUsername("", Optional.empty())).isEmpty();
    }
}
