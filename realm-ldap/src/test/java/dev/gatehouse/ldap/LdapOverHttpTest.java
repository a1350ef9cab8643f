package dev.gatehouse.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.ConstantTime;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.TokenCredentials;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import dev.gatehouse.core.testing.JettyHarness;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Over real HTTP: Jetty with Gatehouse's filter in front, an LDAP realm and, beside it, a stub
 * API-key realm that needs no directory.
 */
class LdapOverHttpTest {

    private static final String API_KEY = "test-api-key-0123456789";

    private TestDirectory directory;
    private Gatehouse gatehouse;
    private JettyHarness http;
    private FlakyUserDirectory users;

    @BeforeEach
    void setUp() throws Exception {
        directory = TestDirectory.standard();
        directory.addPerson("alice", "people", "alice-pw", "mail: alice@example.org");
        directory.addGroup("admins", "uid=alice,ou=people," + TestDirectory.BASE);
        users = new FlakyUserDirectory(UserDirectory.inMemory(Clock.systemUTC()));
        Map<String, String> settings = directory.settings();
        settings.put("groupSearchFilter", "(member={0})");
        settings.put("roleMapping.admins", "admin");
        settings.put("cacheDuration", "0s");
        // default throttling: 5 failures for one username, then 429
        // Every login reads the user directory here: the outage tests below need it. The account
        // cache and its bound are LdapRolesEverywhereTest's and core's AccountsCacheTest's.
        gatehouse = Gatehouse.builder().users(users).throttling(Throttling.defaults())
                .accountsRevocationBound(java.time.Duration.ZERO)
                .realm(new StubApiKeyRealm())
                .realm("ldap", "ldap", settings)
                .build();
        http = JettyHarness.start(AuthenticationFilter.builder(gatehouse).build());
    }

    @AfterEach
    void tearDown() throws Exception {
        http.close();
        for (Realm r : gatehouse.realms()) {
            if (r instanceof LdapRealm ldap) {
                ldap.close();
            }
        }
        directory.close();
    }

    private static String basic(String user, String pw) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + pw).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void basicLoginIs200AndCreatesTheUserOnFirstLogin() throws Exception {
        assertThat(users.findByUsername("alice", Optional.empty())).isEmpty();
        HttpResponse<String> r = http.get("/api/whoami", "Authorization", basic("alice", "alice-pw"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("user=alice").contains("roles:admin=true");
        assertThat(users.findByUsername("alice", Optional.empty())).isPresent();
    }

    @Test
    void wrongPasswordIs401WithABasicChallenge() throws Exception {
        HttpResponse<String> r = http.get("/api/whoami", "Authorization", basic("alice", "nope"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().allValues("WWW-Authenticate")).contains("Basic realm=\"ldap\", charset=\"UTF-8\"");
        assertThat(r.body()).doesNotContain("nope");
        assertThat(http.reached()).isZero();
    }

    @Test
    void emptyPasswordIs401() throws Exception {
        directory.resetCounters();
        assertThat(http.get("/api/whoami", "Authorization", basic("alice", "")).statusCode()).isEqualTo(401);
        assertThat(directory.operations()).isZero();
    }

    @Test
    void directoryDownIs503WithRetryAfterWhileApiKeysKeepWorking() throws Exception {
        directory.stop();
        HttpResponse<String> down = http.get("/api/whoami", "Authorization", basic("alice", "alice-pw"));
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.headers().firstValue("Retry-After")).contains("7");
        assertThat(http.reached()).isZero();

        HttpResponse<String> key = http.get("/api/whoami", "Authorization", API_KEY);
        assertThat(key.statusCode()).isEqualTo(200);
        assertThat(key.body()).contains("user=robot");

        directory.start();
        assertThat(http.get("/api/whoami", "Authorization", basic("alice", "alice-pw")).statusCode()).isEqualTo(200);
    }

    @Test
    void directoryOutageIs503EveryTimeNever401Or429AndRecoversWithoutARestart() throws Exception {
        assertThat(http.get("/api/whoami", "Authorization", basic("alice", "alice-pw")).statusCode()).isEqualTo(200);
        directory.stop();
        for (int i = 0; i < 7; i++) {
            HttpResponse<String> r = http.get("/api/whoami", "Authorization", basic("alice", "alice-pw"));
            assertThat(r.statusCode()).as("attempt " + (i + 1)).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).contains("7");
        }
        directory.start();
        assertThat(http.get("/api/whoami", "Authorization", basic("alice", "alice-pw")).statusCode()).isEqualTo(200);
    }

    @Test
    void userDirectoryOutageIs503EveryTimeNever401Or429AndRecoversWithoutARestart() throws Exception {
        assertThat(http.get("/api/whoami", "Authorization", basic("alice", "alice-pw")).statusCode()).isEqualTo(200);
        users.down = true;
        for (int i = 0; i < 7; i++) {
            HttpResponse<String> r = http.get("/api/whoami", "Authorization", basic("alice", "alice-pw"));
            assertThat(r.statusCode()).as("attempt " + (i + 1)).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
        }
        users.down = false;
        assertThat(http.get("/api/whoami", "Authorization", basic("alice", "alice-pw")).statusCode()).isEqualTo(200);
    }

    @Test
    void theThrottleStillCountsRealWrongPasswords() throws Exception {
        // proves the two tests above would see a 429 if outages were counted as failures
        int status = 0;
        for (int i = 0; i < 7 && status != 429; i++) {
            status = http.get("/api/whoami", "Authorization", basic("alice", "wrong-" + i)).statusCode();
        }
        assertThat(status).isEqualTo(429);
    }

    @Test
    void aTypoJustBeforeAnOutageDoesNotTakeAwayTheCachedLogin() throws Exception {
        Map<String, String> settings = directory.settings();
        settings.put("cacheDuration", "5m");
        Gatehouse cached = Gatehouse.builder().users(users).throttling(Throttling.defaults())
                .realm("ldap", "ldap", settings).build();
        try (JettyHarness server = JettyHarness.start(AuthenticationFilter.builder(cached).build())) {
            assertThat(server.get("/api/whoami", "Authorization", basic("alice", "alice-pw")).statusCode()).isEqualTo(200);
            assertThat(server.get("/api/whoami", "Authorization", basic("alice", "alice-pww")).statusCode()).isEqualTo(401);
            directory.stop();
            HttpResponse<String> r = server.get("/api/whoami", "Authorization", basic("alice", "alice-pw"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("user=alice");
            assertThat(server.get("/api/whoami", "Authorization", basic("alice", "alice-pww")).statusCode()).isEqualTo(503);
        } finally {
            cached.realm(LdapRealm.class).ifPresent(LdapRealm::close);
        }
    }

    /** Accepts one fixed bare token, as Concord clients send API keys; needs no backend. */
    private static final class StubApiKeyRealm implements Realm {
        private final UUID robot = UUID.randomUUID();

        @Override
        public String name() {
            return "apikey";
        }

        @Override
        public Optional<Credentials> credentials(RequestView request) {
            AuthorizationHeader h = request.authorization();
            return h instanceof AuthorizationHeader.Bare bare ? Optional.of(new TokenCredentials(bare.token())) : Optional.empty();
        }

        @Override
        public AuthenticationResult authenticate(Credentials credentials) {
            if (credentials instanceof TokenCredentials t && ConstantTime.equals(t.token(), API_KEY)) {
                return new AuthenticationResult.Authenticated(Identity.builder(robot, "robot", name()).build());
            }
            return AuthenticationResult.Rejected.because("unknown key");
        }
    }
}
