package dev.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.apikey.internal.KeyVerifier;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import dev.gatehouse.core.testing.H2Database;
import dev.gatehouse.core.testing.JettyHarness;
import dev.gatehouse.core.testing.MutableClock;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 for the API-key realm, over real HTTP: the key store hangs (every {@code getConnection}
 * blocks, as with a frozen database behind a pool that never times out) while a hundred clients
 * present keys the cache does not hold. Then
 *
 * <ul>
 *   <li>cached keys keep getting 200, while the store still hangs;
 *   <li>no more than {@code maxConcurrentLookups} threads are inside the store and no more than
 *       {@code 5 x maxConcurrentLookups} request threads wait in the realm;
 *   <li>every other request gets 503 with {@code Retry-After}, never 401 or 429, and all of them
 *       are answered while the store still hangs: none waits for the store beyond
 *       {@code lookupTimeout} (timing itself is not asserted; the store is released only after the
 *       last answer);
 *   <li>once the store answers again, the same keys get 200.
 * </ul>
 */
class HungStoreHttpTest {

    private static final int MAX_LOOKUPS = 2;
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);
    private static final int CLIENTS = 100;

    private final MutableClock time = MutableClock.atEpochOfTests();
    private final HangingDataSource db = new HangingDataSource(H2Database.create());
    private ApiKeyRealm realm;
    private JettyHarness jetty;
    private User alice;

    @BeforeEach
    void start() throws Exception {
        SchemaMigrations.apply(db, "apikey");
        UserDirectory users = UserDirectory.inMemory(time);
        realm = ApiKeyRealm.builder("apikey", ApiKeyStore.jdbc(db), users).clock(time).ticker(ClockTicker.of(time))
                .maxConcurrentLookups(MAX_LOOKUPS).lookupTimeout(LOOKUP_TIMEOUT)
                .lastUsedFlushInterval(Duration.ofHours(1)).build();
        // default throttling: a 503 that counted as a failure would turn into 429 after five
        Gatehouse gatehouse = Gatehouse.builder().users(users).clock(time).realm(realm).build();
        jetty = JettyHarness.start(AuthenticationFilter.builder(gatehouse).build());
        alice = users.create(NewUser.of("alice", UserType.LOCAL));
    }

    @AfterEach
    void stop() throws Exception {
        db.resume();
        if (jetty != null) {
            jetty.close();
        }
        if (realm != null) {
            realm.close();
        }
    }

    @Test
    void cachedKeysKeepWorkingAndWaitingIsBoundedWhileTheStoreHangs() throws Exception {
        Identity asAlice = Identity.of(alice, "test");
        List<String> cached = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String key = realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey();
            assertThat(jetty.get("/", "Authorization", key).statusCode()).isEqualTo(200);
            cached.add(key);
        }
        List<String> uncached = new ArrayList<>();
        for (int i = 0; i < CLIENTS / 2; i++) {
            uncached.add(realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey());
        }
        String popular = realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey();
        KeyVerifier verifier = realm.verifier();

        db.hang();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicInteger maxWaiting = new AtomicInteger();
        AtomicInteger maxRequestThreadsInRealm = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                maxWaiting.accumulateAndGet(verifier.waitingRequests(), Math::max);
                maxRequestThreadsInRealm.accumulateAndGet(requestThreadsInTheRealm(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "sampler");
        sampler.start();
        List<Future<Answer>> storm = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < CLIENTS; i++) {
                // half with keys of their own, half with one popular key (sharing one lookup)
                String key = i % 2 == 0 ? uncached.get(i / 2) : popular;
                storm.add(clients.submit(() -> {
                    go.await();
                    HttpResponse<String> r = jetty.get("/", "Authorization", key);
                    return new Answer(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null));
                }));
            }
            go.countDown();
            waitFor(() -> db.blocked() == MAX_LOOKUPS && verifier.waitingRequests() == verifier.maxWaitingRequests(),
                    "the store's threads hang and the realm's waiting room is full");

            // while every lookup thread hangs in the store, cached keys are served as usual
            for (int i = 0; i < 30; i++) {
                HttpResponse<String> r = jetty.get("/", "Authorization", cached.get(i % cached.size()));
                assertThat(r.statusCode()).as("cached key, request " + i).isEqualTo(200);
            }
            assertThat(db.blocked()).as("the store still hangs").isEqualTo(MAX_LOOKUPS);

            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> f : storm) {
                answers.add(f.get(30, TimeUnit.SECONDS));
            }
            assertThat(db.blocked()).as("every request was answered while the store still hangs")
                    .isEqualTo(MAX_LOOKUPS);
            assertThat(answers).allSatisfy(a -> {
                assertThat(a.status()).as("a key the cache does not hold, store hung").isEqualTo(503);
                assertThat(a.retryAfter()).isEqualTo("1");
            });
        } finally {
            sampling.set(false);
            sampler.join();
            clients.shutdownNow();
        }
        assertThat(db.maxBlocked()).as("threads inside the store at once").isEqualTo(MAX_LOOKUPS);
        assertThat(maxWaiting.get()).as("requests waiting in the realm at once")
                .isPositive().isLessThanOrEqualTo(verifier.maxWaitingRequests());
        assertThat(maxRequestThreadsInRealm.get()).as("Jetty threads seen waiting in the realm at once")
                .isPositive().isLessThanOrEqualTo(verifier.maxWaitingRequests());

        db.resume();
        assertThat(jetty.get("/", "Authorization", popular).statusCode()).isEqualTo(200);
        for (String key : uncached.subList(0, 10)) {
            assertThat(jetty.get("/", "Authorization", key).statusCode()).isEqualTo(200);
        }
    }

    private record Answer(int status, String retryAfter) {}

    /**
     * Jetty threads (qtp...) parked in the verifier's wait for a lookup right now, from one
     * consistent thread dump (state and stack of each thread taken together).
     */
    private static int requestThreadsInTheRealm() {
        int n = 0;
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            Thread.State state = t.getThreadState();
            if (!t.getThreadName().startsWith("qtp")
                    || (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING)) {
                continue;
            }
            for (StackTraceElement frame : t.getStackTrace()) {
                if (frame.getClassName().equals(KeyVerifier.class.getName())) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** A data source whose {@code getConnection} blocks while it is hung, counting who waits. */
    private static final class HangingDataSource implements DataSource {
        private final DataSource target;
        private volatile CountDownLatch hung = new CountDownLatch(0);
        private final AtomicInteger blocked = new AtomicInteger();
        private final AtomicInteger maxBlocked = new AtomicInteger();

        HangingDataSource(DataSource target) {
            this.target = target;
        }

        void hang() {
            hung = new CountDownLatch(1);
        }

        void resume() {
            hung.countDown();
        }

        int blocked() {
            return blocked.get();
        }

        int maxBlocked() {
            return maxBlocked.get();
        }

        private void await() throws SQLException {
            CountDownLatch latch = hung;
            if (latch.getCount() == 0) {
                return;
            }
            maxBlocked.accumulateAndGet(blocked.incrementAndGet(), Math::max);
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted", "08001", e);
            } finally {
                blocked.decrementAndGet();
            }
        }

        @Override
        public Connection getConnection() throws SQLException {
            await();
            return target.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            await();
            return target.getConnection(username, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return target.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            target.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            target.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return target.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return target.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return target.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return target.isWrapperFor(iface);
        }
    }
}
