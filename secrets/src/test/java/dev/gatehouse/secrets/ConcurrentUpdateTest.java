package dev.gatehouse.secrets;

import static dev.gatehouse.secrets.Fixtures.ORG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.testing.H2Database;
import dev.gatehouse.core.testing.PostgresSchema;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.secrets.store.StoredSecret;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Two threads update one secret after both read the same version: one wins, one gets CONFLICT, on every store. */
class ConcurrentUpdateTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"memory", "file", "h2", "postgresql"})
    void twoConcurrentUpdatesOfOneSecretNeverLoseAnUpdate(String kind) throws Exception {
        PostgresSchema schema = kind.equals("postgresql") ? PostgresSchema.create("concurrent") : null;
        try {
            SecretStore base = switch (kind) {
                case "memory" -> SecretStore.inMemory();
                case "file" -> SecretStore.file(dir);
                case "h2" -> Fixtures.jdbc(H2Database.create());
                default -> Fixtures.jdbc(schema.dataSource());
            };
            raceOn(base);
        } finally {
            if (schema != null) {
                schema.close();
            }
        }
    }

    private void raceOn(SecretStore base) throws Exception {
        // Both updaters read version 1 before either writes: the barrier holds each find() until both arrived.
        CyclicBarrier bothRead = new CyclicBarrier(2);
        AtomicBoolean armed = new AtomicBoolean(false);
        SecretStore store = new SecretManagerTest.DelegatingStore(base) {
            @Override
            public Optional<StoredSecret> find(String org, String name) {
                Optional<StoredSecret> s = d.find(org, name);
                if (armed.get()) {
                    try {
                        bothRead.await(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                return s;
            }
        };
        SecretManager secrets = Fixtures.manager(store, ServerKeyRing.generate("k1"));
        Caller alice = Fixtures.member();
        secrets.create(alice, NewSecret.builder(ORG, "contended", SecretValue.ofString("v0")).build());
        armed.set(true);

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (String value : List.of("from-a", "from-b")) {
                results.add(pool.submit(() -> {
                    try {
                        secrets.update(alice, ORG, "contended", SecretUpdate.builder().value(SecretValue.ofString(value)).build());
                        return value;
                    } catch (SecretException e) {
                        return e.kind().name();
                    }
                }));
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : results) {
                outcomes.add(f.get(20, TimeUnit.SECONDS));
            }
            armed.set(false);
            assertThat(outcomes).containsOnlyOnce("CONFLICT");
            String winner = outcomes.stream().filter(o -> o.startsWith("from-")).findFirst().orElseThrow();
            assertThat(((SecretValue.Data) secrets.read(alice, ORG, "contended")).asString()).isEqualTo(winner);
            assertThat(secrets.metadata(alice, ORG, "contended").version()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }
}
