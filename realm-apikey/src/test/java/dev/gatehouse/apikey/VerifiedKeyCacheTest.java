package dev.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.apikey.internal.Digests;
import dev.gatehouse.apikey.internal.GatehouseKeys;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The verified-key cache: no store or user lookup for a repeated key, revocation at once here and
 * within the bound on another node sharing the store (time is stepped, never waited for), bounded
 * negative results and lookups, batched last-used times.
 */
class VerifiedKeyCacheTest {

    private static final Duration BOUND = Duration.ofSeconds(1);

    private final MutableClock time = MutableClock.atEpochOfTests();
    private final CountingUsers users = new CountingUsers(UserDirectory.inMemory(time));
    private final CountingStore store = new CountingStore(ApiKeyStore.inMemory());
    private final User alice = users.create(NewUser.of("alice", UserType.LOCAL));
    private final Identity asAlice = Identity.of(alice, "test");
    private final List<ApiKeyRealm> realms = new ArrayList<>();

    private ApiKeyRealm node(ApiKeyStore s, UserDirectory u, ApiKeyRealm.Builder... custom) {
        ApiKeyRealm.Builder b = custom.length > 0 ? custom[0]
                : ApiKeyRealm.builder("apikey", s, u).revocationBound(BOUND).lastUsedFlushInterval(Duration.ofHours(1));
        ApiKeyRealm realm = b.clock(time).ticker(ClockTicker.of(time)).build();
        realms.add(realm);
        return realm;
    }

    @AfterEach
    void close() {
        realms.forEach(ApiKeyRealm::close);
    }

    private static boolean accepted(ApiKeyRealm realm, String key) {
        return realm.keys().verify(key) instanceof AuthenticationResult.Authenticated;
    }

    @Test
    void repeatedKeyCostsNoStoreLookupAndNoUserLookup() {
        ApiKeyRealm realm = node(store, users);
        String key = realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey();
        users.findById.set(0);
        for (int i = 0; i < 100; i++) {
            assertThat(accepted(realm, key)).isTrue();
        }
        assertThat(store.digestLookups.get()).isEqualTo(1);
        assertThat(users.findById.get()).isEqualTo(1);
    }

    @Test
    void revocationIsEffectiveAtOnceOnTheNodeThatRevoked() {
        ApiKeyRealm realm = node(store, users);
        IssuedApiKey k = realm.keys().create(asAlice, NewApiKey.forUser(alice.id()));
        assertThat(accepted(realm, k.revealKey())).isTrue();
        realm.keys().revoke(asAlice, k.metadata().id());
        assertThat(accepted(realm, k.revealKey())).isFalse();
    }

    @Test
    void revocationDuringALookupInFlightIsNotUndoneByItsResult() throws Exception {
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ApiKeyStore slowAnswer = new CountingStore(store) {
            @Override
            public Optional<StoredApiKey> findByDigest(byte[] digest) {
                Optional<StoredApiKey> found = super.findByDigest(digest); // read before the revocation...
                read.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS); // ...answer after it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return found;
            }
        };
        ApiKeyRealm realm = node(slowAnswer, users, ApiKeyRealm.builder("apikey", slowAnswer, users)
                .revocationBound(BOUND).lookupTimeout(Duration.ofSeconds(20)));
        IssuedApiKey k = realm.keys().create(asAlice, NewApiKey.forUser(alice.id()));
        CompletableFuture<AuthenticationResult> inFlight = CompletableFuture.supplyAsync(
                () -> realm.keys().verify(k.revealKey()));
        assertThat(read.await(10, TimeUnit.SECONDS)).isTrue();
        realm.keys().revoke(asAlice, k.metadata().id());
        release.countDown();
        inFlight.get(10, TimeUnit.SECONDS); // began before the revocation returned: either answer is fine
        assertThat(realm.keys().verify(k.revealKey())).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void revokeAllIsEffectiveAtOnceOnTheNodeThatRevoked() {
        ApiKeyRealm realm = node(store, users);
        String k1 = realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey();
        String k2 = realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey();
        assertThat(accepted(realm, k1) && accepted(realm, k2)).isTrue();
        realm.keys().revokeAll(asAlice, alice.id());
        assertThat(accepted(realm, k1) || accepted(realm, k2)).isFalse();
    }

    @Test
    void revocationOnAnotherNodeTakesEffectHereWithinTheBound() {
        ApiKeyRealm nodeA = node(store, users);
        ApiKeyRealm nodeB = node(store, users);
        IssuedApiKey k = nodeA.keys().create(asAlice, NewApiKey.forUser(alice.id()));
        assertThat(accepted(nodeB, k.revealKey())).isTrue();
        nodeA.keys().revoke(asAlice, k.metadata().id());
        assertThat(accepted(nodeA, k.revealKey())).isFalse();
        // node B has not asked the store since; it may accept the key until the bound has passed...
        time.advance(BOUND.minusMillis(600));
        assertThat(accepted(nodeB, k.revealKey())).as("cached within the bound").isTrue();
        // ...and never after it
        time.advance(Duration.ofMillis(600));
        assertThat(accepted(nodeB, k.revealKey())).isFalse();
    }

    @Test
    void userDisabledInTheDirectoryIsRefusedWithinTheBound() {
        ApiKeyRealm realm = node(store, users);
        String key = realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey();
        assertThat(accepted(realm, key)).isTrue();
        users.setDisabled(alice.id(), true);
        time.advance(BOUND);
        assertThat(realm.keys().verify(key)).isInstanceOf(AuthenticationResult.Rejected.class);
        users.setDisabled(alice.id(), false);
        time.advance(BOUND);
        assertThat(accepted(realm, key)).isTrue();
    }

    @Test
    void invalidateUserMakesDisablingEffectiveAtOnce() {
        ApiKeyRealm realm = node(store, users);
        String key = realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey();
        assertThat(accepted(realm, key)).isTrue();
        users.setDisabled(alice.id(), true);
        realm.invalidateUser(alice.id());
        assertThat(accepted(realm, key)).isFalse();
    }

    @Test
    void hotKeyIsReloadedInTheBackgroundNotOnTheRequestPath() throws Exception {
        List<String> lookupThreads = new CopyOnWriteArrayList<>();
        ApiKeyStore recording = new CountingStore(store) {
            @Override
            public Optional<StoredApiKey> findByDigest(byte[] digest) {
                lookupThreads.add(Thread.currentThread().getName());
                return super.findByDigest(digest);
            }
        };
        ApiKeyRealm realm = node(recording, users, ApiKeyRealm.builder("apikey", recording, users)
                .revocationBound(BOUND).lastUsedFlushInterval(Duration.ofHours(1)));
        String key = realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey();
        assertThat(accepted(realm, key)).isTrue();
        assertThat(lookupThreads).hasSize(1);
        time.advance(BOUND.multipliedBy(6).dividedBy(10));
        assertThat(accepted(realm, key)).as("served from the cache while it reloads").isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (lookupThreads.size() < 2) {
            assertThat(System.nanoTime()).as("background reload").isLessThan(deadline);
            Thread.sleep(10);
        }
        assertThat(lookupThreads.get(1)).startsWith("gatehouse-apikey-refresh-");
        // the reloaded entry is fresh: past the first entry's bound, still no lookup on this thread
        time.advance(BOUND.multipliedBy(6).dividedBy(10));
        assertThat(accepted(realm, key)).isTrue();
        assertThat(lookupThreads.get(0)).startsWith("gatehouse-apikey-lookup-");
        assertThat(lookupThreads).doesNotContain(Thread.currentThread().getName());
    }

    @Test
    void unknownKeyIsLookedUpOncePerBound() {
        ApiKeyRealm realm = node(store, users);
        String unknown = new GatehouseKeys("gh").generate(new SecureRandom());
        for (int i = 0; i < 10; i++) {
            assertThat(accepted(realm, unknown)).isFalse();
        }
        assertThat(store.digestLookups.get()).isEqualTo(1);
        time.advance(BOUND);
        assertThat(accepted(realm, unknown)).isFalse();
        assertThat(store.digestLookups.get()).isEqualTo(2);
    }

    @Test
    void floodOfUnknownKeysCannotGrowTheCaches() {
        ApiKeyRealm realm = node(store, users, ApiKeyRealm.builder("apikey", store, users).revocationBound(BOUND)
                .negativeCacheSize(50).cacheSize(50));
        GatehouseKeys format = new GatehouseKeys("gh");
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 2_000; i++) {
            assertThat(accepted(realm, format.generate(random))).isFalse();
        }
        assertThat(realm.verifier().negativeEntries()).isLessThanOrEqualTo(50);
        assertThat(realm.verifier().cachedEntries()).isZero();
    }

    @Test
    void aKeyCreatedHereIsAcceptedAtOnceEvenIfItWasJustUnknown() {
        ApiKeyRealm realm = node(store, users);
        User root = users.create(NewUser.of("root", UserType.LOCAL).withRoles(Set.of("admin")));
        String chosen = new GatehouseKeys("gh").generate(new SecureRandom());
        assertThat(accepted(realm, chosen)).isFalse();
        realm.keys().create(Identity.of(root, "test"), NewApiKey.forUser(alice.id()).withValue(chosen));
        assertThat(accepted(realm, chosen)).isTrue();
    }

    /** A store whose digest lookups wait until the test releases them. */
    private static class GatedStore extends CountingStore {
        final CountDownLatch release = new CountDownLatch(1);
        final Semaphore entered = new Semaphore(0);

        GatedStore(ApiKeyStore delegate) {
            super(delegate);
        }

        @Override
        public Optional<StoredApiKey> findByDigest(byte[] digest) {
            entered.release();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.findByDigest(digest);
        }
    }

    @Test
    void aStuckLookupDoesNotStallOtherKeys() throws Exception {
        String stuckKey = new GatehouseKeys("gh").generate(new SecureRandom());
        byte[] stuckDigest = Digests.sha256(
                stuckKey.getBytes(StandardCharsets.US_ASCII));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ApiKeyStore selective = new CountingStore(store) {
            @Override
            public Optional<StoredApiKey> findByDigest(byte[] digest) {
                if (Arrays.equals(digest, stuckDigest)) {
                    entered.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.findByDigest(digest);
            }
        };
        ApiKeyRealm realm = node(selective, users, ApiKeyRealm.builder("apikey", selective, users)
                .revocationBound(BOUND).lookupTimeout(Duration.ofSeconds(20)));
        String cached = realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey();
        assertThat(accepted(realm, cached)).isTrue();
        try {
            CompletableFuture<Boolean> stuck = CompletableFuture.supplyAsync(() -> accepted(realm, stuckKey));
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            // while that lookup hangs, a cached key and a key never seen before both go through
            assertThat(accepted(realm, cached)).isTrue();
            String fresh = realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey();
            assertThat(accepted(realm, fresh)).isTrue();
            assertThat(stuck).isNotDone();
        } finally {
            release.countDown();
        }
    }

    @Test
    void lookupsBeyondTheConcurrencyLimitAreUnavailableNotQueuedForever() throws Exception {
        GatedStore gated = new GatedStore(store);
        ApiKeyRealm realm = node(gated, users, ApiKeyRealm.builder("apikey", gated, users).revocationBound(BOUND)
                .maxConcurrentLookups(1).lookupTimeout(Duration.ofMillis(200)));
        GatehouseKeys format = new GatehouseKeys("gh");
        SecureRandom random = new SecureRandom();
        String cached = realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey();
        try {
            // the one lookup thread is taken by a slow lookup...
            CompletableFuture<AuthenticationResult> blocked =
                    CompletableFuture.supplyAsync(() -> realm.keys().verify(format.generate(random)));
            assertThat(gated.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            // ...so further misses wait at most the lookup timeout (queued), then are refused at once (queue full)
            List<AuthenticationResult> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                results.add(realm.keys().verify(format.generate(random)));
            }
            assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(AuthenticationResult.Unavailable.class));
            assertThat(blocked.get(10, TimeUnit.SECONDS)).isInstanceOf(AuthenticationResult.Unavailable.class);
        } finally {
            gated.release.countDown();
        }
        // once the store answers, lookups work again
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!accepted(realm, cached)) {
            assertThat(System.nanoTime()).as("lookups work again").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void requestsWaitingForOneHungKeyAreBoundedToo() throws Exception {
        GatedStore gated = new GatedStore(store);
        ApiKeyRealm realm = node(gated, users, ApiKeyRealm.builder("apikey", gated, users).revocationBound(BOUND)
                .maxConcurrentLookups(1).lookupTimeout(Duration.ofSeconds(30)));
        String key = realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey();
        int bound = realm.verifier().maxWaitingRequests();
        assertThat(bound).isEqualTo(5);
        ExecutorService clients = Executors.newFixedThreadPool(20);
        try {
            // 20 requests for the same key share one lookup, which hangs: only the bound's worth wait...
            List<Future<AuthenticationResult>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                results.add(clients.submit(() -> realm.keys().verify(key)));
            }
            assertThat(gated.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (results.stream().filter(Future::isDone).count() + realm.verifier().waitingRequests() < 20) {
                assertThat(System.nanoTime()).as("every request answered or waiting").isLessThan(deadline);
                Thread.sleep(5);
            }
            List<AuthenticationResult> refused = new ArrayList<>();
            for (Future<AuthenticationResult> f : results) {
                if (f.isDone()) {
                    refused.add(f.get());
                }
            }
            // ...the others are refused with 503 at once, while the store still hangs
            assertThat(refused).hasSize(20 - bound)
                    .allSatisfy(r -> assertThat(r).isInstanceOf(AuthenticationResult.Unavailable.class));
            assertThat(realm.verifier().waitingRequests()).isEqualTo(bound);
            assertThat(gated.entered.availablePermits()).as("one store call for them all").isZero();
            gated.release.countDown();
            int authenticated = 0;
            for (Future<AuthenticationResult> f : results) {
                if (f.get(10, TimeUnit.SECONDS) instanceof AuthenticationResult.Authenticated) {
                    authenticated++;
                }
            }
            assertThat(authenticated).as("the waiting ones get the answer").isEqualTo(bound);
            assertThat(realm.verifier().waitingRequests()).isZero();
        } finally {
            gated.release.countDown();
            clients.shutdownNow();
        }
    }

    @Test
    void withTheCacheOffLookupsStillRunOnTheBoundedPoolWithTheTimeout() throws Exception {
        List<String> lookupThreads = new CopyOnWriteArrayList<>();
        GatedStore gated = new GatedStore(store) {
            @Override
            public Optional<StoredApiKey> findByDigest(byte[] digest) {
                lookupThreads.add(Thread.currentThread().getName());
                return super.findByDigest(digest);
            }
        };
        ApiKeyRealm realm = node(gated, users, ApiKeyRealm.builder("apikey", gated, users).cacheSize(0)
                .maxConcurrentLookups(1).lookupTimeout(Duration.ofMillis(100)));
        String key = realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey();
        try {
            assertThat(realm.keys().verify(key)).as("the store hangs: 503 after the timeout")
                    .isInstanceOf(AuthenticationResult.Unavailable.class);
            assertThat(gated.release.getCount()).as("answered while the store still hangs").isOne();
            assertThat(lookupThreads).singleElement().asString().startsWith("gatehouse-apikey-lookup-");
        } finally {
            gated.release.countDown();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!accepted(realm, key)) {
            assertThat(System.nanoTime()).as("lookups work again").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void cachedKeyOutlivesAStoreOutageOnlyUntilTheBound() {
        ApiKeyRealm realm = node(store, users);
        String key = realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey();
        assertThat(accepted(realm, key)).isTrue();
        store.down = true;
        assertThat(accepted(realm, key)).isTrue();
        time.advance(BOUND);
        assertThat(realm.keys().verify(key)).isInstanceOf(AuthenticationResult.Unavailable.class);
    }

    @Test
    void anOutageLeavesNothingBehindAndTheKeyWorksAtOnceAfterIt() {
        ApiKeyRealm realm = node(store, users);
        String key = realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey();
        String unknown = new GatehouseKeys("gh").generate(new SecureRandom());
        store.down = true;
        int before = store.digestLookups.get();
        for (int i = 0; i < 5; i++) {
            assertThat(realm.keys().verify(key)).isInstanceOf(AuthenticationResult.Unavailable.class);
            assertThat(realm.keys().verify(unknown)).isInstanceOf(AuthenticationResult.Unavailable.class);
        }
        assertThat(store.digestLookups.get() - before).as("every request asks the store: no failure is cached")
                .isEqualTo(10);
        assertThat(realm.verifier().negativeEntries()).as("a failure is never remembered as unknown").isZero();
        store.down = false; // no time passes: nothing may stand between the store and the next request
        assertThat(accepted(realm, key)).isTrue();
        assertThat(realm.keys().verify(unknown)).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void aDirectoryOutageIsUnavailableAndNotCached() {
        // A generous lookup timeout: on a loaded machine the lookup after the outage must not time out.
        ApiKeyRealm realm = node(store, users, ApiKeyRealm.builder("apikey", store, users).revocationBound(BOUND)
                .lastUsedFlushInterval(Duration.ofHours(1)).lookupTimeout(Duration.ofSeconds(10)));
        String key = realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey();
        users.down = true;
        assertThat(realm.keys().verify(key)).isInstanceOf(AuthenticationResult.Unavailable.class);
        assertThat(realm.keys().verify(key)).isInstanceOf(AuthenticationResult.Unavailable.class);
        users.down = false;
        assertThat(accepted(realm, key)).isTrue();
    }

    @Test
    void lastUsedTimesAreWrittenInOneBatchOffTheRequestPath() {
        ApiKeyRealm realm = node(store, users);
        IssuedApiKey k1 = realm.keys().create(asAlice, NewApiKey.forUser(alice.id()));
        IssuedApiKey k2 = realm.keys().create(asAlice, NewApiKey.forUser(alice.id()));
        for (int i = 0; i < 50; i++) {
            accepted(realm, k1.revealKey());
            accepted(realm, k2.revealKey());
        }
        time.advance(Duration.ofSeconds(5));
        accepted(realm, k1.revealKey());
        assertThat(store.lastUsedBatches.get()).isZero();
        assertThat(store.delegate.findById(k1.metadata().id()).orElseThrow().key().lastUsedAt()).isEmpty();

        realm.flushLastUsed();
        assertThat(store.lastUsedBatches.get()).isEqualTo(1);
        assertThat(store.delegate.findById(k1.metadata().id()).orElseThrow().key().lastUsedAt())
                .contains(time.instant());
        assertThat(store.delegate.findById(k2.metadata().id()).orElseThrow().key().lastUsedAt())
                .contains(time.instant().minusSeconds(5));
        realm.flushLastUsed();
        assertThat(store.lastUsedBatches.get()).as("nothing new to write").isEqualTo(1);
    }

    @Test
    void withoutACacheEveryRequestAsksTheStore() {
        ApiKeyRealm realm = node(store, users, ApiKeyRealm.builder("apikey", store, users).cacheSize(0));
        String key = realm.keys().create(asAlice, NewApiKey.forUser(alice.id())).revealKey();
        for (int i = 0; i < 5; i++) {
            assertThat(accepted(realm, key)).isTrue();
        }
        assertThat(store.digestLookups.get()).isEqualTo(5);
    }
}
