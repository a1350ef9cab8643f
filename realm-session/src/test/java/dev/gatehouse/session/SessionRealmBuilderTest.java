package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Decision;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.testing.MutableClock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * {@link SessionRealm.Builder}, the public way to make a session realm: every setter fails fast
 * with a message that starts with the setting's name (the {@code realm.<name>.<key>} key), and a
 * realm it builds works in a Gatehouse, where the host finds it with {@code realm(Class)}.
 */
class SessionRealmBuilderTest {

    private final MutableClock clock = MutableClock.atEpochOfTests();
    private final UserDirectory users = UserDirectory.inMemory(clock);
    private final ProcessStore store = ProcessStore.inMemory();

    private SessionRealm.Builder builder() {
        return SessionRealm.builder("session", store, users).clock(clock);
    }

    private static void refused(ThrowingCallable call, String startsWith) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(startsWith);
    }

    @Test
    void everySetterNamesItsSettingFirst() {
        refused(() -> builder().key("k1", new byte[16]), "keys.k1: the key is 128 bits");
        refused(() -> builder().key("k 1", SessionFixture.KEY_1), "keys.k 1: a key id is");
        refused(() -> builder().key("k1", SessionFixture.KEY_1).key("k1", SessionFixture.KEY_2), "keys.k1: was already");
        refused(() -> builder().issuingKey(" "), "issuingKey must name");
        refused(() -> builder().header("Authorization"), "header must be");
        refused(() -> builder().header("X Session"), "header must be");
        refused(() -> builder().maxLifetime(Duration.ofSeconds(59)), "maxLifetime must be between");
        refused(() -> builder().maxLifetime(Duration.ofDays(367)), "maxLifetime must be between");
        refused(() -> builder().clockSkew(Duration.ofSeconds(-1)), "clockSkew must be between");
        refused(() -> builder().revocationBound(Duration.ofMinutes(2)), "revocationBound must be between 0 and 1 minute");
        refused(() -> builder().revocationBound(Duration.ofNanos(-1)), "revocationBound must be between");
        refused(() -> builder().cacheSize(-1), "cacheSize must be between");
        refused(() -> builder().concordTokens(new byte[0], new byte[1]), "concord.secretStoreSalt must not be empty");
        refused(() -> builder().concordTokens(new byte[1], new byte[0]), "concord.serverPassword must not be empty");
    }

    @Test
    void buildNeedsAKeyAndAnIssuingKeyAmongSeveral() {
        refused(() -> builder().build(), "keys.<id>: at least one key is required");
        refused(() -> builder().key("k1", SessionFixture.KEY_1).key("k2", SessionFixture.KEY_2).build(),
                "issuingKey is required when more than one key is configured; one of [k1, k2]");
        refused(() -> builder().key("k1", SessionFixture.KEY_1).issuingKey("k9").build(),
                "issuingKey 'k9' is not one of the configured keys [k1]");
    }

    @Test
    void messagesNeverCarryKeyMaterial() {
        byte[] shortKey = new byte[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};
        assertThatThrownBy(() -> builder().key("k1", shortKey))
                .hasMessageNotContaining(SessionFixture.b64(shortKey));
        SessionRealm.Builder b = builder().key("k1", SessionFixture.KEY_1);
        assertThat(b.toString()).doesNotContain(SessionFixture.b64(SessionFixture.KEY_1));
        assertThat(b.build().toString()).doesNotContain(SessionFixture.b64(SessionFixture.KEY_1));
    }

    @Test
    void theKeyBytesAreCopied() {
        byte[] key = SessionFixture.KEY_1.clone();
        SessionRealm.Builder b = builder().key("k1", key);
        key[0] ^= 1; // the caller wipes or reuses its array
        SessionRealm realm = b.build();
        User alice = users.create(NewUser.of("alice", UserType.LOCAL));
        ProcessRef p = new ProcessRef(UUID.randomUUID(), "acme", Optional.empty());
        store.register(p, alice.id(), "RUNNING");
        String token = realm.tokens().issue(p.id());
        SessionRealm sameKey = SessionRealm.builder("session", store, users).clock(clock)
                .key("k1", SessionFixture.KEY_1).build();
        assertThat(sameKey.authenticate(sameKey.credentials(RequestView.builder()
                .header(SessionFixture.HEADER, token).build()).orElseThrow()))
                .isInstanceOf(AuthenticationResult.Authenticated.class);
    }

    @Test
    void aBuiltRealmIsFoundInItsGatehouseAndAuthenticatesThere() {
        SessionRealm realm = builder().key("k1", SessionFixture.KEY_1).header("X-Process-Token").acceptBasic(false).build();
        Gatehouse g = Gatehouse.builder().users(users).clock(clock).realm(realm).build();
        assertThat(g.realm(SessionRealm.class)).containsSame(realm);
        assertThat(realm.name()).isEqualTo("session");
        assertThat(realm.credentialHeaders()).containsExactly("X-Process-Token");
        assertThat(realm.processStore()).containsSame(store);

        User alice = users.create(NewUser.of("alice", UserType.LOCAL));
        ProcessRef p = new ProcessRef(UUID.randomUUID(), "acme", Optional.empty());
        store.register(p, alice.id(), "RUNNING");
        Decision d = g.authenticate(RequestView.builder().header("X-Process-Token", realm.tokens().issue(p.id())).build(),
                AuthenticationMode.REQUIRED);
        assertThat(d).isInstanceOf(Decision.Authenticated.class);
        assertThat(((Decision.Authenticated) d).identity().process()).contains(p);
    }

    @Test
    void aRegistryThatIsNoStoreIsNotOfferedAsOne() {
        ProcessRegistry registry = id -> Optional.empty();
        SessionRealm realm = SessionRealm.builder("session", registry, users).key("k1", SessionFixture.KEY_1).build();
        assertThat(realm.processStore()).isEmpty();
    }

    @Test
    void requiredArgumentsAreChecked() {
        Consumer<ThrowingCallable> npe = c -> assertThatThrownBy(c).isInstanceOf(NullPointerException.class);
        npe.accept(() -> SessionRealm.builder(null, store, users));
        npe.accept(() -> SessionRealm.builder("session", null, users));
        npe.accept(() -> SessionRealm.builder("session", store, null));
        npe.accept(() -> builder().clock(null));
        npe.accept(() -> builder().ticker(null));
        npe.accept(() -> builder().refreshExecutor(null));
    }
}
