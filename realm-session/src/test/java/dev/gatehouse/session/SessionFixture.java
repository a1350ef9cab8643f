package dev.gatehouse.session;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.TokenCredentials;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * One node of a host for tests: a user directory, a process store, a clock and a Gatehouse with a
 * session realm named {@code session}.
 */
final class SessionFixture {

    static final String HEADER = "X-Concord-SessionToken";
    static final byte[] KEY_1 = randomKey();
    static final byte[] KEY_2 = randomKey();

    final MutableClock clock;
    final UserDirectory users;
    final ProcessStore store;
    final Gatehouse gatehouse;
    final SessionTokens tokens;
    final Realm realm;

    SessionFixture(MutableClock clock, UserDirectory users, ProcessStore store, Map<String, String> settings) {
        this.clock = clock;
        this.users = users;
        this.store = store;
        this.gatehouse = Gatehouse.builder()
                .users(users)
                .clock(clock)
                .throttling(Throttling.disabled())
                .service(ProcessRegistry.class, store)
                .realm("session", "session", settings)
                .build();
        this.tokens = SessionTokens.of(gatehouse);
        this.realm = gatehouse.realms().get(0);
    }

    /** An in-memory node with one key {@code k1}. */
    static SessionFixture inMemory() {
        return inMemory(settings());
    }

    static SessionFixture inMemory(Map<String, String> settings) {
        MutableClock clock = MutableClock.startingNow();
        return new SessionFixture(clock, UserDirectory.inMemory(clock), ProcessStore.builder().inMemory(), settings);
    }

    /** Settings with key {@code k1} (and any extra pairs). */
    static Map<String, String> settings(String... extra) {
        Map<String, String> s = new HashMap<>();
        s.put("keys.k1", b64(KEY_1));
        for (int i = 0; i < extra.length; i += 2) {
            if (extra[i + 1] == null) {
                s.remove(extra[i]);
            } else {
                s.put(extra[i], extra[i + 1]);
            }
        }
        return s;
    }

    static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    User user(String name) {
        return users.create(new NewUser(name, Optional.empty(), UserType.LOCAL, Optional.empty(), Optional.empty(),
                Set.of("process-runner")));
    }

    /** Registers a RUNNING process of a new user and returns it. */
    ProcessRef runningProcess(User owner) {
        ProcessRef ref = new ProcessRef(UUID.randomUUID(), "acme", Optional.of("payments"));
        store.register(ref, owner.id(), "RUNNING");
        return ref;
    }

    AuthenticationResult authenticate(String token) {
        RequestView request = RequestView.builder().header(HEADER, token).build();
        return realm.credentials(request).map(realm::authenticate).orElseThrow();
    }

    /** What the realm does with credentials it did not read itself: nothing. */
    AuthenticationResult authenticateForeign(String token) {
        return realm.authenticate(new TokenCredentials(token));
    }
}
