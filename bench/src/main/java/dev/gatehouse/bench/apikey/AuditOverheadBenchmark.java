package dev.gatehouse.bench.apikey;

import dev.gatehouse.apikey.ApiKeyRealm;
import dev.gatehouse.apikey.ApiKeyStore;
import dev.gatehouse.apikey.NewApiKey;
import dev.gatehouse.core.AuthenticationListener;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.audit.AuditEvent;
import dev.gatehouse.core.audit.AuditQuery;
import dev.gatehouse.core.audit.AuditTrail;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import java.time.Clock;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 17: the cached API-key path costs the same with the audit trail on and off. Both variants
 * authenticate one cached key through {@link AuthenticationFilter} in-process, on the same H2
 * database; "on" has a JDBC {@link AuditTrail} (batched writer running) as the engine's listener
 * for a password realm {@code ldap} and as the API-key realm's trail, the way the example server
 * wires it. Compare the two scores of one run:
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar -f 1 -wi 2 -w 2s -i 3 -r 3s AuditOverhead
 * </pre>
 *
 * {@code auditOff} and {@code auditOn} run one after the other, each in its own JVM;
 * {@code pair:pairAuditOff} and {@code pair:pairAuditOn} run side by side in one JVM (a thread
 * each), which is the fairer comparison on a shared machine.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class AuditOverheadBenchmark {

    private static final String PATH = "/api/v1/org";

    private ApiKeyRealm offRealm;
    private ApiKeyRealm onRealm;
    private AuthenticationFilter off;
    private AuthenticationFilter on;
    private AuditTrail trail;
    private String offKey;
    private String onKey;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:bench_audit_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1");
        h2.setUser("sa");
        for (String component : new String[] {"core", "apikey", "audit"}) {
            SchemaMigrations.apply(h2, component);
        }
        UserDirectory users = UserDirectory.jdbc(h2, Clock.systemUTC());
        User alice = users.create(NewUser.of("alice", UserType.LOCAL));
        Identity creator = Identity.of(alice, "bench");

        offRealm = ApiKeyRealm.builder("apikey", ApiKeyStore.jdbc(h2), users).build();
        offKey = offRealm.keys().create(creator, NewApiKey.forUser(alice.id()).withName("audit-off")).revealKey();
        off = AuthenticationFilter.builder(Gatehouse.builder().users(users).realm(offRealm)
                .listener(AuthenticationListener.logging()).build()).build();

        trail = AuditTrail.jdbc(h2).build();
        onRealm = ApiKeyRealm.builder("apikey", ApiKeyStore.jdbc(h2), users).audit(trail).build();
        onKey = onRealm.keys().create(creator, NewApiKey.forUser(alice.id()).withName("audit-on")).revealKey();
        on = AuthenticationFilter.builder(Gatehouse.builder().users(users).realm(onRealm)
                .listener(AuditTrail.listener(trail, Set.of("ldap"), AuthenticationListener.logging())).build()).build();

        // Fail fast: both variants authenticate, and the trail is live (the key's creation is in it).
        auditOff();
        auditOn();
        if (trail.query(AuditQuery.all().action(AuditEvent.APIKEY_CREATE)).records().size() != 1) {
            throw new IllegalStateException("the audit trail did not record the key's creation");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        offRealm.close();
        onRealm.close();
        trail.close();
    }

    private static Object run(AuthenticationFilter filter, String authorization) throws Exception {
        InProcessRequests.Chain chain = new InProcessRequests.Chain();
        filter.doFilter(InProcessRequests.get(PATH, authorization), InProcessRequests.RESPONSE, chain);
        if (chain.lastPrincipal == null) {
            throw new IllegalStateException("the request was refused");
        }
        return chain.lastPrincipal;
    }

    /** A cached key, no audit trail. */
    @Benchmark
    public Object auditOff() throws Exception {
        return run(off, offKey);
    }

    /** The same cached key with the JDBC audit trail wired in. */
    @Benchmark
    public Object auditOn() throws Exception {
        return run(on, onKey);
    }

    /**
     * Both variants at the same time, one thread each, in one JVM: on a shared, noisy machine the
     * two scores of group {@code pair} see the same load, so their ratio is the one to read.
     */
    @Benchmark
    @Group("pair")
    @GroupThreads(1)
    public Object pairAuditOff() throws Exception {
        return run(off, offKey);
    }

    /** See {@link #pairAuditOff()}. */
    @Benchmark
    @Group("pair")
    @GroupThreads(1)
    public Object pairAuditOn() throws Exception {
        return run(on, onKey);
    }
}
