package dev.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import dev.gatehouse.core.testing.H2Database;
import dev.gatehouse.core.testing.JettyHarness;
import dev.gatehouse.core.testing.MutableClock;
import dev.gatehouse.core.testing.PostgresSchema;
import dev.gatehouse.core.testing.StubRealm;
import dev.gatehouse.core.testing.SwitchableDataSource;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A user directory whose database is down: never the caller's fault. {@link Accounts} answers
 * {@code Unavailable}, the engine 503 with {@code Retry-After}, nothing is charged to throttling,
 * and the same credential works again as soon as the database is back, without a restart.
 */
class AccountsOutageTest {

    private final MutableClock clock = MutableClock.atEpochOfTests();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private SwitchableDataSource database(String kind) {
        DataSource working;
        if (kind.equals("postgresql")) {
            PostgresSchema schema = PostgresSchema.create("outage");
            closeables.add(schema);
            working = schema.dataSource();
        } else {
            working = H2Database.create();
        }
        SchemaMigrations.apply(working, "core");
        return new SwitchableDataSource(working);
    }

    private static String basic(String s) {
        return "Basic " + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void signInAndIdentifyAnswerUnavailableWhileTheDirectoryIsDown(String kind) {
        SwitchableDataSource db = database(kind);
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        Accounts accounts = new Accounts(UserDirectory.jdbc(db, clock), clock, Duration.ofSeconds(1), nanos::get);
        AuthenticationResult first = accounts.signIn("corp", ExternalUser.of("alice", UserType.LDAP), true);
        UUID alice = ((AuthenticationResult.Authenticated) first).identity().userId();
        accounts.signIn("corp", ExternalUser.of("alice", UserType.LDAP), true); // read back after the first login's write

        db.down();
        assertThat(accounts.signIn("corp", ExternalUser.of("alice", UserType.LDAP), true))
                .as("within the bound, the record read before the outage serves a repeat login")
                .isInstanceOf(AuthenticationResult.Authenticated.class);
        nanos.addAndGet(Duration.ofMillis(1001).toNanos()); // past the bound: the outage shows

        assertThat(accounts.signIn("corp", ExternalUser.of("alice", UserType.LDAP), true))
                .isInstanceOfSatisfying(AuthenticationResult.Unavailable.class, u -> {
                    assertThat(u.backend()).isEqualTo("user directory");
                    assertThat(u.retryAfter()).isPositive();
                });
        assertThat(accounts.signIn("corp", ExternalUser.of("newcomer", UserType.LDAP), true))
                .as("a first login that would create the record").isInstanceOf(AuthenticationResult.Unavailable.class);
        assertThat(accounts.identify("apikey", alice)).isInstanceOf(AuthenticationResult.Unavailable.class);

        db.up();

        assertThat(accounts.signIn("corp", ExternalUser.of("alice", UserType.LDAP), true))
                .isInstanceOf(AuthenticationResult.Authenticated.class);
        assertThat(accounts.identify("apikey", alice)).isInstanceOf(AuthenticationResult.Authenticated.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void passwordLoginIs503NeverThrottledWhileTheDirectoryIsDownAnd200OnceItIsBack(String kind) throws Exception {
        SwitchableDataSource db = database(kind);
        Gatehouse gatehouse = Gatehouse.builder().clock(clock).users(UserDirectory.jdbc(db, clock))
                .accountsRevocationBound(Duration.ZERO) // every login reads the directory
                .throttling(new Throttling(2, Duration.ofSeconds(30), Duration.ofMinutes(5), 1000))
                .realm("corp", "static-password", Map.of("user.alice", "Right-1"))
                .build();
        JettyHarness jetty = JettyHarness.start(AuthenticationFilter.builder(gatehouse).build());
        closeables.add(jetty);
        assertThat(jetty.get("/x", "Authorization", basic("alice:Right-1")).statusCode()).isEqualTo(200);

        db.down();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = jetty.get("/x", "Authorization", basic("alice:Right-1"));
            assertThat(r.statusCode()).as("attempt %d during the outage", i + 1).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(r.body()).isEqualTo("{\"message\":\"Authentication service unavailable; retry later\"}");
        }
        db.up();

        HttpResponse<String> after = jetty.get("/x", "Authorization", basic("alice:Right-1"));
        assertThat(after.statusCode()).as("the outage left no throttling behind").isEqualTo(200);
        assertThat(after.body()).startsWith("user=alice realm=corp");
        assertThat(jetty.reached()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void tokenLoginOfAKnownUserIs503WhileTheDirectoryIsDownAnd200OnceItIsBack(String kind) throws Exception {
        SwitchableDataSource db = database(kind);
        UserDirectory users = UserDirectory.jdbc(db, clock);
        User owner = users.create(NewUser.of("owner", UserType.LOCAL));
        Accounts accounts = new Accounts(users, clock);
        StubRealm keys = new StubRealm("apikey", "X-Key", token -> token.equals("k-1")
                ? accounts.identify("apikey", owner.id())
                : AuthenticationResult.Rejected.because("unknown key"));
        Gatehouse gatehouse = Gatehouse.builder().clock(clock).users(users)
                .throttling(new Throttling(2, Duration.ofSeconds(30), Duration.ofMinutes(5), 1000))
                .realm(keys).build();
        JettyHarness jetty = JettyHarness.start(AuthenticationFilter.builder(gatehouse).build());
        closeables.add(jetty);

        db.down();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = jetty.get("/x", "X-Key", "k-1");
            assertThat(r.statusCode()).as("attempt %d during the outage", i + 1).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
        }
        db.up();

        assertThat(jetty.get("/x", "X-Key", "k-1").statusCode()).isEqualTo(200);
        assertThat(users.findById(owner.id())).map(User::username).isEqualTo(Optional.of("owner"));
    }
}
