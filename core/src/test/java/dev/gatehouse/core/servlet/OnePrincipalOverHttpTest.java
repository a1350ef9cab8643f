package dev.gatehouse.core.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationEvent;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.testing.JettyHarness;
import dev.gatehouse.core.testing.MutableClock;
import dev.gatehouse.core.testing.StubRealm;
import dev.gatehouse.core.testplugin.StaticPasswordRealm;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 1 over real HTTP: a request is decided by one principal. Two credentials are
 * refused before anything is verified, unless the host chose a precedence; a success never clears
 * another principal's failures; a rejected password is never hidden behind another realm's success.
 */
class OnePrincipalOverHttpTest {

    private static final String SESSION = "X-Concord-SessionToken";

    private final MutableClock clock = MutableClock.atEpochOfTests();
    private final List<AuthenticationEvent> events = Collections.synchronizedList(new ArrayList<>());
    private JettyHarness jetty;
    private StubRealm sessions;
    private StubRealm keys;
    private StaticPasswordRealm passwords;

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
    }

    private static String basic(String s) {
        return "Basic " + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Passwords (Basic), API keys (Bearer in Authorization) and session tokens, as the example server has. */
    private void start(String... precedence) throws Exception {
        keys = StubRealm.accepting("apikey", "X-Api-Key", "key-1", "key-owner", Set.of("admin"));
        sessions = StubRealm.accepting("session", SESSION, "token-of-mallory", "mallory", Set.of());
        Gatehouse.Builder b = Gatehouse.builder().clock(clock).listener(events::add)
                .throttling(new Throttling(5, Duration.ofSeconds(30), Duration.ofMinutes(5), 10_000))
                .realm("corp", "static-password", Map.of("user.alice", "Wonderland1"))
                .realm(keys).realm(sessions);
        if (precedence.length > 0) {
            b.credentialPrecedence(precedence);
        }
        Gatehouse gatehouse = b.build();
        passwords = gatehouse.realm(StaticPasswordRealm.class).orElseThrow();
        jetty = JettyHarness.start(AuthenticationFilter.builder(gatehouse).build());
    }

    @Test
    void passwordGuessesNextToOnesOwnSessionTokenAreRefusedUnverified() throws Exception {
        start();
        long before = passwords.verifications();

        // The attack: curl -u alice:GUESS -H "X-Concord-SessionToken: <a token of mine>".
        for (String guess : List.of("a", "b", "Wonderland1", "c", "d", "e", "f")) {
            HttpResponse<String> r = jetty.get("/api/service/console/whoami", "Authorization", basic("alice:" + guess),
                    SESSION, "token-of-mallory");
            assertThat(r.statusCode()).as("guess %s", guess).isEqualTo(400);
            assertThat(r.body()).contains("Conflicting credentials").contains("Authorization").contains(SESSION);
            assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
        }

        assertThat(passwords.verifications() - before).as("no password was checked").isZero();
        assertThat(sessions.verified()).as("no token was checked").isZero();
        assertThat(jetty.reached()).isZero();
    }

    @Test
    void anApiKeyNextToASessionTokenAndTwoSessionTokensAreRefused() throws Exception {
        start();

        assertThat(jetty.get("/x", "X-Api-Key", "key-1", SESSION, "token-of-mallory").statusCode()).isEqualTo(400);
        assertThat(jetty.get("/x", "Authorization", "Bearer key-1", SESSION, "token-of-mallory").statusCode()).isEqualTo(400);
        JettyHarness.RawResponse twice = jetty.rawGet("/x", SESSION + ": token-of-mallory", SESSION + ": other");
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.body()).contains(SESSION + " (2 times)");
        assertThat(keys.verified() + sessions.verified()).isZero();

        assertThat(jetty.get("/x", SESSION, "token-of-mallory").statusCode()).as("one credential is fine").isEqualTo(200);
    }

    @Test
    void withAPrecedenceTheFirstListedCredentialAloneDecides() throws Exception {
        start("Authorization", SESSION);

        HttpResponse<String> wrong = jetty.get("/x", "Authorization", basic("alice:GUESS"), SESSION, "token-of-mallory");
        assertThat(wrong.statusCode()).as("the rejected password is not hidden behind the token").isEqualTo(401);
        assertThat(sessions.verified()).as("the token is never looked at").isZero();

        HttpResponse<String> right = jetty.get("/x", "Authorization", basic("alice:Wonderland1"), SESSION, "token-of-mallory");
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.body()).startsWith("user=alice realm=corp");

        assertThat(jetty.get("/x", "X-Api-Key", "key-1", "Authorization", basic("alice:x")).statusCode())
                .as("a credential header the precedence does not list is still a conflict").isEqualTo(400);
    }

    @Test
    void guessesUnderAPrecedenceAreCountedAndThrottledAgainstTheirOwnAccount() throws Exception {
        start("Authorization", SESSION);

        for (int i = 0; i < 5; i++) {
            assertThat(jetty.get("/x", "Authorization", basic("alice:guess" + i), SESSION, "token-of-mallory").statusCode())
                    .isEqualTo(401);
        }

        assertThat(jetty.get("/x", "Authorization", basic("alice:Wonderland1"), SESSION, "token-of-mallory").statusCode())
                .isEqualTo(429);
    }

    @Test
    void aSuccessNeverClearsFailuresCountedAgainstAnotherPrincipal() throws Exception {
        start(SESSION, "Authorization");

        for (int i = 0; i < 4; i++) {
            assertThat(jetty.get("/x", "Authorization", basic("alice:guess" + i)).statusCode()).isEqualTo(401);
        }
        // Mallory's own token succeeds, with alice's password guess riding along: the token decides,
        // the password is never verified, and alice's four failures stay.
        long before = passwords.verifications();
        HttpResponse<String> token = jetty.get("/x", SESSION, "token-of-mallory", "Authorization", basic("alice:guess4"));
        assertThat(token.statusCode()).isEqualTo(200);
        assertThat(token.body()).startsWith("user=mallory");
        assertThat(passwords.verifications()).isEqualTo(before);
        assertThat(jetty.get("/x", "Authorization", basic("mallory-owns-no-password:x")).statusCode()).isEqualTo(401);

        assertThat(jetty.get("/x", "Authorization", basic("alice:guess5")).statusCode()).as("the fifth failure").isEqualTo(401);
        assertThat(jetty.get("/x", "Authorization", basic("alice:Wonderland1")).statusCode()).isEqualTo(429);
    }

    @Test
    void theConflictIsAuditedWithoutAnyCredential() throws Exception {
        start();

        jetty.get("/x", "Authorization", basic("alice:Secret-Guess-1"), SESSION, "token-of-mallory");

        assertThat(events).singleElement().isInstanceOfSatisfying(AuthenticationEvent.Failed.class, f -> {
            assertThat(f.reason()).contains("Conflicting credentials");
            assertThat(f.username()).isEmpty();
        });
        assertThat(events.toString()).doesNotContain("Secret-Guess-1").doesNotContain("token-of-mallory");
    }
}
