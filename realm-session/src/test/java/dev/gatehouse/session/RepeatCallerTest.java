package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import dev.gatehouse.core.testing.H2Database;
import dev.gatehouse.core.testing.JettyHarness;
import dev.gatehouse.core.testing.MutableClock;
import dev.gatehouse.core.testing.PostgresSchema;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A repeat session-token caller on the JDBC stores (H2 and PostgreSQL, users and processes in
 * one database) costs no database round trip while nothing about it changed: the process row and
 * the user's identity are cached and re-read in the background. And yet a user disabled, or a
 * process finished, through another node is refused within the bound (1 s) while the caller
 * keeps calling.
 *
 * <p>Time is a ticker the test moves in steps of 300 ms; between steps the background re-reads
 * that the requests queued are run, and every connection the node's data source hands out is
 * counted, so a round trip on a request shows as a count that moved during the request.
 */
class RepeatCallerTest {

    private static final Duration STEP = Duration.ofMillis(300);
    private static final Duration BOUND = Duration.ofSeconds(1);

    private static PostgresSchema postgres;

    static Stream<Arguments> databases() {
        return Stream.of(
                Arguments.of("h2", (Supplier<DataSource>) () -> {
                    DataSource ds = H2Database.create();
                    SchemaMigrations.apply(ds, "core");
                    SchemaMigrations.apply(ds, "session");
                    return ds;
                }),
                Arguments.of("postgresql", (Supplier<DataSource>) () -> {
                    if (postgres == null) {
                        postgres = PostgresSchema.create("session_repeat");
                        SchemaMigrations.apply(postgres.dataSource(), "core");
                        SchemaMigrations.apply(postgres.dataSource(), "session");
                    }
                    return postgres.dataSource();
                }));
    }

    @AfterAll
    static void drop() {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    /** The node under test, on a counting data source, and "another node" on the same database. */
    private record Nodes(SessionFixture node, CountingDataSource db, UserDirectory otherUsers, ProcessStore otherStore) {}

    private static Nodes nodes(DataSource ds) {
        CountingDataSource counted = new CountingDataSource(ds);
        SessionFixture node = SessionFixture.jdbc(counted, MutableClock.atEpochOfTests());
        return new Nodes(node, counted, UserDirectory.jdbc(ds, Clock.systemUTC()), ProcessStore.jdbc(ds));
    }

    /** Authenticates {@code times} times; fails if any of them took a connection. */
    private static AuthenticationResult repeat(Nodes n, String token, int times, String when) {
        AuthenticationResult last = null;
        for (int i = 0; i < times; i++) {
            int before = n.db.connections();
            last = n.node.authenticate(token);
            assertThat(n.db.connections()).as("%s, request %d: no database round trip", when, i).isEqualTo(before);
        }
        return last;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRepeatCallerCostsNoDatabaseRoundTripWhileNothingChanged(String name, Supplier<DataSource> database) {
        Nodes n = nodes(database.get());
        User alice = n.node.user("alice-" + UUID.randomUUID());
        ProcessRef process = n.node.runningProcess(alice);
        String token = n.node.tokens.issue(process.id());
        assertThat(n.node.authenticate(token)).as("the first request reads the user")
                .isInstanceOf(AuthenticationResult.Authenticated.class);

        int reReads = 0;
        for (int step = 1; step <= 30; step++) { // 9 s: nine bounds
            n.node.clock.advance(STEP);
            AuthenticationResult r = repeat(n, token, 5, "step " + step);
            assertThat(r).isInstanceOf(AuthenticationResult.Authenticated.class);
            assertThat(((AuthenticationResult.Authenticated) r).identity().roles()).contains("process-runner");
            int before = n.db.connections();
            n.node.refreshes.runAll();
            reReads += n.db.connections() - before;
        }
        assertThat(reReads).as("the process row and the user were re-read in the background, not on requests")
                .isGreaterThanOrEqualTo(2 * 9);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRepeatCallerOverHttpCostsNoDatabaseRoundTripEither(String name, Supplier<DataSource> database)
            throws Exception {
        Nodes n = nodes(database.get());
        ProcessRef process = n.node.runningProcess(n.node.user("alice-" + UUID.randomUUID()));
        String token = n.node.tokens.issue(process.id());
        try (JettyHarness http = JettyHarness.start(AuthenticationFilter.builder(n.node.gatehouse).build())) {
            assertThat(http.get("/", SessionFixture.HEADER, token).statusCode()).isEqualTo(200);
            for (int step = 1; step <= 10; step++) {
                n.node.clock.advance(STEP);
                for (int i = 0; i < 3; i++) {
                    int before = n.db.connections();
                    assertThat(http.get("/", SessionFixture.HEADER, token).statusCode()).isEqualTo(200);
                    assertThat(n.db.connections()).as("step %d, request %d", step, i).isEqualTo(before);
                }
                n.node.refreshes.runAll();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aUserDisabledOnAnotherNodeIsRefusedWithinTheBoundWhileTheCallerKeepsCalling(String name,
            Supplier<DataSource> database) {
        Nodes n = nodes(database.get());
        User alice = n.node.user("alice-" + UUID.randomUUID());
        String token = n.node.tokens.issue(n.node.runningProcess(alice).id());
        n.node.authenticate(token);
        for (int step = 0; step < 4; step++) { // into the steady state of background re-reads
            n.node.clock.advance(STEP);
            repeat(n, token, 3, "before");
            n.node.refreshes.runAll();
        }

        n.otherUsers.setDisabled(alice.id(), true);
        Instant disabledAt = n.node.clock.instant();
        Instant refusedAt = null;
        for (int step = 0; step < 10 && refusedAt == null; step++) {
            n.node.clock.advance(STEP);
            if (n.node.authenticate(token) instanceof AuthenticationResult.Rejected) {
                refusedAt = n.node.clock.instant();
            }
            n.node.refreshes.runAll();
        }
        assertThat(refusedAt).as("the disabled user's token is refused").isNotNull();
        assertThat(Duration.between(disabledAt, refusedAt)).isLessThanOrEqualTo(BOUND);
        assertThat(n.node.authenticate(token)).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aUserDisabledOnAnotherNodeIsRefusedWithinTheBoundEvenIfNoBackgroundReReadEverRuns(String name,
            Supplier<DataSource> database) {
        Nodes n = nodes(database.get());
        User alice = n.node.user("alice-" + UUID.randomUUID());
        String token = n.node.tokens.issue(n.node.runningProcess(alice).id());
        n.node.authenticate(token);

        n.otherUsers.setDisabled(alice.id(), true);
        for (int step = 0; step < 3; step++) {
            n.node.clock.advance(STEP);
            n.node.authenticate(token); // queues re-reads that are never run
        }
        n.node.clock.advance(BOUND.minus(STEP.multipliedBy(3)));
        assertThat(n.node.authenticate(token)).isInstanceOf(AuthenticationResult.Rejected.class);
        n.node.refreshes.drop();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aProcessFinishedOnAnotherNodeIsRefusedWithinTheBoundWhileTheCallerKeepsCalling(String name,
            Supplier<DataSource> database) {
        Nodes n = nodes(database.get());
        ProcessRef process = n.node.runningProcess(n.node.user("alice-" + UUID.randomUUID()));
        String token = n.node.tokens.issue(process.id());
        n.node.authenticate(token);
        for (int step = 0; step < 4; step++) {
            n.node.clock.advance(STEP);
            repeat(n, token, 3, "before");
            n.node.refreshes.runAll();
        }

        n.otherStore.updateStatus(process.id(), "FINISHED");
        Instant finishedAt = n.node.clock.instant();
        Instant refusedAt = null;
        for (int step = 0; step < 10 && refusedAt == null; step++) {
            n.node.clock.advance(STEP);
            if (n.node.authenticate(token) instanceof AuthenticationResult.Rejected) {
                refusedAt = n.node.clock.instant();
            }
            n.node.refreshes.runAll();
        }
        assertThat(refusedAt).as("the finished process's token is refused").isNotNull();
        assertThat(Duration.between(finishedAt, refusedAt)).isLessThanOrEqualTo(BOUND);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aProcessFinishedOnThisNodeIsRefusedAtOnce(String name, Supplier<DataSource> database) {
        Nodes n = nodes(database.get());
        ProcessRef process = n.node.runningProcess(n.node.user("alice-" + UUID.randomUUID()));
        String token = n.node.tokens.issue(process.id());
        n.node.authenticate(token);
        repeat(n, token, 3, "cached");
        n.node.store.updateStatus(process.id(), "FINISHED");
        assertThat(n.node.authenticate(token)).isInstanceOf(AuthenticationResult.Rejected.class);
    }
}
