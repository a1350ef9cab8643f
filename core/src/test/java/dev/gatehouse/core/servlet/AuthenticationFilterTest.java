package dev.gatehouse.core.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.testing.JettyHarness;
import dev.gatehouse.core.testing.MutableClock;
import dev.gatehouse.core.testing.StubRealm;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The filter in a real Jetty, driven over real HTTP. */
class AuthenticationFilterTest {

    private final MutableClock clock = MutableClock.atEpochOfTests();
    private JettyHarness jetty;

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
    }

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    private Gatehouse staticPasswords(Throttling throttling, String... extra) {
        Properties p = new Properties();
        p.setProperty("gatehouse.realms", "static");
        p.setProperty("realm.static.type", "static-password");
        p.setProperty("realm.static.user.alice", "Wonderland1");
        p.setProperty("realm.static.user.bob", "Builder22");
        p.setProperty("realm.static.admins", "alice");
        for (int i = 0; i < extra.length; i += 2) {
            p.setProperty(extra[i], extra[i + 1]);
        }
        return Gatehouse.builder().clock(clock).throttling(throttling).properties(p).build();
    }

    private void start(Gatehouse gatehouse, AuthenticationMode mode) throws Exception {
        jetty = JettyHarness.start(AuthenticationFilter.builder(gatehouse).mode(mode).exclude("/public").build());
    }

    @Test
    void validBasicCredentialsReachTheServletAsTheIdentity() throws Exception {
        start(staticPasswords(Throttling.defaults()), AuthenticationMode.REQUIRED);

        HttpResponse<String> r = jetty.get("/admin", "Authorization", basic("Alice:Wonderland1"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("user=alice realm=static roles:admin=true identity=true");
        assertThat(r.headers().firstValue("Set-Cookie")).as("no HTTP session is created").isEmpty();
    }

    @Test
    void userWithoutRoleIsNotInRole() throws Exception {
        start(staticPasswords(Throttling.defaults()), AuthenticationMode.REQUIRED);

        HttpResponse<String> r = jetty.get("/admin", "Authorization", basic("bob:Builder22"));

        assertThat(r.body()).isEqualTo("user=bob realm=static roles:admin=false identity=true");
    }

    @Test
    void requiredModeRefusesRequestsWithoutCredentialsWithChallenges() throws Exception {
        start(staticPasswords(Throttling.defaults()), AuthenticationMode.REQUIRED);

        HttpResponse<String> r = jetty.get("/admin");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).isEqualTo("{\"message\":\"Authentication required\"}");
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.headers().allValues("WWW-Authenticate")).containsExactly("Basic realm=\"static\", charset=\"UTF-8\"");
        assertThat(jetty.reached()).isZero();
    }

    @Test
    void optionalModeLetsRequestsWithoutCredentialsThroughAnonymously() throws Exception {
        start(staticPasswords(Throttling.defaults()), AuthenticationMode.OPTIONAL);

        HttpResponse<String> r = jetty.get("/anything");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("anonymous");
    }

    @Test
    void optionalModeStillRefusesWrongCredentials() throws Exception {
        start(staticPasswords(Throttling.defaults()), AuthenticationMode.OPTIONAL);

        HttpResponse<String> r = jetty.get("/anything", "Authorization", basic("alice:wrong"));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).isEqualTo("{\"message\":\"Invalid credentials\"}");
        assertThat(jetty.reached()).isZero();
    }

    @Test
    void optionalModeRefusesCredentialsThatNoRealmRecognises() throws Exception {
        start(staticPasswords(Throttling.defaults()), AuthenticationMode.OPTIONAL);

        HttpResponse<String> r = jetty.get("/anything", "Authorization", "Digest username=\"alice\"");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("no realm accepts them");
        assertThat(jetty.reached()).isZero();
    }

    @Test
    void excludedPathIsServedWithoutCredentialsButOnlyOnExactMatch() throws Exception {
        start(staticPasswords(Throttling.defaults()), AuthenticationMode.REQUIRED);

        assertThat(jetty.get("/public").statusCode()).isEqualTo(200);
        assertThat(jetty.get("/PUBLIC").statusCode()).isEqualTo(401);
        assertThat(jetty.get("/public/").statusCode()).isEqualTo(401);
        assertThat(jetty.get("/public/x").statusCode()).isEqualTo(401);
        assertThat(jetty.get("/publicx").statusCode()).isEqualTo(401);
    }

    @Test
    void realmThatThrowsRefusesTheRequest() throws Exception {
        StubRealm throwing = new StubRealm("broken", "X-Token", token -> {
            throw new IllegalStateException("database exploded");
        });
        start(Gatehouse.builder().realm(throwing).build(), AuthenticationMode.OPTIONAL);

        HttpResponse<String> r = jetty.get("/admin", "X-Token", "anything");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).isEqualTo("{\"message\":\"Invalid credentials\"}").doesNotContain("exploded");
        assertThat(jetty.reached()).isZero();
    }

    @Test
    void realmThatReturnsNullRefusesTheRequest() throws Exception {
        StubRealm nulls = new StubRealm("nulls", "X-Token", token -> null);
        start(Gatehouse.builder().realm(nulls).build(), AuthenticationMode.OPTIONAL);

        assertThat(jetty.get("/admin", "X-Token", "anything").statusCode()).isEqualTo(401);
        assertThat(jetty.reached()).isZero();
    }

    @Test
    void unavailableBackendIsA503WithRetryAfterWhileOtherRealmsKeepWorking() throws Exception {
        StubRealm down = new StubRealm("ldap", "X-Password", token ->
                new AuthenticationResult.Unavailable("ldap://127.0.0.1:1", Duration.ofSeconds(30)));
        StubRealm keys = StubRealm.accepting("apikey", "X-Key", "k1", "carol", Set.of());
        start(Gatehouse.builder().realm(keys).realm(down).build(), AuthenticationMode.REQUIRED);

        HttpResponse<String> refused = jetty.get("/admin", "X-Password", "secret");
        HttpResponse<String> served = jetty.get("/admin", "X-Key", "k1");

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(refused.body()).isEqualTo("{\"message\":\"Authentication service unavailable; retry later\"}");
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).startsWith("user=carol realm=apikey");
    }

    @Test
    void repeatedFailuresAreThrottledWithRetryAfterAndSuccessResets() throws Exception {
        Throttling throttling = new Throttling(3, Duration.ofSeconds(2), Duration.ofSeconds(60), 1000);
        start(staticPasswords(throttling), AuthenticationMode.REQUIRED);

        for (int i = 0; i < 3; i++) {
            assertThat(jetty.get("/x", "Authorization", basic("alice:nope" + i)).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> throttled = jetty.get("/x", "Authorization", basic("alice:Wonderland1"));
        assertThat(throttled.statusCode()).as("even the right password waits").isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(jetty.get("/x", "Authorization", basic("bob:Builder22")).statusCode())
                .as("another username is not affected").isEqualTo(200);

        clock.advance(Duration.ofSeconds(2));
        assertThat(jetty.get("/x", "Authorization", basic("alice:still-wrong")).statusCode()).isEqualTo(401);
        HttpResponse<String> longer = jetty.get("/x", "Authorization", basic("alice:Wonderland1"));
        assertThat(longer.statusCode()).isEqualTo(429);
        assertThat(longer.headers().firstValue("Retry-After")).as("the delay doubles").hasValue("4");

        clock.advance(Duration.ofSeconds(4));
        assertThat(jetty.get("/x", "Authorization", basic("ALICE:Wonderland1")).statusCode()).isEqualTo(200);
        assertThat(jetty.get("/x", "Authorization", basic("alice:wrong-again")).statusCode())
                .as("success reset the count").isEqualTo(401);
        assertThat(jetty.get("/x", "Authorization", basic("alice:Wonderland1")).statusCode()).isEqualTo(200);
    }

    @Test
    void tokenFailuresAreThrottledPerClientAddress() throws Exception {
        StubRealm keys = StubRealm.accepting("apikey", "X-Key", "k1", "carol", Set.of());
        start(Gatehouse.builder().clock(clock).realm(keys)
                .throttling(new Throttling(2, Duration.ofSeconds(5), Duration.ofSeconds(60), 1000).toBuilder()
                        .maxFailuresPerAddress(2).build()).build(),
                AuthenticationMode.REQUIRED);

        jetty.get("/x", "X-Key", "guess1");
        jetty.get("/x", "X-Key", "guess2");
        HttpResponse<String> r = jetty.get("/x", "X-Key", "k1");

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.body()).isEqualTo("{\"message\":\"Too many failed attempts; retry later\"}");
        assertThat(keys.verified()).as("a throttled attempt is not verified").isEqualTo(2);
    }

    @Test
    void disabledUserIsRefusedAfterCredentialsCheckOut() throws Exception {
        Gatehouse gatehouse = staticPasswords(Throttling.defaults());
        start(gatehouse, AuthenticationMode.REQUIRED);
        assertThat(jetty.get("/x", "Authorization", basic("bob:Builder22")).statusCode()).isEqualTo(200);
        UserDirectory users = gatehouse.users();
        users.setDisabled(users.findByUsername("bob", java.util.Optional.empty()).orElseThrow().id(), true);

        HttpResponse<String> r = jetty.get("/x", "Authorization", basic("bob:Builder22"));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).isEqualTo("{\"message\":\"Invalid credentials\"}");
    }

    @Test
    void firstLoginCreatesTheUserRecordWhenAutoCreationIsOn() throws Exception {
        Gatehouse gatehouse = staticPasswords(Throttling.defaults());
        start(gatehouse, AuthenticationMode.REQUIRED);
        assertThat(gatehouse.users().findByUsername("alice", java.util.Optional.empty())).isEmpty();

        jetty.get("/x", "Authorization", basic("ALICE:Wonderland1"));
        jetty.get("/x", "Authorization", basic("alice:Wonderland1"));

        assertThat(gatehouse.users().list(0, 10)).singleElement().satisfies(u -> {
            assertThat(u.username()).isEqualTo("alice");
            assertThat(u.type().name()).isEqualTo("STATIC");
            assertThat(u.lastLoginAt()).isPresent();
        });
    }

    @Test
    void loginWithoutUserRecordIsRefusedWhenAutoCreationIsOff() throws Exception {
        Gatehouse gatehouse = staticPasswords(Throttling.defaults(), "realm.static.autoCreate", "false");
        start(gatehouse, AuthenticationMode.REQUIRED);

        assertThat(jetty.get("/x", "Authorization", basic("alice:Wonderland1")).statusCode()).isEqualTo(401);
        assertThat(gatehouse.users().list(0, 10)).isEmpty();

        gatehouse.users().create(dev.gatehouse.core.NewUser.of("Alice", dev.gatehouse.core.UserType.of("STATIC")));
        assertThat(jetty.get("/x", "Authorization", basic("alice:Wonderland1")).statusCode()).isEqualTo(200);
    }
}
