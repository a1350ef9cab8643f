package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.testing.H2Database;
import dev.gatehouse.core.testing.MutableClock;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What only the JDBC store does: no schema of its own, outages as {@link BackendUnavailableException}
 * that leave nothing behind, and local copies that are re-read in the background within the bound.
 */
class JdbcProcessStoreTest {

    private final MutableClock clock = MutableClock.atEpochOfTests();
    private final ManualExecutor refreshes = new ManualExecutor();
    private final DataSource h2 = H2Database.create();
    private final CountingDataSource db = new CountingDataSource(h2);

    JdbcProcessStoreTest() {
        SchemaMigrations.apply(h2, "session");
    }

    private ProcessStore store(DataSource ds) {
        return ProcessStore.builder().clock(clock).ticker(SessionFixture.ticker(clock)).refreshExecutor(refreshes)
                .jdbc(ds);
    }

    private static ProcessRef newProcess() {
        return new ProcessRef(UUID.randomUUID(), "acme", Optional.of("payments"));
    }

    @Test
    void buildingAStoreCreatesNoTables() throws Exception {
        DataSource fresh = H2Database.create();
        ProcessStore.jdbc(fresh);
        ProcessStore.builder().jdbc(fresh);
        try (Connection c = fresh.getConnection();
                ResultSet rs = c.getMetaData().getTables(null, null, "GH_SESSION_PROCESSES", null)) {
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void theStaticFactoriesMakeWorkingStores() {
        for (ProcessStore s : new ProcessStore[] {ProcessStore.inMemory(), ProcessStore.jdbc(h2)}) {
            ProcessRef p = newProcess();
            s.register(p, UUID.randomUUID(), "RUNNING");
            assertThat(s.find(p.id()).orElseThrow().status()).isEqualTo("RUNNING");
            assertThat(s.isFinal("FINISHED")).isTrue();
        }
    }

    @Test
    void anOutageIsBackendUnavailableEverywhereAndNothingOutlivesIt() {
        ProcessStore store = store(db);
        ProcessRef known = newProcess();
        store.register(known, UUID.randomUUID(), "RUNNING");
        ProcessRef unknown = newProcess();

        db.down();
        assertThatThrownBy(() -> store.find(unknown.id())).isInstanceOf(BackendUnavailableException.class)
                .hasMessageNotContaining("jdbc:");
        assertThatThrownBy(() -> store.register(newProcess(), UUID.randomUUID(), "RUNNING"))
                .isInstanceOf(BackendUnavailableException.class);
        assertThatThrownBy(() -> store.updateStatus(known.id(), "FINISHED")).isInstanceOf(BackendUnavailableException.class);
        assertThatThrownBy(() -> store.updateCurrentUser(known.id(), UUID.randomUUID()))
                .isInstanceOf(BackendUnavailableException.class);
        assertThatThrownBy(() -> store.remove(known.id())).isInstanceOf(BackendUnavailableException.class);
        assertThat(store.find(known.id()).orElseThrow().status()).as("the local copy, within the bound")
                .isEqualTo("RUNNING");
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> store.find(known.id())).as("past the bound the database must answer")
                .isInstanceOf(BackendUnavailableException.class);

        db.up();
        assertThat(store.find(known.id()).orElseThrow().status()).isEqualTo("RUNNING");
        assertThat(store.find(unknown.id())).isEmpty();
        assertThat(store.updateStatus(known.id(), "FINISHED")).isTrue();
    }

    @Test
    void aCopyInUseIsReReadInTheBackgroundNotByTheLookup() {
        ProcessStore store = store(db);
        ProcessStore otherNode = store(h2);
        ProcessRef p = newProcess();
        otherNode.register(p, UUID.randomUUID(), "RUNNING");
        assertThat(store.find(p.id())).isPresent();
        int afterFirstRead = db.connections();

        for (int step = 0; step < 20; step++) { // 20 x 300 ms: six bounds
            clock.advance(Duration.ofMillis(300));
            assertThat(store.find(p.id()).orElseThrow().status()).isEqualTo("RUNNING");
            assertThat(db.connections()).as("step %d: the lookup itself read nothing", step).isEqualTo(afterFirstRead);
            afterFirstRead += refreshes.runAll();
            assertThat(db.connections()).isEqualTo(afterFirstRead);
        }
        assertThat(afterFirstRead).as("the copy was re-read in the background").isGreaterThan(5);

        otherNode.updateStatus(p.id(), "FINISHED");
        clock.advance(Duration.ofMillis(600));
        store.find(p.id());
        refreshes.runAll();
        assertThat(store.find(p.id()).orElseThrow().status()).as("the re-read brought the final status")
                .isEqualTo("FINISHED");
    }

    @Test
    void aFailedBackgroundReReadDoesNotStretchTheBound() {
        ProcessStore store = store(db);
        ProcessRef p = newProcess();
        store.register(p, UUID.randomUUID(), "RUNNING");
        clock.advance(Duration.ofMillis(600));
        store.find(p.id());
        db.down();
        assertThat(refreshes.runAll()).isEqualTo(1);
        clock.advance(Duration.ofMillis(399));
        assertThat(store.find(p.id())).isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThatThrownBy(() -> store.find(p.id())).isInstanceOf(BackendUnavailableException.class);
    }

    @Test
    void aFinalStatusIsKeptWithoutReReading() {
        ProcessStore store = store(db);
        ProcessRef p = newProcess();
        store.register(p, UUID.randomUUID(), "RUNNING");
        store.updateStatus(p.id(), "FINISHED");
        int before = db.connections();
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofMinutes(1));
            assertThat(store.find(p.id()).orElseThrow().status()).isEqualTo("FINISHED");
            refreshes.runAll();
        }
        assertThat(db.connections()).isEqualTo(before);
    }

    @Test
    void evictionAtTheSizeBoundKeepsTheCopyInUse() {
        ProcessStore store = ProcessStore.builder().ticker(SessionFixture.ticker(clock)).refreshExecutor(refreshes)
                .maxStaleness(Duration.ofMinutes(1)).maxCachedProcesses(3).jdbc(db);
        ProcessRef hot = newProcess();
        store.register(hot, UUID.randomUUID(), "RUNNING");
        for (int i = 0; i < 5; i++) {
            store.find(hot.id());
        }
        for (int i = 0; i < 20; i++) {
            store.register(newProcess(), UUID.randomUUID(), "RUNNING");
            int before = db.connections();
            assertThat(store.find(hot.id())).isPresent();
            assertThat(db.connections()).as("after %d more processes the hot copy is still here", i + 1)
                    .isEqualTo(before);
        }
    }

    @Test
    void zeroStalenessReadsTheDatabaseEveryTime() {
        ProcessStore store = ProcessStore.builder().maxStaleness(Duration.ZERO).jdbc(db);
        ProcessRef p = newProcess();
        store.register(p, UUID.randomUUID(), "RUNNING");
        int before = db.connections();
        store.find(p.id());
        store.find(p.id());
        assertThat(db.connections()).isEqualTo(before + 2);
    }
}
