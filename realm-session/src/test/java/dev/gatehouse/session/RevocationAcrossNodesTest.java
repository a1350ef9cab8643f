package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.testing.MutableClock;
import dev.gatehouse.core.testing.PostgresSchema;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes of one host over one PostgreSQL schema, each with its own connections, process store,
 * user directory, clock and ticker. A final status written on one node revokes the token there at
 * once, and on the other within the bound (1 s by default); so does a user disabled on one node.
 */
class RevocationAcrossNodesTest {

    private static final Duration BOUND = ProcessStore.Builder.DEFAULT_MAX_STALENESS;

    private static PostgresSchema schema;

    @BeforeAll
    static void createSchema() {
        schema = PostgresSchema.create("session_revocation");
        SchemaMigrations.apply(schema.dataSource(), "core");
        SchemaMigrations.apply(schema.dataSource(), "session");
    }

    @AfterAll
    static void dropSchema() {
        if (schema != null) {
            schema.close();
        }
    }

    private static SessionFixture nodeA() {
        return SessionFixture.jdbc(schema.dataSource(), MutableClock.atEpochOfTests());
    }

    private static SessionFixture nodeB() {
        return SessionFixture.jdbc(schema.anotherDataSource(), MutableClock.atEpochOfTests());
    }

    private static boolean authenticated(AuthenticationResult r) {
        return r instanceof AuthenticationResult.Authenticated;
    }

    @Test
    void finalStatusRevokesAtOnceOnTheWritingNodeAndWithinTheBoundOnTheOther() {
        SessionFixture a = nodeA();
        SessionFixture b = nodeB();
        User alice = a.user("alice-" + UUID.randomUUID());
        ProcessRef process = a.runningProcess(alice);
        String token = a.tokens.issue(process.id());

        // both nodes accept it, and both have now cached the verification and the process row
        assertThat(authenticated(a.authenticate(token))).isTrue();
        assertThat(authenticated(b.authenticate(token))).isTrue();

        a.store.updateStatus(process.id(), "FINISHED");

        assertThat(a.authenticate(token)).as("on the node that wrote the status: at once")
                .isInstanceOf(AuthenticationResult.Rejected.class);
        b.clock.advance(BOUND);
        assertThat(b.authenticate(token)).as("on the other node: once the bound has passed")
                .isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(b.store.find(process.id()).orElseThrow().status()).isEqualTo("FINISHED");
    }

    @Test
    void finalStatusRevokesOnTheOtherNodeWithinTheBoundOnTheSystemClock() throws InterruptedException {
        ProcessStore storeA = ProcessStore.builder().jdbc(schema.dataSource());
        ProcessStore storeB = ProcessStore.builder().jdbc(schema.anotherDataSource());
        MutableClock clockA = MutableClock.atEpochOfTests();
        MutableClock clockB = MutableClock.atEpochOfTests();
        SessionFixture a = new SessionFixture(clockA, UserDirectory.jdbc(schema.dataSource(), Clock.systemUTC()),
                storeA, SessionFixture.settings());
        SessionFixture b = new SessionFixture(clockB, UserDirectory.jdbc(schema.anotherDataSource(), Clock.systemUTC()),
                storeB, SessionFixture.settings());
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
        SessionFixture a = nodeA();
        SessionFixture b = nodeB();
        User alice = a.user("alice-" + UUID.randomUUID());
        User bob = a.user("bob-" + UUID.randomUUID());
        ProcessRef process = a.runningProcess(alice);
        String token = a.tokens.issue(process.id());
        assertThat(((AuthenticationResult.Authenticated) b.authenticate(token)).identity().userId()).isEqualTo(alice.id());

        a.store.updateCurrentUser(process.id(), bob.id());

        assertThat(((AuthenticationResult.Authenticated) a.authenticate(token)).identity().userId()).isEqualTo(bob.id());
        b.clock.advance(BOUND);
        assertThat(((AuthenticationResult.Authenticated) b.authenticate(token)).identity().userId()).isEqualTo(bob.id());
    }

    @Test
    void removedProcessIsRefusedOnBothNodes() {
        SessionFixture a = nodeA();
        SessionFixture b = nodeB();
        ProcessRef process = a.runningProcess(a.user("alice-" + UUID.randomUUID()));
        String token = a.tokens.issue(process.id());
        assertThat(authenticated(b.authenticate(token))).isTrue();

        a.store.remove(process.id());

        assertThat(authenticated(a.authenticate(token))).isFalse();
        b.clock.advance(BOUND);
        assertThat(authenticated(b.authenticate(token))).isFalse();
    }

    @Test
    void userDisabledOnOneNodeIsRefusedOnTheOtherOnceTheBoundHasPassed() {
        SessionFixture a = nodeA();
        SessionFixture b = nodeB();
        User alice = a.user("alice-" + UUID.randomUUID());
        String token = a.tokens.issue(a.runningProcess(alice).id());
        assertThat(authenticated(b.authenticate(token))).isTrue();

        a.users.setDisabled(alice.id(), true);

        // no background re-read ever runs on B: the bound holds by expiry alone
        b.clock.advance(BOUND.minusMillis(1));
        b.authenticate(token);
        b.clock.advance(Duration.ofMillis(1));
        assertThat(b.authenticate(token)).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void userDisabledOnOneNodeIsRefusedOnTheOtherAsSoonAsItsBackgroundReReadRan() {
        SessionFixture a = nodeA();
        SessionFixture b = nodeB();
        User alice = a.user("alice-" + UUID.randomUUID());
        String token = a.tokens.issue(a.runningProcess(alice).id());
        assertThat(authenticated(b.authenticate(token))).isTrue();

        a.users.setDisabled(alice.id(), true);
        b.clock.advance(BOUND.dividedBy(2).plusMillis(100));
        assertThat(authenticated(b.authenticate(token))).as("still within the bound, re-reads queued").isTrue();
        assertThat(b.refreshes.runAll()).isPositive();
        assertThat(b.authenticate(token)).isInstanceOf(AuthenticationResult.Rejected.class);
    }
}
