package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import dev.gatehouse.core.testing.JettyHarness;
import dev.gatehouse.core.testing.MutableClock;
import dev.gatehouse.core.testing.PostgresSchema;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A session token while PostgreSQL (users and processes) is unreachable, over real HTTP with the
 * default login throttling on: 503 with {@code Retry-After}, never 401, never 429 however often it
 * is tried; and 200 again as soon as the database is back, without restarting anything. The
 * database is made unreachable by cutting a TCP forwarder in front of it, so the shared server
 * and other tests are not disturbed.
 */
class DatabaseOutageHttpTest {

    private PostgresSchema schema;
    private TcpProxy proxy;
    private DataSource proxied;

    @BeforeEach
    void start() throws Exception {
        schema = PostgresSchema.create("session_outage");
        SchemaMigrations.apply(schema.dataSource(), "core");
        URI target = URI.create(schema.jdbcUrl().substring("jdbc:".length()));
        proxy = TcpProxy.to(target.getHost(), target.getPort());
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"127.0.0.1"});
        ds.setPortNumbers(new int[] {proxy.port()});
        ds.setDatabaseName(target.getPath().substring(1));
        ds.setUser(schema.user());
        ds.setCurrentSchema(schema.name());
        ds.setConnectTimeout(2);
        ds.setSocketTimeout(5);
        proxied = ds;
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (schema != null) {
            schema.close();
        }
    }

    private static void assertUnavailable(HttpResponse<String> response, int attempt) {
        assertThat(response.statusCode()).as("attempt %d while the database is down", attempt).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).as("attempt %d", attempt).isPresent();
    }

    @Test
    void configuredRealmOnJdbcAnswers503WhileTheDatabaseIsDownAnd200OnceItIsBack() throws Exception {
        MutableClock clock = MutableClock.atEpochOfTests();
        UserDirectory users = UserDirectory.jdbc(proxied, clock);
        // revocationBound=0s: nothing is cached, every request needs the database
        Gatehouse g = Gatehouse.builder().users(users).clock(clock).service(DataSource.class, proxied)
                .realm("session", "session", SessionFixture.settings("revocationBound", "0s")).build();
        SessionRealm realm = g.realm(SessionRealm.class).orElseThrow();
        ProcessStore processes = realm.processStore().orElseThrow();
        User alice = users.create(NewUser.of("alice", UserType.LOCAL));
        ProcessRef process = new ProcessRef(UUID.randomUUID(), "acme", Optional.empty());
        processes.register(process, alice.id(), "RUNNING");
        String token = realm.tokens().issue(process.id());

        try (JettyHarness http = JettyHarness.start(AuthenticationFilter.builder(g).build())) {
            assertThat(http.get("/", SessionFixture.HEADER, token).statusCode()).isEqualTo(200);
            proxy.down();
            for (int i = 1; i <= 7; i++) {
                assertUnavailable(http.get("/", SessionFixture.HEADER, token), i);
            }
            proxy.up();
            assertThat(http.get("/", SessionFixture.HEADER, token).statusCode()).as("database back").isEqualTo(200);
            assertThat(http.reached()).isEqualTo(2);
        }
    }

    @Test
    void cachedTokenOutlivesTheOutageOnlyWithinTheBoundThenAnswers503AndRecovers() throws Exception {
        MutableClock clock = MutableClock.atEpochOfTests();
        ManualExecutor refreshes = new ManualExecutor();
        SchemaMigrations.apply(schema.dataSource(), "session");
        UserDirectory users = UserDirectory.jdbc(proxied, clock);
        ProcessStore processes = ProcessStore.builder().clock(clock).ticker(SessionFixture.ticker(clock))
                .refreshExecutor(refreshes).jdbc(proxied);
        SessionRealm realm = SessionRealm.builder("session", processes, users).key("k1", SessionFixture.KEY_1)
                .clock(clock).ticker(SessionFixture.ticker(clock)).refreshExecutor(refreshes).build();
        Gatehouse g = Gatehouse.builder().users(users).clock(clock).realm(realm).build();
        User alice = users.create(NewUser.of("alice", UserType.LOCAL));
        ProcessRef process = new ProcessRef(UUID.randomUUID(), "acme", Optional.empty());
        processes.register(process, alice.id(), "RUNNING");
        String token = realm.tokens().issue(process.id());

        try (JettyHarness http = JettyHarness.start(AuthenticationFilter.builder(g).build())) {
            assertThat(http.get("/", SessionFixture.HEADER, token).statusCode()).isEqualTo(200);
            proxy.down();
            clock.advance(Duration.ofMillis(600));
            assertThat(http.get("/", SessionFixture.HEADER, token).statusCode()).as("cached, within the bound")
                    .isEqualTo(200);
            refreshes.runAll(); // the background re-reads fail: the entries keep their old read time
            clock.advance(Duration.ofMillis(400));
            for (int i = 1; i <= 7; i++) {
                assertUnavailable(http.get("/", SessionFixture.HEADER, token), i);
            }
            proxy.up();
            assertThat(http.get("/", SessionFixture.HEADER, token).statusCode()).as("database back").isEqualTo(200);
        }
    }
}
