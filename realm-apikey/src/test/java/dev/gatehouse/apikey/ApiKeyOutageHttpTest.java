package dev.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.apikey.internal.GatehouseKeys;
import dev.gatehouse.apikey.testing.PrivatePostgres;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import dev.gatehouse.core.testing.JettyHarness;
import dev.gatehouse.core.testing.MutableClock;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 10 for the API-key realm, over real HTTP with default throttling: while the PostgreSQL
 * that holds keys and users is killed, a correct key that needs the store gets 503 with
 * {@code Retry-After}, never 401, and many such requests in a row never lead to 429; the key
 * service refuses with {@link BackendUnavailableException}; once the database is back, the same
 * keys get 200 on their first request, without restarting anything (nothing the outage caused was
 * cached).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiKeyOutageHttpTest {

    private static final Duration BOUND = Duration.ofSeconds(1);

    private final MutableClock time = MutableClock.atEpochOfTests();
    private PrivatePostgres pg;
    private ApiKeyRealm realm;
    private JettyHarness jetty;
    private User alice;

    @BeforeAll
    void start() throws Exception {
        pg = PrivatePostgres.start();
        // Unpooled: every call connects anew, so "works at once after the restart" is the realm's
        // doing alone. (A pool heals after its own back-off; HikariCP waits up to 5 s between
        // attempts after a long outage.)
        DataSource db = pg.dataSource();
        SchemaMigrations.apply(db, "core");
        SchemaMigrations.apply(db, "apikey");
        UserDirectory users = UserDirectory.jdbc(db, time);
        alice = users.create(NewUser.of("alice", UserType.LOCAL));
        realm = ApiKeyRealm.builder("apikey", ApiKeyStore.jdbc(db), users).clock(time).ticker(ClockTicker.of(time))
                .revocationBound(BOUND).lastUsedFlushInterval(Duration.ofHours(1)).build();
        Gatehouse gatehouse = Gatehouse.builder().users(users).clock(time).realm(realm).build();
        jetty = JettyHarness.start(AuthenticationFilter.builder(gatehouse).build());
    }

    @AfterAll
    void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
        if (realm != null) {
            realm.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private HttpResponse<String> get(String key) throws Exception {
        return jetty.get("/api/whoami", "Authorization", key);
    }

    private static void assertUnavailable(HttpResponse<String> r, String what) {
        assertThat(r.statusCode()).as(what).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).as(what + ": Retry-After")
                .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
    }

    @Test
    void outageIs503NeverARejectionAndKeysWorkAtOnceWhenTheDatabaseIsBack() throws Exception {
        Identity asAlice = Identity.of(alice, "test");
        String used = realm.keys().create(asAlice, NewApiKey.forUser(alice.id()).withName("used")).revealKey();
        String unused = realm.keys().create(asAlice, NewApiKey.forUser(alice.id()).withName("unused")).revealKey();
        String unknown = new GatehouseKeys("gh").generate(new SecureRandom());
        assertThat(get(used).statusCode()).isEqualTo(200);

        pg.kill();
        try {
            assertThat(get(used).statusCode()).as("a cached key within the revocation bound").isEqualTo(200);
            time.advance(BOUND);
            for (int i = 0; i < 6; i++) {
                assertUnavailable(get(used), "cached key past the bound, request " + i);
                assertUnavailable(get(unused), "key never seen on this node, request " + i);
                assertUnavailable(get(unknown), "unknown key: the store cannot say so, request " + i);
            }
            assertThatThrownBy(() -> realm.keys().create(asAlice, NewApiKey.forUser(alice.id())))
                    .isInstanceOf(BackendUnavailableException.class);
            assertThatThrownBy(() -> realm.keys().list(asAlice, alice.id()))
                    .isInstanceOf(BackendUnavailableException.class);
        } finally {
            pg.restart();
        }

        assertThat(get(unused).statusCode()).as("first request after the restart, never seen before").isEqualTo(200);
        assertThat(get(used).statusCode()).as("first request after the restart, cached before").isEqualTo(200);
        assertThat(get(unknown).statusCode()).as("an unknown key is refused once the store can say so")
                .isEqualTo(401);
        assertThat(realm.keys().list(asAlice, alice.id())).extracting(ApiKey::name).contains("used", "unused");
    }
}
