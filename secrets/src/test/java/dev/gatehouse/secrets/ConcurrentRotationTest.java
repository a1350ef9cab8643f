package dev.gatehouse.secrets;

import static dev.gatehouse.secrets.Fixtures.ORG;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.testing.H2Database;
import dev.gatehouse.core.testing.PostgresSchema;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.secrets.store.StoredSecret;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11: two nodes share one database; eight threads create, read, update, delete and re-create
 * secrets under a few names while re-encryption sweeps run over and over and the cluster's primary
 * key moves back and forth (both nodes are restarted with the other key as their primary). Every
 * operation a client was told succeeded must be what the store holds afterwards.
 *
 * <p>Operations on one name are serialised by the test (as one client would issue them), so that
 * "the last acknowledged operation" is well defined; the sweeps and restarts take no such lock:
 * they are what races the clients.
 */
class ConcurrentRotationTest {

    private static final List<String> NAMES = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
            "hotel");
    private static final int THREADS = 8;
    private static final int OPERATIONS_PER_THREAD = 200;
    /** Which operation a draw of 0-9 is: create and delete are frequent, so that names are often re-created. */
    private static final int[] OPERATION = {0, 0, 0, 1, 1, 2, 2, 3, 3, 3};

    private final byte[] k1 = ServerKeyRing.generateKeyMaterial();
    private final byte[] k2 = ServerKeyRing.generateKeyMaterial();
    private final Caller alice = Fixtures.member();

    /** One database, and a connection pool per node on it, as two hosts would have. */
    private static final class Database implements AutoCloseable {
        private final PostgresSchema schema;
        private final HikariDataSource[] pools = new HikariDataSource[2];

        Database(String kind) {
            schema = kind.equals("h2") ? null : PostgresSchema.create("rotation_race");
            DataSource h2 = schema == null ? H2Database.create() : null;
            for (int i = 0; i < 2; i++) {
                HikariConfig config = new HikariConfig();
                config.setDataSource(schema == null ? h2 : i == 0 ? schema.dataSource() : schema.anotherDataSource());
                config.setMaximumPoolSize(THREADS + 2);
                config.setPoolName("node-" + i);
                pools[i] = new HikariDataSource(config);
            }
        }

        DataSource node(int i) {
            return pools[i];
        }

        @Override
        public void close() {
            for (HikariDataSource p : pools) {
                p.close();
            }
            if (schema != null) {
                schema.close();
            }
        }
    }

    private static Database database(String kind) {
        return new Database(kind);
    }

    private ServerKeyRing ring(String primary) {
        return ServerKeyRing.of(primary, Map.of("k1", k1, "k2", k2));
    }

    private static SecretManager node(SecretStore store, ServerKeyRing ring) {
        return SecretManager.builder().store(store).keyRing(ring).clock(Fixtures.CLOCK).build();
    }

    /** The two nodes, restarted with the other key as their primary every few sweeps. */
    private final class Cluster {
        final SecretStore[] stores;
        final AtomicReferenceArray<SecretManager> nodes = new AtomicReferenceArray<>(2);
        volatile String primary = "k1";

        Cluster(Database db) {
            stores = new SecretStore[] {SecretStore.jdbc(db.node(0)), SecretStore.jdbc(db.node(1))};
            nodes.set(0, node(stores[0], ring("k1")));
            nodes.set(1, node(stores[1], ring("k1")));
        }

        SecretManager any(Random random) {
            return nodes.get(random.nextInt(2));
        }

        /** A rolling restart of both nodes with the other key as primary; the second one moves the cluster. */
        void restartWithOtherPrimary() {
            String next = primary.equals("k1") ? "k2" : "k1";
            for (int i = 0; i < 2; i++) {
                SecretManager old = nodes.getAndSet(i, node(stores[i], ring(next)));
                old.close();
            }
            primary = next;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void everyAcknowledgedOperationSurvivesSweepsAndRotationsOnTwoNodes(String kind) throws Exception {
        try (Database db = database(kind)) {
            SchemaMigrations.apply(db.node(0), "secrets");
            Cluster cluster = new Cluster(db);
            Map<String, Optional<String>> acknowledged = new ConcurrentHashMap<>();
            Map<String, ReentrantLock> locks = new HashMap<>();
            for (String n : NAMES) {
                acknowledged.put(n, Optional.empty());
                locks.put(n, new ReentrantLock());
            }
            Queue<String> problems = new ConcurrentLinkedQueue<>();
            AtomicBoolean clientsDone = new AtomicBoolean();
            AtomicInteger sweeps = new AtomicInteger();
            AtomicInteger moved = new AtomicInteger();
            AtomicInteger conflicts = new AtomicInteger();
            long seed = new Random().nextLong();

            ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
            try {
                List<Future<?>> clients = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    clients.add(pool.submit(() -> {
                        Random random = new Random(seed + thread);
                        for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
                            String name = NAMES.get(random.nextInt(NAMES.size()));
                            ReentrantLock lock = locks.get(name);
                            lock.lock();
                            try {
                                operate(cluster.any(random), OPERATION[random.nextInt(OPERATION.length)], name,
                                        "t" + thread + "-" + i,
                                        acknowledged, problems, conflicts);
                            } finally {
                                lock.unlock();
                            }
                        }
                        return null;
                    }));
                }
                // The sweeps alternate between the nodes; every third one restarts both with the other primary.
                Future<?> sweeper = pool.submit(() -> {
                    while (!clientsDone.get()) {
                        int n = sweeps.incrementAndGet();
                        ReencryptionReport r = cluster.nodes.get(n % 2).reencryptAll();
                        if (r.moved() + r.current() + r.failed() != r.seen()) {
                            problems.add("the report does not add up: " + r);
                        }
                        moved.addAndGet(r.moved());
                        if (n % 3 == 0) {
                            cluster.restartWithOtherPrimary();
                        }
                    }
                    return null;
                });
                for (Future<?> f : clients) {
                    f.get(5, TimeUnit.MINUTES);
                }
                clientsDone.set(true);
                sweeper.get(5, TimeUnit.MINUTES);
            } finally {
                pool.shutdownNow();
            }

            assertThat(problems).as("seed " + seed).isEmpty();
            assertThat(sweeps.get()).as("sweeps that ran while clients worked").isGreaterThan(2);
            assertThat(moved.get()).as("secrets the sweeps moved while clients worked").isPositive();

            // Quiet now: one sweep finishes the current rotation, a second finds nothing to do.
            SecretManager a = cluster.nodes.get(0);
            SecretManager b = cluster.nodes.get(1);
            assertThat(a.keyRing().primary()).contains(cluster.primary);
            long present = acknowledged.values().stream().filter(Optional::isPresent).count();
            ReencryptionReport finish = a.reencryptAll();
            assertThat(finish.seen()).isEqualTo(present);
            assertThat(finish.failed()).isZero();
            assertThat(b.reencryptAll()).isEqualTo(new ReencryptionReport((int) present, 0, (int) present, 0, 0, 0, 0));

            for (String name : NAMES) {
                Optional<String> expected = acknowledged.get(name);
                for (SecretManager node : List.of(a, b)) {
                    if (expected.isPresent()) {
                        assertThat(((SecretValue.Data) node.read(alice, ORG, name)).asString()).as(name)
                                .isEqualTo(expected.get());
                        assertThat(node.metadata(alice, ORG, name).serverKeyId()).contains(cluster.primary);
                    } else {
                        SecretManagerTest.assertKind(() -> node.read(alice, ORG, name), Kind.NOT_FOUND);
                    }
                }
                Optional<StoredSecret> stored = cluster.stores[0].find(ORG, name);
                assertThat(stored.isPresent()).as(name).isEqualTo(expected.isPresent());
            }
        }
    }

    /** One client operation on {@code name}, checked against and recorded in {@code acknowledged}. */
    private void operate(SecretManager node, int op, String name, String value, Map<String, Optional<String>> acknowledged,
            Queue<String> problems, AtomicInteger conflicts) {
        Optional<String> before = acknowledged.get(name);
        try {
            switch (op) {
                case 0 -> {
                    node.create(alice, NewSecret.builder(ORG, name, SecretValue.ofString(value)).build());
                    if (before.isPresent()) {
                        problems.add("created " + name + " over the acknowledged " + before.get());
                    }
                    acknowledged.put(name, Optional.of(value));
                }
                case 1 -> {
                    String read = ((SecretValue.Data) node.read(alice, ORG, name)).asString();
                    if (!before.equals(Optional.of(read))) {
                        problems.add("read " + name + " = " + read + ", acknowledged " + before);
                    }
                }
                case 2 -> {
                    node.update(alice, ORG, name, SecretUpdate.builder().value(SecretValue.ofString(value)).build());
                    if (before.isEmpty()) {
                        problems.add("updated " + name + ", which was acknowledged deleted");
                    }
                    acknowledged.put(name, Optional.of(value));
                }
                default -> {
                    node.delete(alice, ORG, name);
                    if (before.isEmpty()) {
                        problems.add("deleted " + name + ", which was acknowledged deleted");
                    }
                    acknowledged.put(name, Optional.empty());
                }
            }
        } catch (SecretException e) {
            boolean expected = switch (e.kind()) {
                case ALREADY_EXISTS -> op == 0 && before.isPresent();
                case NOT_FOUND -> op != 0 && before.isEmpty();
                case CONFLICT -> op >= 2 && before.isPresent(); // lost to a sweep: nothing was acknowledged
                default -> false;
            };
            if (e.kind() == Kind.CONFLICT) {
                conflicts.incrementAndGet();
            }
            if (!expected) {
                problems.add("operation " + op + " on " + name + " (acknowledged " + before + ") failed: " + e);
            }
        } catch (RuntimeException e) {
            problems.add("operation " + op + " on " + name + " failed: " + e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void concurrentUpdatesOnTwoNodesNeverLoseAnAcknowledgedOne(String kind) throws Exception {
        try (Database db = database(kind)) {
            SchemaMigrations.apply(db.node(0), "secrets");
            Cluster cluster = new Cluster(db);
            cluster.nodes.get(0).create(alice, NewSecret.builder(ORG, "contended", SecretValue.ofString("v0")).build());
            Map<Long, String> acks = new ConcurrentHashMap<>();
            Queue<String> problems = new ConcurrentLinkedQueue<>();
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    writers.add(pool.submit(() -> {
                        for (int i = 0; i < 40; i++) {
                            String value = "t" + thread + "-" + i;
                            try {
                                SecretMetadata m = cluster.nodes.get((thread + i) % 2).update(alice, ORG, "contended",
                                        SecretUpdate.builder().value(SecretValue.ofString(value)).build());
                                if (acks.putIfAbsent(m.version(), value) != null) {
                                    problems.add("two acknowledged updates wrote version " + m.version());
                                }
                            } catch (SecretException e) {
                                if (e.kind() != Kind.CONFLICT) {
                                    problems.add(value + ": " + e);
                                }
                            }
                        }
                        return null;
                    }));
                }
                Future<?> sweeper = pool.submit(() -> {
                    int sweeps = 0;
                    while (!done.get()) {
                        cluster.nodes.get(sweeps % 2).reencryptAll();
                        if (++sweeps % 4 == 0) {
                            cluster.restartWithOtherPrimary();
                        }
                    }
                    return null;
                });
                for (Future<?> f : writers) {
                    f.get(5, TimeUnit.MINUTES);
                }
                done.set(true);
                sweeper.get(5, TimeUnit.MINUTES);
            } finally {
                pool.shutdownNow();
            }
            assertThat(problems).isEmpty();
            assertThat(acks).isNotEmpty();
            long last = acks.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
            for (int i = 0; i < 2; i++) {
                SecretManager node = cluster.nodes.get(i);
                assertThat(((SecretValue.Data) node.read(alice, ORG, "contended")).asString()).isEqualTo(acks.get(last));
                assertThat(node.metadata(alice, ORG, "contended").version()).isGreaterThanOrEqualTo(last);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aSweepNeverWritesOverASecretDeletedAndReCreatedAfterItReadIt(String kind) {
        try (Database db = database(kind)) {
            SchemaMigrations.apply(db.node(0), "secrets");
            SecretStore storeA = SecretStore.jdbc(db.node(0));
            SecretStore storeB = SecretStore.jdbc(db.node(1));
            try (SecretManager before = node(storeA, ring("k1"))) {
                before.create(alice, NewSecret.builder(ORG, "reborn", SecretValue.ofString("first")).build());
            }
            SecretManager client = node(storeB, ring("k2"));
            AtomicBoolean raced = new AtomicBoolean();
            SecretStore racing = new SecretManagerTest.DelegatingStore(storeA) {
                @Override
                public boolean replace(SecretMetadata expected, StoredSecret next) {
                    if (raced.compareAndSet(false, true)) {
                        // between the sweep's read and its write, a client deletes the secret and creates it
                        // again under the same name: a new record, at version 1 like the one the sweep read
                        client.delete(alice, ORG, "reborn");
                        client.create(alice, NewSecret.builder(ORG, "reborn", SecretValue.ofString("second")).build());
                    }
                    return d.replace(expected, next);
                }
            };
            SecretManager sweeper = node(racing, ring("k2"));
            assertThat(sweeper.keyRing().primary()).contains("k2");
            ReencryptionReport report = sweeper.reencryptAll();
            assertThat(raced).isTrue();
            // the compare-and-set named the record it read, so it missed; the record now there is current
            assertThat(report).isEqualTo(new ReencryptionReport(1, 0, 1, 0, 0, 0, 0));
            for (SecretManager n : List.of(client, sweeper)) {
                assertThat(((SecretValue.Data) n.read(alice, ORG, "reborn")).asString()).isEqualTo("second");
            }
        }
    }
}
