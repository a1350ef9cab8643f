package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.testing.PostgresSchema;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes of one host over one PostgreSQL schema, each with its own connections, process store,
 * user directory and clock. A final status written on one node revokes the token there at once,
 * and on the other within the store's staleness bound (1 s by default).
 */
class RevocationAcrossNodesTest {

    private static PostgresSchema schema;

    @BeforeAll
    static void createSchema() {
        schema = PostgresSchema.create("session_revocation");
        SchemaMigrations.applyCore(schema.dataSource());
    }

    @AfterAll
    static void dropSchema() {
        if (schema != null) {
            schema.close();
        }
    }

    private static SessionFixture node(DataSource ds, Clock storeClock, MutableClock clock) {
        ProcessStore store = ProcessStore.builder().clock(storeClock).jdbc(ds);
        return new SessionFixture(clock, UserDirectory.jdbc(ds, clock), store, SessionFixture.settings());
    }

    private static boolean authenticated(AuthenticationResult r) {
        return r instanceof AuthenticationResult.Authenticated;
    }

    @Test
    void finalStatusRevokesAtOnceOnTheWritingNodeAndWithinTheBoundOnTheOther() {
        MutableClock clockA = MutableClock.startingNow();
        MutableClock clockB = MutableClock.startingNow();
        SessionFixture a = node(schema.dataSource(), clockA, clockA);
        SessionFixture b = node(schema.anotherDataSource(), clockB, clockB);
        User alice = a.user("alice-" + UUID.randomUUID());
        ProcessRef process = a.runningProcess(alice);
        String token = a.tokens.issue(process.id());

        // both nodes accept it, and both have now cached the verification and the process row
        assertThat(authenticated(a.authenticate(token))).isTrue();
        assertThat(authenticated(b.authenticate(token))).isTrue();

        a.store.updateStatus(process.id(), "FINISHED");

        assertThat(a.authenticate(token)).as("on the node that wrote the status: at once")
                .isInstanceOf(AuthenticationResult.Rejected.class);
        clockB.advance(ProcessStore.Builder.DEFAULT_MAX_STALENESS);
        assertThat(b.authenticate(token)).as("on the other node: once the bound has passed")
                .isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(b.store.find(process.id()).orElseThrow().status()).isEqualTo("FINISHED");
    }

    @Test
    void finalStatusRevokesOnTheOtherNodeWithinTheBoundOnTheSystemClock() throws InterruptedException {
        SessionFixture a = node(schema.dataSource(), Clock.systemUTC(), MutableClock.startingNow());
        SessionFixture b = node(schema.anotherDataSource(), Clock.systemUTC(), MutableClock.startingNow());
        User alice = a.user("alice-" + UUID.randomUUID());
        ProcessRef process = a.runningProcess(alice);
        String token = a.tokens.issue(process.id());
        assertThat(authenticated(b.authenticate(token))).isTrue();

        a.store.updateStatus(process.id(), "CANCELLED");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); // generous: a correctness deadline, not a speed test
        boolean refused = false;
        while (!refused && System.nanoTime() < deadline) {
            refused = !authenticated(b.authenticate(token));
            if (!refused) {
                Thread.sleep(50);
            }
        }
        assertThat(refused).as("node B refuses the token of a cancelled process").isTrue();
    }

    @Test
    void changeOfCurrentUserReachesTheOtherNodeWithinTheBound() {
        MutableClock clockA = MutableClock.startingNow();
        MutableClock clockB = MutableClock.startingNow();
        SessionFixture a = node(schema.dataSource(), clockA, clockA);
        SessionFixture b = node(schema.anotherDataSource(), clockB, clockB);
        User alice = a.user("alice-" + UUID.randomUUID());
        User bob = a.user("bob-" + UUID.randomUUID());
        ProcessRef process = a.runningProcess(alice);
        String token = a.tokens.issue(process.id());
        assertThat(((AuthenticationResult.Authenticated) b.authenticate(token)).identity().userId()).isEqualTo(alice.id());

        a.store.updateCurrentUser(process.id(), bob.id());

        assertThat(((AuthenticationResult.Authenticated) a.authenticate(token)).identity().userId()).isEqualTo(bob.id());
        clockB.advance(ProcessStore.Builder.DEFAULT_MAX_STALENESS);
        assertThat(((AuthenticationResult.Authenticated) b.authenticate(token)).identity().userId()).isEqualTo(bob.id());
    }

    @Test
    void removedProcessIsRefusedOnBothNodes() {
        MutableClock clockA = MutableClock.startingNow();
        MutableClock clockB = MutableClock.startingNow();
        SessionFixture a = node(schema.dataSource(), clockA, clockA);
        SessionFixture b = node(schema.anotherDataSource(), clockB, clockB);
        ProcessRef process = a.runningProcess(a.user("alice-" + UUID.randomUUID()));
        String token = a.tokens.issue(process.id());
        assertThat(authenticated(b.authenticate(token))).isTrue();

        a.store.remove(process.id());

        assertThat(authenticated(a.authenticate(token))).isFalse();
        clockB.advance(ProcessStore.Builder.DEFAULT_MAX_STALENESS);
        assertThat(authenticated(b.authenticate(token))).isFalse();
    }
}
