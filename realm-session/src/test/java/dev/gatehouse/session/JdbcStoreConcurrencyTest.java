package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.testing.H2Database;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A lookup that read the database just before a local write must not leave its older copy behind:
 * once {@code updateStatus} returns, this node sees the final status, however many readers raced
 * with it.
 */
class JdbcStoreConcurrencyTest {

    @Test
    void finalStatusWrittenHereIsSeenHereAtOnceDespiteConcurrentLookups() throws Exception {
        // a long staleness bound, so that a stale copy would survive long enough to be seen
        DataSource ds = H2Database.create();
        SchemaMigrations.apply(ds, "session");
        ProcessStore store = ProcessStore.builder().maxStaleness(Duration.ofMinutes(1)).jdbc(ds);
        ExecutorService readers = Executors.newFixedThreadPool(3);
        try {
            for (int round = 0; round < 200; round++) {
                ProcessRef p = new ProcessRef(UUID.randomUUID(), "acme", Optional.empty());
                store.register(p, UUID.randomUUID(), "RUNNING");
                AtomicBoolean stop = new AtomicBoolean();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Future<?>[] running = new Future<?>[3];
                for (int r = 0; r < running.length; r++) {
                    running[r] = readers.submit(() -> {
                        try {
                            while (!stop.get()) {
                                store.find(p.id());
                            }
                        } catch (RuntimeException e) {
                            failure.set(e);
                        }
                    });
                }
                store.updateStatus(p.id(), "FINISHED");
                for (int i = 0; i < 20; i++) {
                    assertThat(store.find(p.id()).orElseThrow().status()).as("round %d", round).isEqualTo("FINISHED");
                }
                stop.set(true);
                for (Future<?> f : running) {
                    f.get(10, TimeUnit.SECONDS);
                }
                assertThat(failure.get()).isNull();
                assertThat(store.find(p.id()).orElseThrow().status()).isEqualTo("FINISHED");
            }
        } finally {
            readers.shutdownNow();
        }
    }
}
