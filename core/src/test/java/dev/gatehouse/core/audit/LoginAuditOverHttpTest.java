package dev.gatehouse.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationListener;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.audit.AuditEvent.Outcome;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import dev.gatehouse.core.testing.JettyHarness;
import dev.gatehouse.core.testing.MutableClock;
import dev.gatehouse.core.testing.StubRealm;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Logins reach the audit trail over real HTTP: password logins when they succeed, fail or are
 * throttled; a token realm's successes not at all (its every request would be one), and the
 * engine does not even build them; never the password.
 */
class LoginAuditOverHttpTest {

    private static final String PASSWORD = "Wonderland1";
    private final MutableClock clock = MutableClock.atEpochOfTests();
    private final AuditTrail trail = AuditTrail.inMemory();
    private final AtomicInteger successesBuilt = new AtomicInteger();
    private JettyHarness jetty;

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
    }

    private static String basic(String s) {
        return "Basic " + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void passwordLoginsAreAuditedWithOutcomeAndAddressAndTokenSuccessesAreNot() throws Exception {
        AuthenticationListener counting = new AuthenticationListener() {
            @Override
            public void on(dev.gatehouse.core.AuthenticationEvent event) {
                if (event instanceof dev.gatehouse.core.AuthenticationEvent.Succeeded) {
                    successesBuilt.incrementAndGet();
                }
            }

            @Override
            public boolean receivesSuccesses() {
                return false;
            }
        };
        Gatehouse gatehouse = Gatehouse.builder().clock(clock)
                .throttling(new Throttling(2, java.time.Duration.ofSeconds(60), java.time.Duration.ofMinutes(5), 1000))
                .listener(AuditTrail.listener(trail, Set.of("corp"), counting))
                .realm("corp", "static-password", Map.of("user.alice", PASSWORD, "iterations", "1"))
                .realm(StubRealm.accepting("token", "X-Token", "tok-secret-1", "robot", Set.of()))
                .build();
        jetty = JettyHarness.start(AuthenticationFilter.builder(gatehouse).build());

        assertThat(jetty.get("/x", "Authorization", basic("alice:" + PASSWORD)).statusCode()).isEqualTo(200);
        assertThat(jetty.get("/x", "X-Token", "tok-secret-1").statusCode()).isEqualTo(200);
        assertThat(jetty.get("/x", "X-Token", "tok-secret-1").statusCode()).isEqualTo(200);
        assertThat(jetty.get("/x", "Authorization", basic("alice:wrong-" + PASSWORD)).statusCode()).isEqualTo(401);
        assertThat(jetty.get("/x", "Authorization", basic("alice:wrong-" + PASSWORD)).statusCode()).isEqualTo(401);
        assertThat(jetty.get("/x", "Authorization", basic("alice:" + PASSWORD)).statusCode()).isEqualTo(429);

        List<AuditRecord> records = trail.query(AuditQuery.all().action(AuditEvent.LOGIN)).records();
        assertThat(records).extracting(r -> r.event().outcome())
                .containsExactly(Outcome.THROTTLED, Outcome.FAILURE, Outcome.FAILURE, Outcome.SUCCESS);
        AuditEvent success = records.get(3).event();
        assertThat(success.actor().orElseThrow().username()).isEqualTo("alice");
        assertThat(success.actor().orElseThrow().realm()).contains("corp");
        assertThat(success.actor().orElseThrow().userId()).isPresent();
        assertThat(success.clientAddress()).contains("127.0.0.1");
        assertThat(records.get(1).event().actor().orElseThrow().username()).isEqualTo("alice");
        assertThat(records.toString()).doesNotContain(PASSWORD).doesNotContain("tok-secret-1");
        assertThat(successesBuilt).as("the next listener, which wants no successes, got none").hasValue(0);
        AuthenticationListener listener = AuditTrail.listener(trail, Set.of("corp"), counting);
        assertThat(listener.receivesSuccesses("token")).as("the engine builds no success event for the token realm")
                .isFalse();
        assertThat(listener.receivesSuccesses("corp")).isTrue();
    }
}
