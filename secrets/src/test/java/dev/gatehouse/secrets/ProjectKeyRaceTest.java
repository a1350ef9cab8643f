package dev.gatehouse.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.testing.PostgresSchema;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.store.SecretStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two nodes encrypt for a new project at the same moment: both must end up with the one stored key. */
class ProjectKeyRaceTest {

    private static SecretStore bothSeeNoKeyYet(SecretStore base, CyclicBarrier barrier) {
        return new SecretManagerTest.DelegatingStore(base) {
            @Override
            public Optional<byte[]> findProjectKey(String org, String project) {
                Optional<byte[]> k = d.findProjectKey(org, project);
                try {
                    barrier.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return k;
            }
        };
    }

    private static void race(SecretStore nodeA, SecretStore nodeB) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        ServerKeyRing ring = ServerKeyRing.generate("k1");
        List<SecretManager> nodes = List.of(Fixtures.manager(bothSeeNoKeyYet(nodeA, barrier), ring),
                Fixtures.manager(bothSeeNoKeyYet(nodeB, barrier), ring));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<String> encrypted = new ArrayList<>();
        try {
            List<Future<String>> f = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                SecretManager node = nodes.get(i);
                String value = "from-" + i;
                f.add(pool.submit(() -> node.encryptedStrings().encrypt("acme", "fresh", value)));
            }
            for (Future<String> x : f) {
                encrypted.add(x.get(20, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        // each node decrypts the other's string: one key won, and the loser used it
        SecretManager checkA = Fixtures.manager(nodeA, ring);
        SecretManager checkB = Fixtures.manager(nodeB, ring);
        assertThat(checkA.encryptedStrings().decrypt("acme", "fresh", encrypted.get(1))).isEqualTo("from-1");
        assertThat(checkB.encryptedStrings().decrypt("acme", "fresh", encrypted.get(0))).isEqualTo("from-0");
    }

    @Test
    void concurrentFirstUseOfAProjectKeyInMemoryYieldsOneKey() throws Exception {
        SecretStore shared = SecretStore.inMemory();
        race(shared, shared);
    }

    @Test
    void concurrentFirstUseOfAProjectKeyOnTwoPostgresNodesYieldsOneKey() throws Exception {
        try (PostgresSchema schema = PostgresSchema.create("project_key_race")) {
            SecretStore a = Fixtures.jdbc(schema.dataSource());
            SecretStore b = SecretStore.jdbc(schema.anotherDataSource());
            race(a, b);
        }
    }
}
