package dev.gatehouse.bench.apikey;

import dev.gatehouse.apikey.ApiKeyRealm;
import dev.gatehouse.apikey.ApiKeyStore;
import dev.gatehouse.apikey.NewApiKey;
import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.Decision;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One API-key request through {@link AuthenticationFilter}, in-process (no socket, a minimal servlet
 * request): Gatehouse's cached realm next to the Concord way (hash the key, one query joining the
 * key with its owner, on every request) on in-memory H2 and on the local PostgreSQL.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar -f 1 -t 1 -wi 2 -w 2s -i 3 -r 3s ApiKeyAuthentication
 * </pre>
 *
 * Every benchmark checks that the request got through, so a refused request cannot pass for a
 * fast one. PostgreSQL: 127.0.0.1:5432, database {@code test}, user {@code postgres} (override with
 * {@code GATEHOUSE_PG_HOST}, {@code GATEHOUSE_PG_PORT}); a private schema is dropped afterwards.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class ApiKeyAuthenticationBenchmark {

    private static final String PATH = "/api/v1/org";

    private ApiKeyRealm cachedRealm;
    private AuthenticationFilter cachedFilter;
    private Gatehouse cachedGatehouse;
    private RequestView cachedView;
    private AuthenticationFilter ceilingFilter;
    private AuthenticationFilter h2Filter;
    private Gatehouse h2Gatehouse;
    private ConcordStyleRealm h2Realm;
    private AuthenticationFilter postgresFilter;
    private ConcordStyleRealm postgresRealm;
    private PGSimpleDataSource postgresAdmin;
    private String postgresSchema;
    private String key;
    private String postgresKey;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:bench_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1");
        h2.setUser("sa");
        UserDirectory users = prepare(h2);
        User alice = users.create(NewUser.of("alice", UserType.LOCAL));

        cachedRealm = ApiKeyRealm.builder("apikey", ApiKeyStore.jdbc(h2), users).build();
        key = cachedRealm.keys().create(Identity.of(alice, "bench"), NewApiKey.forUser(alice.id())).revealKey();
        cachedGatehouse = Gatehouse.builder().users(users).realm(cachedRealm).build();
        cachedFilter = AuthenticationFilter.builder(cachedGatehouse).build();
        cachedView = RequestView.builder().path(PATH).header("Authorization", key).build();

        Identity aliceIdentity = Identity.of(alice, "fixed");
        ceilingFilter = filter(users, new FixedIdentityRealm(aliceIdentity));

        h2Realm = new ConcordStyleRealm(h2);
        h2Gatehouse = Gatehouse.builder().users(users).realm(h2Realm).build();
        h2Filter = AuthenticationFilter.builder(h2Gatehouse).build();

        postgresAdmin = new PGSimpleDataSource();
        postgresAdmin.setServerNames(new String[] {env("GATEHOUSE_PG_HOST", "127.0.0.1")});
        postgresAdmin.setPortNumbers(new int[] {Integer.parseInt(env("GATEHOUSE_PG_PORT", "5432"))});
        postgresAdmin.setDatabaseName("test");
        postgresAdmin.setUser("postgres");
        postgresSchema = "gh_bench_apikey_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = postgresAdmin.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + postgresSchema);
        }
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(postgresAdmin.getURL());
        pg.setUser("postgres");
        pg.setCurrentSchema(postgresSchema);
        UserDirectory pgUsers = prepare(pg);
        User bob = pgUsers.create(NewUser.of("bob", UserType.LOCAL));
        try (ApiKeyRealm pgKeys = ApiKeyRealm.builder("apikey", ApiKeyStore.jdbc(pg), pgUsers).build()) {
            postgresKey = pgKeys.keys().create(Identity.of(bob, "bench"), NewApiKey.forUser(bob.id())).revealKey();
        }
        postgresRealm = new ConcordStyleRealm(pg);
        postgresFilter = filter(pgUsers, postgresRealm);

        // Fail fast, before measuring, if any variant would refuse its request.
        cachedThroughFilter();
        h2LookupThroughFilter();
        postgresLookupThroughFilter();
        cachedThroughGatehouse();
        ceilingThroughFilter();
        h2LookupThroughGatehouse();
    }

    private static UserDirectory prepare(DataSource ds) {
        SchemaMigrations.apply(ds, "core");
        SchemaMigrations.apply(ds, "apikey");
        return UserDirectory.jdbc(ds, Clock.systemUTC());
    }

    private static AuthenticationFilter filter(UserDirectory users, Realm realm) {
        return AuthenticationFilter.builder(Gatehouse.builder().users(users).realm(realm).build()).build();
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        cachedRealm.close();
        h2Realm.close();
        postgresRealm.close();
        try (Connection c = postgresAdmin.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + postgresSchema + " CASCADE");
        }
    }

    private static Object run(AuthenticationFilter filter, String authorization) throws Exception {
        InProcessRequests.Chain chain = new InProcessRequests.Chain();
        filter.doFilter(InProcessRequests.get(PATH, authorization), InProcessRequests.RESPONSE, chain);
        if (chain.lastPrincipal == null) {
            throw new IllegalStateException("the request was refused");
        }
        return chain.lastPrincipal;
    }

    /** Gatehouse: a cache hit (no store, no user lookup) through the servlet filter. */
    @Benchmark
    public Object cachedThroughFilter() throws Exception {
        return run(cachedFilter, key);
    }

    /** Gatehouse: the same cache hit through {@code Gatehouse.authenticate}, without the servlet layer. */
    @Benchmark
    public Object cachedThroughGatehouse() {
        return authenticated(cachedGatehouse.authenticate(cachedView, AuthenticationMode.REQUIRED));
    }

    /** The Concord way on in-memory H2 through {@code Gatehouse.authenticate}, for the same comparison. */
    @Benchmark
    public Object h2LookupThroughGatehouse() {
        return authenticated(h2Gatehouse.authenticate(cachedView, AuthenticationMode.REQUIRED));
    }

    private static Decision authenticated(Decision d) {
        if (!(d instanceof Decision.Authenticated)) {
            throw new IllegalStateException("the request was refused: " + d);
        }
        return d;
    }

    /**
     * Not a contender: a realm that accepts any bare token without looking at it. The ceiling of
     * any realm through this filter and engine, so the realm's own share can be read off.
     */
    @Benchmark
    public Object ceilingThroughFilter() throws Exception {
        return run(ceilingFilter, key);
    }

    /** The Concord way on in-memory H2: one key-and-owner query per request, through the filter. */
    @Benchmark
    public Object h2LookupThroughFilter() throws Exception {
        return run(h2Filter, key);
    }

    /** The Concord way on the local PostgreSQL: one query per request, through the filter. */
    @Benchmark
    public Object postgresLookupThroughFilter() throws Exception {
        return run(postgresFilter, postgresKey);
    }
}
