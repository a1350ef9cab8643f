package dev.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.apikey.testing.PrivatePostgres;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11, item 3: a create that was acknowledged is durable. Several threads create keys through
 * a host's pool (HikariCP, auto-commit on and off) on a PostgreSQL of this test's own, which the
 * test kills with SIGKILL at random moments and restarts, several times; afterwards every create
 * that returned normally is in the table, and its key authenticates. Creates that failed must have
 * failed with {@link BackendUnavailableException} (the host's 503), nothing else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AcknowledgedCreatesSurviveKillsTest {

    private static final int WRITERS = 4;
    private static final int KILLS = 6;

    private PrivatePostgres pg;

    @BeforeAll
    void startPostgres() {
        // The pool reports every failed connection attempt at WARN while the server is down.
        System.setProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "error");
        pg = PrivatePostgres.start();
    }

    @AfterAll
    void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @ParameterizedTest(name = "pool auto-commit {0}")
    @ValueSource(booleans = {true, false})
    void everyAcknowledgedCreateIsInTheTableAfterKillsAndRestarts(boolean autoCommit) throws Exception {
        String schema = "acks_" + (autoCommit ? "auto" : "manual");
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        UserDirectory users = UserDirectory.inMemory(Clock.systemUTC());
        User alice = users.create(NewUser.of("alice", UserType.LOCAL));
        Identity asAlice = Identity.of(alice, "test");

        Map<UUID, String> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger outages = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        try (HikariDataSource pool = pool(schema, autoCommit)) {
            SchemaMigrations.apply(pool, "apikey");
            try (ApiKeyRealm realm = ApiKeyRealm.builder("apikey", ApiKeyStore.jdbc(pool), users)
                    .lastUsedFlushInterval(Duration.ofHours(1)).build()) {
                List<Thread> writers = new ArrayList<>();
                for (int i = 0; i < WRITERS; i++) {
                    Thread t = new Thread(() -> {
                        while (!stop.get()) {
                            try {
                                IssuedApiKey k = realm.keys().create(asAlice, NewApiKey.forUser(alice.id()));
                                acknowledged.put(k.metadata().id(), k.revealKey());
                            } catch (BackendUnavailableException e) {
                                outages.incrementAndGet();
                                pause(5);
                            } catch (RuntimeException | Error e) {
                                unexpected.add(e);
                            }
                        }
                    }, "writer-" + i);
                    t.start();
                    writers.add(t);
                }
                int acknowledgedBeforeKills = 0;
                for (int round = 0; round < KILLS; round++) {
                    pause(ThreadLocalRandom.current().nextInt(150, 600));
                    if (round == 0) {
                        acknowledgedBeforeKills = acknowledged.size();
                    }
                    pg.kill();
                    pause(ThreadLocalRandom.current().nextInt(20, 300));
                    pg.restart();
                }
                int beforeLastRound = acknowledged.size();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (acknowledged.size() < beforeLastRound + 20 && System.nanoTime() < deadline) {
                    pause(20); // creates work again after the last restart, without restarting anything
                }
                stop.set(true);
                for (Thread t : writers) {
                    t.join(30_000);
                    assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
                }

                assertThat(unexpected).as("every failed create is an outage (503), nothing else").isEmpty();
                assertThat(acknowledgedBeforeKills).as("creates before the first kill").isPositive();
                assertThat(outages.get()).as("creates that met a dead server").isPositive();
                assertThat(acknowledged.size()).as("creates after the last restart").isGreaterThanOrEqualTo(
                        beforeLastRound + 20);

                Set<UUID> stored = storedIds(schema);
                Set<UUID> missing = new HashSet<>(acknowledged.keySet());
                missing.removeAll(stored);
                assertThat(missing).as("acknowledged creates missing after %d kills (of %d acknowledged)", KILLS,
                        acknowledged.size()).isEmpty();
                int checked = 0;
                for (String key : acknowledged.values()) {
                    assertThat(realm.keys().verify(key)).isInstanceOf(AuthenticationResult.Authenticated.class);
                    if (++checked == 50) {
                        break;
                    }
                }
            }
        } finally {
            stop.set(true);
        }
    }

    private HikariDataSource pool(String schema, boolean autoCommit) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(pg.jdbcUrl() + "?currentSchema=" + schema + "&connectTimeout=2&socketTimeout=30");
        config.setUsername(pg.user());
        config.setAutoCommit(autoCommit);
        config.setMaximumPoolSize(WRITERS);
        config.setConnectionTimeout(1_000);
        config.setValidationTimeout(500);
        config.setInitializationFailTimeout(-1);
        config.setPoolName("acks-" + schema);
        return new HikariDataSource(config);
    }

    private Set<UUID> storedIds(String schema) throws SQLException {
        Set<UUID> ids = new HashSet<>();
        DataSource ds = pg.dataSource();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM " + schema + ".gh_api_keys")) {
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
        }
        return ids;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
