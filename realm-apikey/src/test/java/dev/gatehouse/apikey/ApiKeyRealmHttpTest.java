package dev.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.apikey.internal.GatehouseKeys;
import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Decision;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.TokenCredentials;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import dev.gatehouse.core.testing.JettyHarness;
import dev.gatehouse.core.testing.MutableClock;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The realm behind the real servlet filter on a real Jetty: accepted forms, and every bad input of
 * the issue, each a 401 (never a 500) that reaches the store only when the key is well-formed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiKeyRealmHttpTest {

    private final MutableClock time = MutableClock.atEpochOfTests();
    private final UserDirectory users = UserDirectory.inMemory(time);
    private final CountingStore store = new CountingStore(ApiKeyStore.inMemory());
    private final User alice = users.create(NewUser.of("alice", UserType.LOCAL));
    private final User bob = users.create(NewUser.of("bob", UserType.LOCAL));
    private final User carol = users.create(NewUser.of("carol", UserType.LOCAL));
    private ApiKeyRealm realm;
    private Gatehouse gatehouse;
    private JettyHarness jetty;
    private String aliceKey;
    private String carolKey;

    @BeforeAll
    void start() throws Exception {
        realm = ApiKeyRealm.builder("apikey", store, users).clock(time).ticker(ClockTicker.of(time)).build();
        gatehouse = Gatehouse.builder().users(users).clock(time).throttling(Throttling.disabled())
                .realm(realm).realm(new StubSessionRealm(bob)).build();
        jetty = JettyHarness.start(AuthenticationFilter.builder(gatehouse).build());
        aliceKey = realm.keys().create(Identity.of(alice, "test"),
                NewApiKey.forUser(alice.id()).withName("alice-key")).revealKey();
        carolKey = realm.keys().create(Identity.of(carol, "test"),
                NewApiKey.forUser(carol.id())).revealKey();
    }

    @AfterAll
    void stop() throws Exception {
        jetty.close();
        realm.close();
    }

    @BeforeEach
    void resetCounts() {
        store.digestLookups.set(0);
    }

    private HttpResponse<String> withAuthorization(String value) throws Exception {
        return jetty.get("/api/v1/whoami", "Authorization", value);
    }

    /** A request whose Authorization header is exactly {@code value}, byte for byte. */
    private static String raw(String value) {
        return "GET /api/v1/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + value
                + "\r\nConnection: close\r\n\r\n";
    }

    private static void assertUnauthorized(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("%s %s", response.request().headers().map(), response.body())
                .isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith(
                "application/json"));
        assertThat(response.body()).startsWith("{\"message\":");
    }

    private String unknownKey() {
        return new GatehouseKeys("gh").generate(new SecureRandom());
    }

    private static String withWrongChecksum(String key) {
        char last = key.charAt(key.length() - 1);
        return key.substring(0, key.length() - 1) + (last == 'a' ? 'b' : 'a');
    }

    @Test
    void bareKeyAuthenticatesAsItsOwner() throws Exception {
        HttpResponse<String> r = withAuthorization(aliceKey);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("user=alice realm=apikey");
        assertThat(jetty.rawStatus(raw(aliceKey))).isEqualTo(200);
    }

    @Test
    void bearerKeyAuthenticatesAsItsOwner() throws Exception {
        HttpResponse<String> r = withAuthorization("Bearer " + aliceKey);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("user=alice realm=apikey");
    }

    @Test
    void basicCredentialsAreNeverReadAsAnApiKey() throws Exception {
        for (String userPass : List.of(aliceKey + ":", "alice:" + aliceKey, aliceKey + ":" + aliceKey)) {
            String basic = "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
            assertUnauthorized(withAuthorization(basic));
        }
        assertThat(store.digestLookups.get()).isZero();
        assertThat(realm.credentials(RequestView.builder().header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((aliceKey + ":x").getBytes(StandardCharsets.UTF_8))).build()))
                .isEmpty();
    }

    @Test
    void emptyValueIs401() throws Exception {
        assertUnauthorized(withAuthorization(""));
        assertThat(jetty.rawStatus(raw(""))).isEqualTo(401);
        assertThat(store.digestLookups.get()).isZero();
    }

    @Test
    void whitespaceValueIs401() throws Exception {
        assertUnauthorized(withAuthorization("   \t "));
        assertThat(jetty.rawStatus(raw("   "))).isEqualTo(401);
        assertThat(jetty.rawStatus(raw(" \t "))).isEqualTo(401);
        assertThat(store.digestLookups.get()).isZero();
    }

    @Test
    void oneKilobyteValueIs401() throws Exception {
        assertUnauthorized(withAuthorization("gh_" + "a".repeat(1021)));
        assertUnauthorized(withAuthorization("Bearer gh_" + "a".repeat(1014)));
        assertThat(store.digestLookups.get()).isZero();
    }

    @Test
    void sixtyFourKilobyteValueIs401() throws Exception {
        assertUnauthorized(withAuthorization("gh_" + "a".repeat(64 * 1024 - 3)));
        assertUnauthorized(withAuthorization(aliceKey + "A".repeat(64 * 1024)));
        assertThat(store.digestLookups.get()).isZero();
    }

    @Test
    void wrongPrefixIs401() throws Exception {
        assertUnauthorized(withAuthorization("gx" + aliceKey.substring(2)));
        assertUnauthorized(withAuthorization("Bearer ghp" + aliceKey.substring(2)));
        assertThat(store.digestLookups.get()).isZero();
    }

    @Test
    void badChecksumIs401WithoutAskingTheStore() throws Exception {
        assertUnauthorized(withAuthorization(withWrongChecksum(aliceKey)));
        String typo = aliceKey.substring(0, 20) + (aliceKey.charAt(20) == 'Z' ? 'Y' : 'Z') + aliceKey.substring(21);
        assertUnauthorized(withAuthorization("Bearer " + typo));
        assertThat(store.digestLookups.get()).isZero();
    }

    @Test
    void validLookingUnknownKeyIs401() throws Exception {
        assertUnauthorized(withAuthorization(unknownKey()));
        assertThat(store.digestLookups.get()).isEqualTo(1);
    }

    @Test
    void revokedKeyIs401() throws Exception {
        IssuedApiKey k = realm.keys().create(Identity.of(alice, "test"),
                NewApiKey.forUser(alice.id()));
        assertThat(withAuthorization(k.revealKey()).statusCode()).isEqualTo(200);
        realm.keys().revoke(Identity.of(alice, "test"), k.metadata().id());
        assertUnauthorized(withAuthorization(k.revealKey()));
    }

    @Test
    void expiredKeyIs401() throws Exception {
        IssuedApiKey k = realm.keys().create(Identity.of(alice, "test"),
                NewApiKey.forUser(alice.id()).withExpiry(time.instant().plusSeconds(60)));
        assertThat(withAuthorization(k.revealKey()).statusCode()).isEqualTo(200);
        time.advance(Duration.ofSeconds(60));
        assertUnauthorized(withAuthorization(k.revealKey()));
    }

    @Test
    void disabledUsersKeyIs401() throws Exception {
        User dave = users.create(NewUser.of("dave", UserType.LOCAL));
        String key = realm.keys().create(Identity.of(dave, "test"), NewApiKey.forUser(dave.id()))
                .revealKey();
        users.setDisabled(dave.id(), true);
        assertUnauthorized(withAuthorization(key));
    }

    @Test
    void bearerWithoutValueIs401() throws Exception {
        assertUnauthorized(withAuthorization("Bearer"));
        assertUnauthorized(withAuthorization("Bearer "));
        assertThat(store.digestLookups.get()).isZero();
    }

    @Test
    void keyWithTrailingNewlineIs401() {
        // HttpClient cannot put a newline into a header value, so the value is built as a request view.
        Decision d = gatehouse.authenticate(RequestView.builder().header("Authorization", aliceKey + "\n").build(),
                AuthenticationMode.REQUIRED);
        assertThat(d).isInstanceOfSatisfying(Decision.Refused.class, r -> assertThat(r.status()).isEqualTo(401));
        d = gatehouse.authenticate(RequestView.builder().header("Authorization", "Bearer " + aliceKey + "\r\n").build(),
                AuthenticationMode.REQUIRED);
        assertThat(d).isInstanceOfSatisfying(Decision.Refused.class, r -> assertThat(r.status()).isEqualTo(401));
        // and if a container handed the realm such a token, the realm itself refuses it
        assertThat(realm.authenticate(new TokenCredentials(aliceKey + "\n")))
                .isInstanceOf(AuthenticationResult.Rejected.class);
        assertThat(store.digestLookups.get()).isZero();
    }

    @Test
    void unknownRevokedAndExpiredKeysAreIndistinguishable() throws Exception {
        Identity asAlice = Identity.of(alice, "test");
        IssuedApiKey revoked = realm.keys().create(asAlice, NewApiKey.forUser(alice.id()));
        IssuedApiKey expiring = realm.keys().create(asAlice,
                NewApiKey.forUser(alice.id()).withExpiry(time.instant().plusSeconds(10)));
        withAuthorization(revoked.revealKey());
        withAuthorization(expiring.revealKey());
        realm.keys().revoke(asAlice, revoked.metadata().id());
        time.advance(Duration.ofSeconds(10));

        HttpResponse<String> unknown = withAuthorization(unknownKey());
        HttpResponse<String> gone = withAuthorization(revoked.revealKey());
        HttpResponse<String> expired = withAuthorization(expiring.revealKey());
        for (HttpResponse<String> r : List.of(gone, expired)) {
            assertThat(r.statusCode()).isEqualTo(unknown.statusCode()).isEqualTo(401);
            assertThat(r.body()).isEqualTo(unknown.body());
            assertThat(r.headers().allValues("WWW-Authenticate"))
                    .isEqualTo(unknown.headers().allValues("WWW-Authenticate"));
        }
    }

    @Test
    void onlyWellFormedKeysReachTheStore() throws Exception {
        for (String bad : List.of("", " ", "gh_" + "a".repeat(1021), "gh_" + "a".repeat(64 * 1024),
                "gx" + aliceKey.substring(2), withWrongChecksum(aliceKey), "Bearer", "Bearer " + withWrongChecksum(aliceKey),
                aliceKey.substring(0, aliceKey.length() - 1), aliceKey + "0", "Basic Zm9vOmJhcg==", "Digest abc")) {
            assertUnauthorized(withAuthorization(bad));
        }
        assertThat(store.digestLookups.get()).isZero();
        assertUnauthorized(withAuthorization(unknownKey()));
        assertThat(store.digestLookups.get()).isEqualTo(1);
    }

    @Test
    void aKeyAndASessionTokenOnOneRequestAreRefusedUnlessTheHostSetAPrecedence() throws Exception {
        HttpResponse<String> both = jetty.get("/x", "Authorization", aliceKey, StubSessionRealm.HEADER, "valid");
        assertThat(both.statusCode()).as("two principals on one request").isEqualTo(400);
        assertThat(jetty.get("/x", StubSessionRealm.HEADER, "valid").body()).startsWith("user=bob realm=session");
    }

    @Test
    void withConcordsPrecedenceTheApiKeyDecidesWhenASessionTokenIsAlsoPresent() throws Exception {
        try (JettyHarness concordStyle = JettyHarness.start(AuthenticationFilter.builder(withConcordPrecedence()).build())) {
            HttpResponse<String> r = concordStyle.get("/x", "Authorization", aliceKey, StubSessionRealm.HEADER, "valid");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("user=alice realm=apikey");
        }
    }

    @Test
    void withConcordsPrecedenceABadApiKeyIsNotRescuedByAValidSessionToken() throws Exception {
        try (JettyHarness concordStyle = JettyHarness.start(AuthenticationFilter.builder(withConcordPrecedence()).build())) {
            assertThat(concordStyle.get("/x", "Authorization", unknownKey(), StubSessionRealm.HEADER, "valid")
                    .statusCode()).isEqualTo(401);
            assertThat(concordStyle.get("/x", "Authorization", withWrongChecksum(aliceKey), StubSessionRealm.HEADER,
                    "valid").statusCode()).as("a mistyped key of ours decides too").isEqualTo(401);
        }
    }

    /** The same realms with Concord's rule: the Authorization header wins over a session token. */
    private Gatehouse withConcordPrecedence() {
        return Gatehouse.builder().users(users).clock(time).throttling(Throttling.disabled())
                .credentialPrecedence("Authorization", StubSessionRealm.HEADER)
                .realm(realm).realm(new StubSessionRealm(bob)).build();
    }

    @Test
    void repeatedKeyCostsNoStoreLookup() throws Exception {
        withAuthorization(carolKey);
        int after = store.digestLookups.get();
        for (int i = 0; i < 20; i++) {
            assertThat(withAuthorization(carolKey).statusCode()).isEqualTo(200);
        }
        assertThat(store.digestLookups.get()).isEqualTo(after);
    }

    @Test
    void unauthorizedResponseOffersABearerChallenge() throws Exception {
        assertThat(withAuthorization(unknownKey()).headers().allValues("WWW-Authenticate"))
                .contains("Bearer realm=\"apikey\"");
    }
}
