package dev.gatehouse.session;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.TokenCredentials;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * One node of a host for tests: a user directory, a process store, a clock and a Gatehouse with a
 * session realm named {@code session}, either configured through settings (the provider) or built
 * with {@link SessionRealm#builder}, aged by a ticker that follows the clock and refreshing on
 * {@link #refreshes}, which runs only when a test says so.
 */
final class SessionFixture {

    static final String HEADER = SessionRealm.DEFAULT_HEADER;
    static final byte[] KEY_1 = randomKey();
    static final byte[] KEY_2 = randomKey();

    final MutableClock clock;
    final UserDirectory users;
    final ProcessStore store;
    final Gatehouse gatehouse;
    final SessionRealm realm;
    final SessionTokens tokens;
    final ManualExecutor refreshes;

    private SessionFixture(MutableClock clock, UserDirectory users, ProcessStore store, Gatehouse gatehouse,
            ManualExecutor refreshes) {
        this.clock = clock;
        this.users = users;
        this.store = store;
        this.gatehouse = gatehouse;
        this.realm = gatehouse.realm(SessionRealm.class).orElseThrow();
        this.tokens = realm.tokens();
        this.refreshes = refreshes;
    }

    /** A node whose realm is configured with {@code settings} through the provider (real ticker). */
    SessionFixture(MutableClock clock, UserDirectory users, ProcessStore store, Map<String, String> settings) {
        this(clock, users, store, Gatehouse.builder()
                .users(users)
                .clock(clock)
                .throttling(Throttling.disabled())
                .service(ProcessRegistry.class, store)
                .realm("session", "session", settings)
                .build(), new ManualExecutor());
    }

    /**
     * A node whose realm is built with key {@code k1}, {@code clock}, a ticker following
     * {@code clock} and a manual refresh executor, then whatever {@code configure} adds.
     */
    static SessionFixture built(MutableClock clock, UserDirectory users, ProcessStore store,
            UnaryOperator<SessionRealm.Builder> configure) {
        ManualExecutor refreshes = new ManualExecutor();
        SessionRealm realm = configure.apply(SessionRealm.builder("session", store, users)
                .key("k1", KEY_1)
                .clock(clock)
                .ticker(ticker(clock))
                .refreshExecutor(refreshes)).build();
        Gatehouse g = Gatehouse.builder().users(users).clock(clock).throttling(Throttling.disabled()).realm(realm).build();
        return new SessionFixture(clock, users, store, g, refreshes);
    }

    /**
     * A node on {@code ds} (JDBC users and processes, the tables already there), built with the
     * builder; the store shares the node's ticker and manual refresh executor.
     */
    static SessionFixture jdbc(DataSource ds, MutableClock clock) {
        ManualExecutor refreshes = new ManualExecutor();
        ProcessStore store = ProcessStore.builder().clock(clock).ticker(ticker(clock)).refreshExecutor(refreshes)
                .jdbc(ds);
        UserDirectory users = UserDirectory.jdbc(ds, clock);
        SessionRealm realm = SessionRealm.builder("session", store, users).key("k1", KEY_1).clock(clock)
                .ticker(ticker(clock)).refreshExecutor(refreshes).build();
        Gatehouse g = Gatehouse.builder().users(users).clock(clock).throttling(Throttling.disabled()).realm(realm).build();
        return new SessionFixture(clock, users, store, g, refreshes);
    }

    /** An in-memory node built with the builder and key {@code k1}. */
    static SessionFixture inMemory() {
        MutableClock clock = MutableClock.atEpochOfTests();
        return built(clock, UserDirectory.inMemory(clock), ProcessStore.inMemory(), b -> b);
    }

    /**
     * An in-memory node whose realm is not told of changes to its users, as when they are made on
     * another node sharing the database: only the revocation bound brings them here.
     */
    static SessionFixture inMemoryChangedElsewhere() {
        MutableClock clock = MutableClock.atEpochOfTests();
        UserDirectory shared = UserDirectory.inMemory(clock);
        UserDirectory silent = (UserDirectory) java.lang.reflect.Proxy.newProxyInstance(
                UserDirectory.class.getClassLoader(), new Class<?>[] {UserDirectory.class}, (proxy, method, args) -> {
                    if (method.getName().equals("addChangeListener")) {
                        return null;
                    }
                    try {
                        return method.invoke(shared, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return built(clock, silent, ProcessStore.inMemory(), b -> b);
    }

    /** An in-memory node configured with {@code settings}. */
    static SessionFixture inMemory(Map<String, String> settings) {
        MutableClock clock = MutableClock.atEpochOfTests();
        return new SessionFixture(clock, UserDirectory.inMemory(clock), ProcessStore.inMemory(), settings);
    }

    /** Nanoseconds that follow {@code clock}: moving the clock ages the caches by as much. */
    static LongSupplier ticker(MutableClock clock) {
        return () -> {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
    }

    /** Settings with key {@code k1} (and any extra pairs; a null value removes the key). */
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

    /** Registers a RUNNING process of {@code owner} and returns it. */
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
