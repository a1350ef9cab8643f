package dev.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Decision;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.testing.PostgresSchema;
import dev.gatehouse.core.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes, each with its own connections, on one PostgreSQL schema: what one node revokes or
 * disables, the other refuses within the revocation bound.
 */
class PostgresTwoNodesTest {

    private static final Duration BOUND = Duration.ofSeconds(1);

    private PostgresSchema schema;
    private final MutableClock time = MutableClock.atEpochOfTests();
    private final List<ApiKeyRealm> realms = new ArrayList<>();
    private UserDirectory usersA;
    private UserDirectory usersB;
    private User alice;

    @BeforeEach
    void createSchema() {
        schema = PostgresSchema.create("apikey_nodes");
        SchemaMigrations.apply(schema.dataSource(), "core");
        SchemaMigrations.apply(schema.dataSource(), "apikey");
        usersA = UserDirectory.jdbc(schema.dataSource(), time);
        usersB = UserDirectory.jdbc(schema.anotherDataSource(), time);
        alice = usersA.create(NewUser.of("alice", UserType.LOCAL));
    }

    @AfterEach
    void dropSchema() {
        realms.forEach(ApiKeyRealm::close);
        if (schema != null) {
            schema.close();
        }
    }

    private ApiKeyRealm node(DataSource ds, UserDirectory users, Clock clock, LongSupplier ticker,
            Duration bound) {
        ApiKeyRealm realm = ApiKeyRealm.builder("apikey", ApiKeyStore.jdbc(ds), users).clock(clock).ticker(ticker)
                .revocationBound(bound).lastUsedFlushInterval(Duration.ofHours(1)).build();
        realms.add(realm);
        return realm;
    }

    private static boolean accepted(ApiKeyRealm realm, String key) {
        return realm.keys().verify(key) instanceof AuthenticationResult.Authenticated;
    }

    @Test
    void revocationOnOneNodeIsEffectiveThereAtOnceAndOnTheOtherWithinTheBound() {
        ApiKeyRealm nodeA = node(schema.dataSource(), usersA, time, ClockTicker.of(time), BOUND);
        ApiKeyRealm nodeB = node(schema.anotherDataSource(), usersB, time, ClockTicker.of(time), BOUND);
        Identity asAlice = Identity.of(alice, "test");
        IssuedApiKey k = nodeA.keys().create(asAlice, NewApiKey.forUser(alice.id()));
        assertThat(accepted(nodeA, k.revealKey())).isTrue();
        assertThat(accepted(nodeB, k.revealKey())).isTrue();

        nodeA.keys().revoke(asAlice, k.metadata().id());
        assertThat(accepted(nodeA, k.revealKey())).as("at once on the revoking node").isFalse();
        time.advance(BOUND);
        assertThat(accepted(nodeB, k.revealKey())).as("on the other node once the bound has passed").isFalse();
    }

    @Test
    void revocationReachesTheOtherNodeInRealTimeWithinTheBound() throws Exception {
        Duration bound = Duration.ofMillis(300);
        ApiKeyRealm nodeA = node(schema.dataSource(), usersA, Clock.systemUTC(), System::nanoTime, bound);
        ApiKeyRealm nodeB = node(schema.anotherDataSource(), usersB, Clock.systemUTC(), System::nanoTime, bound);
        Identity asAlice = Identity.of(alice, "test");
        IssuedApiKey k = nodeA.keys().create(asAlice, NewApiKey.forUser(alice.id()));
        assertThat(accepted(nodeB, k.revealKey())).isTrue();
        nodeA.keys().revoke(asAlice, k.metadata().id());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (accepted(nodeB, k.revealKey())) {
            assertThat(System.nanoTime()).as("node B still accepts a revoked key long after the bound")
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void userDisabledThroughOneNodeIsRefusedByTheOtherWithinTheBound() {
        ApiKeyRealm nodeA = node(schema.dataSource(), usersA, time, ClockTicker.of(time), BOUND);
        ApiKeyRealm nodeB = node(schema.anotherDataSource(), usersB, time, ClockTicker.of(time), BOUND);
        String key = nodeA.keys().create(Identity.of(alice, "test"), NewApiKey.forUser(alice.id())).revealKey();
        assertThat(accepted(nodeB, key)).isTrue();
        usersA.setDisabled(alice.id(), true);
        time.advance(BOUND);
        assertThat(nodeB.keys().verify(key)).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void lastUsedTimeReachesTheDatabaseOnFlush() {
        ApiKeyRealm nodeA = node(schema.dataSource(), usersA, time, ClockTicker.of(time), BOUND);
        IssuedApiKey k = nodeA.keys().create(Identity.of(alice, "test"), NewApiKey.forUser(alice.id()));
        accepted(nodeA, k.revealKey());
        ApiKeyStore other = ApiKeyStore.jdbc(schema.anotherDataSource());
        assertThat(other.findById(k.metadata().id()).orElseThrow().key().lastUsedAt()).isEmpty();
        nodeA.flushLastUsed();
        assertThat(other.findById(k.metadata().id()).orElseThrow().key().lastUsedAt()).contains(time.instant());
    }

    @Test
    void realmConfiguredByPropertiesAuthenticatesKeysFromTheDatabase() {
        Properties p = new Properties();
        p.setProperty("gatehouse.realms", "apikey");
        p.setProperty("realm.apikey.prefix", "acme");
        p.setProperty("realm.apikey.revocationBound", "500ms");
        Gatehouse gatehouse = Gatehouse.builder().users(usersA).clock(time).throttling(Throttling.disabled())
                .service(DataSource.class, schema.dataSource()).properties(p).build();
        ApiKeyRealm realm = gatehouse.realm(ApiKeyRealm.class).orElseThrow();
        realms.add(realm);
        String key = realm.keys().create(Identity.of(alice, "test"), NewApiKey.forUser(alice.id())).revealKey();
        assertThat(key).startsWith("acme_");
        Decision d = gatehouse.authenticate(RequestView.builder().header("Authorization", "Bearer " + key).build(),
                AuthenticationMode.REQUIRED);
        assertThat(d).isInstanceOfSatisfying(Decision.Authenticated.class,
                a -> assertThat(a.identity().userId()).isEqualTo(alice.id()));
    }
}
