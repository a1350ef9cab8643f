package dev.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.apikey.ApiKeyException.Reason;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Authorization;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.Permission;
import dev.gatehouse.core.PermissionDeniedException;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.audit.AuditEvent;
import dev.gatehouse.core.audit.AuditQuery;
import dev.gatehouse.core.audit.AuditRecord;
import dev.gatehouse.core.audit.AuditTrail;
import dev.gatehouse.core.testing.MutableClock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scoped keys: what a key may do is at most what its owner may, and creating one needs apikey:manage. */
class ScopedApiKeyTest {

    private static final Permission DEPLOY = Permission.of("deploy:run");

    /** A host's rule: admins hold everything, "deployer"s also deploy:run, everybody secret:read and apikey:manage. */
    private static final ApiKeyPermissions HOST = new ApiKeyPermissions() {
        private final ApiKeyPermissions who = ApiKeyPermissions.adminRole("admin");

        @Override
        public boolean mayManageKeysOf(Identity caller, UUID owner) {
            return who.mayManageKeysOf(caller, owner);
        }

        @Override
        public boolean mayChooseKeyValue(Identity caller, UUID owner) {
            return who.mayChooseKeyValue(caller, owner);
        }

        @Override
        public Set<Permission> permissionsOf(Identity user) {
            if (user.hasRole("admin")) {
                return Set.of(Permission.ALL);
            }
            return user.hasRole("deployer") ? Set.of(Permission.SECRET_READ, Permission.APIKEY_MANAGE, DEPLOY)
                    : Set.of(Permission.SECRET_READ, Permission.APIKEY_MANAGE);
        }
    };

    private final MutableClock time = MutableClock.atEpochOfTests();
    private final UserDirectory users = UserDirectory.inMemory(time);
    private final User alice = users.create(NewUser.of("alice", UserType.LOCAL).withRoles(Set.of("deployer")));
    private final User bob = users.create(NewUser.of("bob", UserType.LOCAL));
    private final User root = users.create(NewUser.of("root", UserType.LOCAL).withRoles(Set.of("admin")));
    private final AuditTrail audit = AuditTrail.inMemory();
    private final ApiKeyRealm realm = ApiKeyRealm.builder("apikey", ApiKeyStore.inMemory(), users).clock(time)
            .ticker(ClockTicker.of(time)).permissions(HOST).audit(audit).build();
    private final ApiKeyService keys = realm.keys();

    @AfterEach
    void close() {
        realm.close();
    }

    private static Identity as(User user) {
        return Identity.of(user, "test");
    }

    private Identity verified(String key) {
        AuthenticationResult r = keys.verify(key);
        assertThat(r).isInstanceOf(AuthenticationResult.Authenticated.class);
        return ((AuthenticationResult.Authenticated) r).identity();
    }

    @Test
    void identityOfAScopedKeyCarriesItsScopesAndHostChecksSeeThem() {
        IssuedApiKey issued = keys.create(as(alice), NewApiKey.forUser(alice.id()).withScopes(Set.of(Permission.SECRET_READ)));
        assertThat(issued.metadata().scopes()).contains(Set.of(Permission.SECRET_READ));
        Identity identity = verified(issued.revealKey());
        assertThat(identity.scopes()).contains(Set.of(Permission.SECRET_READ));
        Authorization.require(identity, Permission.SECRET_READ);
        assertThatThrownBy(() -> Authorization.require(identity, Permission.SECRET_WRITE))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("secret:write");
        assertThat(verified(issued.revealKey()).scopes()).as("the cached path carries them too")
                .contains(Set.of(Permission.SECRET_READ));
    }

    @Test
    void unscopedKeyKeepsTodaysBehaviour() {
        IssuedApiKey issued = keys.create(as(bob), NewApiKey.forUser(bob.id()));
        assertThat(issued.metadata().scopes()).isEmpty();
        Identity identity = verified(issued.revealKey());
        assertThat(identity.scopes()).isEmpty();
        assertThat(identity.permits(Permission.SECRET_WRITE)).isTrue();
    }

    @Test
    void aScopeTheOwnerLacksIsRefusedAtCreation() {
        assertThatThrownBy(() -> keys.create(as(bob), NewApiKey.forUser(bob.id()).withScopes(Set.of(DEPLOY))))
                .isInstanceOfSatisfying(ApiKeyException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN);
                    assertThat(e.getMessage()).contains("deploy:run");
                });
        assertThatThrownBy(() -> keys.create(as(root), NewApiKey.forUser(bob.id()).withScopes(Set.of(DEPLOY))))
                .as("an admin cannot give bob's key what bob lacks").isInstanceOfSatisfying(ApiKeyException.class,
                        e -> assertThat(e.getMessage()).contains("deploy:run").contains("bob"));
        assertThat(keys.list(as(root), bob.id())).isEmpty();
    }

    @Test
    void aScopedCallerCannotGiveAKeyMoreThanItsOwnScopes() {
        Identity scoped = verified(keys.create(as(alice), NewApiKey.forUser(alice.id())
                .withScopes(Set.of(Permission.APIKEY_MANAGE, Permission.SECRET_READ))).revealKey());
        assertThatThrownBy(() -> keys.create(scoped, NewApiKey.forUser(alice.id()).withScopes(Set.of(DEPLOY))))
                .isInstanceOfSatisfying(ApiKeyException.class, e -> assertThat(e.getMessage()).contains("deploy:run"));
        IssuedApiKey inherited = keys.create(scoped, NewApiKey.forUser(alice.id()));
        assertThat(inherited.metadata().scopes()).as("an unscoped request from a scoped key inherits its scopes")
                .contains(Set.of(Permission.APIKEY_MANAGE, Permission.SECRET_READ));
    }

    @Test
    void creatingAKeyNeedsApikeyManage() {
        Identity readOnly = verified(keys.create(as(alice), NewApiKey.forUser(alice.id())
                .withScopes(Set.of(Permission.SECRET_READ))).revealKey());
        assertThatThrownBy(() -> keys.create(readOnly, NewApiKey.forUser(alice.id())))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("apikey:manage");
        Identity process = as(alice).toBuilder().process(new ProcessRef(UUID.randomUUID(), "Default", Optional.empty()))
                .scopes(Set.of(Permission.SECRET_READ)).build();
        assertThatThrownBy(() -> keys.create(process, NewApiKey.forUser(alice.id())))
                .isInstanceOf(PermissionDeniedException.class);
        assertThat(keys.list(as(alice), alice.id())).hasSize(1);
    }

    @Test
    void anOwnerWhoLosesARightLosesItOnTheKeyWithinTheBound() {
        IssuedApiKey issued = keys.create(as(alice), NewApiKey.forUser(alice.id()).withScopes(Set.of(DEPLOY,
                Permission.SECRET_READ)));
        assertThat(verified(issued.revealKey()).permits(DEPLOY)).isTrue();
        users.setRoles(alice.id(), Set.of());
        time.advance(Duration.ofSeconds(2)); // past the revocation bound
        Identity later = null;
        for (int i = 0; i < 50 && (later == null || later.permits(DEPLOY)); i++) {
            later = verified(issued.revealKey());
            time.advance(Duration.ofMillis(100));
        }
        assertThat(later.permits(DEPLOY)).isFalse();
        assertThat(later.permits(Permission.SECRET_READ)).isTrue();
    }

    @Test
    void createRevokeAndExpireAreAuditedOnceWithTheActorAndNoKey() {
        IssuedApiKey issued = keys.create(as(alice), NewApiKey.forUser(alice.id()).withName("ci-key"));
        IssuedApiKey shortLived = keys.create(as(root), NewApiKey.forUser(bob.id())
                .withExpiry(time.instant().plus(Duration.ofMinutes(1))));
        assertThat(keys.revoke(as(alice), issued.metadata().id())).isTrue();
        time.advance(Duration.ofMinutes(2));
        assertThat(keys.deleteExpired()).isEqualTo(1);
        var all = audit.query(AuditQuery.all()).records();
        assertThat(all).extracting(r -> r.event().action()).containsExactly(AuditEvent.APIKEY_EXPIRE,
                AuditEvent.APIKEY_REVOKE, AuditEvent.APIKEY_CREATE, AuditEvent.APIKEY_CREATE);
        AuditRecord created = all.get(3);
        assertThat(created.event().actor().orElseThrow().username()).isEqualTo("alice");
        assertThat(created.event().target()).contains("apikey:" + issued.metadata().id());
        assertThat(all.get(2).event().actor().orElseThrow().username()).isEqualTo("root");
        assertThat(all.get(0).event().actor()).isEmpty();
        assertThat(all.get(0).event().target()).contains("apikey:" + shortLived.metadata().id());
        assertThat(all.toString()).doesNotContain(issued.revealKey()).doesNotContain(shortLived.revealKey());
    }
}
