package dev.gatehouse.ldap;

import dev.gatehouse.ldap.testing.Slapd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Password;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UsernamePassword;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import dev.gatehouse.core.testing.JettyHarness;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hung directory: a real slapd frozen with SIGSTOP (it keeps its sockets and the kernel still
 * accepts connections, but nothing answers) while a few hundred clients log in at once, then
 * resumed with SIGCONT. Cached logins must keep working, at most {@code maxConcurrentLogins}
 * threads may sit waiting on the directory, every other uncached login must get its 503 at once,
 * and a login that waits must wait one {@code readTimeout}, not two. (In a storm, a client's own
 * time also includes queueing before its request reaches the realm, so the one-timeout bound is
 * measured on a login made alone.)
 *
 * <p>Wall-clock numbers are asserted only as generous sanity bounds: "at once" is "before the
 * earliest moment a login that waited on the directory can end" (one {@code readTimeout}), and
 * "one timeout, not two" is "less than one and a half".
 */
class SlapdFrozenDirectoryTest {

    private static final int POOL_SIZE = 4;
    private static final int BOUND = 2 * POOL_SIZE; // the documented default of maxConcurrentLogins
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
    /**
     * Over HTTP, 150 requests at once on a small machine queue in the client and in Jetty for a
     * second or two even when the realm answers at once; a longer timeout keeps "at once" and
     * "waited for the directory" apart (and stays well below the test client's own 10 s).
     */
    private static final Duration HTTP_READ_TIMEOUT = Duration.ofSeconds(4);
    private static final int STORM = 300;
    private static final List<String> CACHED = List.of("alice", "bob", "admin");

    private static Slapd slapd;
    private TestContext context;
    private final List<LdapRealm> realms = new ArrayList<>();

    @BeforeAll
    static void startSlapd() throws Exception {
        slapd = Slapd.start(null);
        slapd.addPerson("dave", "dave-pw");
        slapd.addPerson("erin", "erin-pw");
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
    void tearDown() throws Exception {
        slapd.thaw();
        realms.forEach(LdapRealm::close);
    }

    private Map<String, String> settings(Duration readTimeout) {
        Map<String, String> s = new HashMap<>();
        s.put("url", slapd.url());
        s.put("searchBase", Slapd.BASE);
        s.put("principalSearchFilter", "(&(objectClass=inetOrgPerson)(uid={0}))");
        s.put("usernameProperty", "uid");
        s.put("systemUsername", Slapd.SERVICE_DN);
        s.put("systemPassword", Slapd.SERVICE_PASSWORD);
        s.put("connectTimeout", "1s");
        s.put("readTimeout", readTimeout.toMillis() + "ms");
        s.put("poolSize", Integer.toString(POOL_SIZE));
        s.put("cacheDuration", "10m");
        s.put("retryAfter", "5s");
        return s;
    }

    private static AuthenticationResult login(LdapRealm realm, String user, String pw) {
        return realm.authenticate(new UsernamePassword(user, Password.of(pw)));
    }

    private static String basic(String user, String pw) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + pw).getBytes(StandardCharsets.UTF_8));
    }

    /** A thread waiting on the directory: in the SDK, in the directory client, or awaiting a check. */
    private static boolean waitsOnTheDirectory(Thread t, StackTraceElement[] stack) {
        if (t.getState() == Thread.State.RUNNABLE || t.getState() == Thread.State.TERMINATED) {
            return false;
        }
        for (StackTraceElement f : stack) {
            String c = f.getClassName();
            if (c.startsWith("com.unboundid.") || c.equals("dev.gatehouse.ldap.internal.Directory")
                    || (c.equals("dev.gatehouse.ldap.internal.LoginVerifier") && f.getMethodName().equals("await"))) {
                return true;
            }
        }
        return false;
    }

    /** Samples every thread until stopped, recording the most that waited on the directory at once. */
    private static final class Sampler implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger maxRequestThreads = new AtomicInteger();
        final AtomicInteger maxCheckThreads = new AtomicInteger();
        private final Predicate<Thread> requestThread;

        Sampler(Predicate<Thread> requestThread) {
            this.requestThread = requestThread;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                int requests = 0;
                int checks = 0;
                for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                    if (!waitsOnTheDirectory(e.getKey(), e.getValue())) {
                        continue;
                    }
                    if (requestThread.test(e.getKey())) {
                        requests++;
                    } else if (e.getKey().getName().startsWith("gatehouse-ldap-")) {
                        checks++;
                    }
                }
                maxRequestThreads.accumulateAndGet(requests, Math::max);
                maxCheckThreads.accumulateAndGet(checks, Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ex) {
                    return;
                }
            }
        }
    }

    private record Timed<T>(T value, Duration took) {}

    private static <T> Callable<Timed<T>> timed(Callable<T> work) {
        return () -> {
            long start = System.nanoTime();
            T value = work.call();
            return new Timed<>(value, Duration.ofNanos(System.nanoTime() - start));
        };
    }

    private static void awaitNoChecks(LdapRealm realm) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (realm.verifier().runningChecks() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(realm.verifier().runningChecks()).isZero();
    }

    @Test
    void aFrozenDirectoryHoldsAtMostTheBoundsWorthOfThreadsWhileCachedLoginsKeepWorking() throws Exception {
        LdapRealm realm = context.realm(settings(READ_TIMEOUT));
        realms.add(realm);
        for (String user : CACHED) {
            assertThat(login(realm, user, user + "-pw")).isInstanceOf(AuthenticationResult.Authenticated.class);
        }

        slapd.freeze();
        ExecutorService storm = Executors.newFixedThreadPool(STORM, r -> new Thread(r, "storm-" + r.hashCode()));
        ExecutorService cachedPool = Executors.newFixedThreadPool(CACHED.size());
        Sampler sampler = new Sampler(t -> t.getName().startsWith("storm-"));
        Thread sampling = new Thread(sampler, "sampler");
        try {
            sampling.start();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Timed<AuthenticationResult>>> uncached = new ArrayList<>();
            for (int i = 0; i < STORM; i++) {
                String user = "storm" + i;
                uncached.add(storm.submit(() -> {
                    go.await();
                    return timed(() -> login(realm, user, "pw-" + user)).call();
                }));
            }
            List<Future<List<Timed<AuthenticationResult>>>> cached = new ArrayList<>();
            for (String user : CACHED) {
                cached.add(cachedPool.submit(() -> {
                    go.await();
                    List<Timed<AuthenticationResult>> out = new ArrayList<>();
                    long until = System.nanoTime() + READ_TIMEOUT.toNanos() * 3 / 2;
                    while (System.nanoTime() < until) {
                        out.add(timed(() -> login(realm, user, user + "-pw")).call());
                    }
                    return out;
                }));
            }
            go.countDown();

            int answeredAtOnce = 0;
            Duration longest = Duration.ZERO;
            for (Future<Timed<AuthenticationResult>> f : uncached) {
                Timed<AuthenticationResult> r = f.get(60, TimeUnit.SECONDS);
                assertThat(r.value()).isInstanceOf(AuthenticationResult.Unavailable.class);
                // one that waited on the directory cannot end before readTimeout; one that did not
                // ends long before it, however busy the machine
                if (r.took().compareTo(READ_TIMEOUT) < 0) {
                    answeredAtOnce++;
                }
                longest = r.took().compareTo(longest) > 0 ? r.took() : longest;
            }
            int cachedLogins = 0;
            Duration slowestCached = Duration.ZERO;
            for (Future<List<Timed<AuthenticationResult>>> f : cached) {
                for (Timed<AuthenticationResult> r : f.get(60, TimeUnit.SECONDS)) {
                    assertThat(r.value()).isInstanceOf(AuthenticationResult.Authenticated.class);
                    cachedLogins++;
                    slowestCached = r.took().compareTo(slowestCached) > 0 ? r.took() : slowestCached;
                }
            }
            sampler.stop.set(true);
            sampling.join();

            assertThat(cachedLogins).as("cached logins during the storm").isGreaterThan(CACHED.size());
            // no cached login waited for the directory (a sanity bound, far above its normal cost)
            assertThat(slowestCached).isLessThan(READ_TIMEOUT.dividedBy(2));
            // every uncached login beyond the bound was answered at once...
            assertThat(answeredAtOnce).isGreaterThanOrEqualTo(STORM - BOUND);
            // ...and the ones that waited, waited one readTimeout, not two
            assertThat(longest).isLessThan(READ_TIMEOUT.multipliedBy(3).dividedBy(2));
            assertThat(sampler.maxRequestThreads.get()).as("storm threads waiting on the directory")
                    .isPositive().isLessThanOrEqualTo(BOUND);
            assertThat(sampler.maxCheckThreads.get()).as("the realm's own check threads").isLessThanOrEqualTo(BOUND);
            assertThat(realm.verifier().waitingLogins()).isZero();

            // one more uncached login, alone, once the checks above have ended: it waits one readTimeout
            awaitNoChecks(realm);
            Timed<AuthenticationResult> alone = timed(() -> login(realm, "dave", "dave-pw")).call();
            assertThat(alone.value()).isInstanceOf(AuthenticationResult.Unavailable.class);
            assertThat(alone.took()).isGreaterThanOrEqualTo(READ_TIMEOUT.minusMillis(100))
                    .isLessThan(READ_TIMEOUT.multipliedBy(3).dividedBy(2));
        } finally {
            sampler.stop.set(true);
            shutDown(storm, cachedPool);
            slapd.thaw();
        }

        // resumed: the realm recovers by itself
        awaitNoChecks(realm);
        assertThat(login(realm, "dave", "dave-pw")).isInstanceOf(AuthenticationResult.Authenticated.class);
        assertThat(login(realm, "erin", "erin-pw")).isInstanceOf(AuthenticationResult.Authenticated.class);
    }

    @Test
    void overHttpAFrozenDirectoryAnswers503AtOnceAndCachedLoginsAre200() throws Exception {
        UserDirectory users = UserDirectory.inMemory(Clock.systemUTC());
        Gatehouse gatehouse = Gatehouse.builder().users(users).throttling(Throttling.defaults())
                .realm("ldap", "ldap", settings(HTTP_READ_TIMEOUT)).build();
        LdapRealm realm = gatehouse.realm(LdapRealm.class).orElseThrow();
        realms.add(realm);
        try (JettyHarness http = JettyHarness.start(AuthenticationFilter.builder(gatehouse).build())) {
            for (String user : CACHED) {
                assertThat(http.get("/api/whoami", "Authorization", basic(user, user + "-pw")).statusCode()).isEqualTo(200);
            }
            int clients = 150; // three quarters of Jetty's default thread pool, 19 times the bound
            ExecutorService pool = Executors.newFixedThreadPool(clients + CACHED.size(),
                    r -> new Thread(r, "client-" + r.hashCode()));
            // open the clients' connections first (cached logins), so that the storm below measures
            // the realm rather than 200 TCP and HTTP set-ups at once
            List<Future<Integer>> warm = new ArrayList<>();
            for (int i = 0; i < clients + CACHED.size(); i++) {
                warm.add(pool.submit(() -> http.get("/api/whoami", "Authorization", basic("alice", "alice-pw")).statusCode()));
            }
            for (Future<Integer> f : warm) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            }
            slapd.freeze();
            Sampler sampler = new Sampler(t -> t.getName().startsWith("qtp"));
            Thread sampling = new Thread(sampler, "sampler");
            try {
                sampling.start();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Timed<HttpResponse<String>>>> uncached = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    String user = "storm" + i;
                    uncached.add(pool.submit(() -> {
                        go.await();
                        return timed(() -> http.get("/api/whoami", "Authorization", basic(user, "pw-" + user))).call();
                    }));
                }
                List<Future<List<Integer>>> cached = new ArrayList<>();
                for (String user : CACHED) {
                    cached.add(pool.submit(() -> {
                        go.await();
                        List<Integer> statuses = new ArrayList<>();
                        long until = System.nanoTime() + HTTP_READ_TIMEOUT.toNanos();
                        while (System.nanoTime() < until) {
                            statuses.add(http.get("/api/whoami", "Authorization", basic(user, user + "-pw")).statusCode());
                        }
                        return statuses;
                    }));
                }
                go.countDown();

                int atOnce = 0;
                for (Future<Timed<HttpResponse<String>>> f : uncached) {
                    Timed<HttpResponse<String>> r = f.get(60, TimeUnit.SECONDS);
                    assertThat(r.value().statusCode()).isEqualTo(503);
                    assertThat(r.value().headers().firstValue("Retry-After")).contains("5");
                    // one that did not wait on the directory ends before the earliest one that did
                    if (r.took().compareTo(HTTP_READ_TIMEOUT) < 0) {
                        atOnce++;
                    }
                }
                for (Future<List<Integer>> f : cached) {
                    List<Integer> statuses = f.get(60, TimeUnit.SECONDS);
                    assertThat(statuses).isNotEmpty().containsOnly(200);
                }
                sampler.stop.set(true);
                sampling.join();
                assertThat(atOnce).isGreaterThanOrEqualTo(clients - BOUND);
                assertThat(sampler.maxRequestThreads.get()).as("Jetty threads waiting on the directory")
                        .isPositive().isLessThanOrEqualTo(BOUND);

                // one uncached request alone: its 503 comes after one readTimeout, not two
                awaitNoChecks(realm);
                Timed<HttpResponse<String>> alone = timed(() -> http.get("/api/whoami", "Authorization",
                        basic("erin", "erin-pw"))).call();
                assertThat(alone.value().statusCode()).isEqualTo(503);
                assertThat(alone.took()).isGreaterThanOrEqualTo(HTTP_READ_TIMEOUT.minusMillis(100))
                        .isLessThan(HTTP_READ_TIMEOUT.multipliedBy(3).dividedBy(2));
            } finally {
                sampler.stop.set(true);
                shutDown(pool);
                slapd.thaw();
            }
            awaitNoChecks(realm);
            assertThat(http.get("/api/whoami", "Authorization", basic("dave", "dave-pw")).statusCode()).isEqualTo(200);
        }
    }

    private static void shutDown(ExecutorService... pools) throws InterruptedException {
        for (ExecutorService p : pools) {
            p.shutdownNow();
            p.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
