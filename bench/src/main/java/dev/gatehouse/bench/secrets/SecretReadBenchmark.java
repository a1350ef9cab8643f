package dev.gatehouse.bench.secrets;

import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.NewSecret;
import dev.gatehouse.secrets.SecretManager;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.store.SecretStore;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@code SecretManager.read} of a 1 KiB server-key secret from the JDBC store on in-memory H2:
 * a query, the access policy and an AES-GCM open.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar -f 1 -wi 2 -w 2s -i 3 -r 3s 'secrets.SecretReadBenchmark'
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class SecretReadBenchmark {

    private SecretManager secrets;
    private Caller caller;

    @Setup
    public void setUp() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:bench_secrets_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        SchemaMigrations.apply(ds, "secrets");
        SecretStore store = SecretStore.jdbc(ds);
        secrets = SecretManager.builder().store(store).keyRing(ServerKeyRing.generate("k1")).build();
        caller = new Caller(UUID.randomUUID(), Set.of("acme"), Set.of(), false, Optional.empty());
        for (int i = 0; i < 100; i++) {
            secrets.create(caller, NewSecret.builder("acme", "secret-" + i, SecretValue.ofBytes(new byte[1024])).build());
        }
    }

    @Benchmark
    public SecretValue readServerKeySecret() {
        SecretValue v = secrets.read(caller, "acme", "secret-42");
        if (!(v instanceof SecretValue.Data d) || d.bytes().length != 1024) {
            throw new IllegalStateException("unexpected value");
        }
        return v;
    }
}
