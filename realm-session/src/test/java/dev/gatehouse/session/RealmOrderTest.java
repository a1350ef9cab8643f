package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.Decision;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.Password;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.TokenCredentials;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.UsernamePassword;
import dev.gatehouse.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The session realm among others: an API-key realm listed first, and an LDAP-like password realm
 * that reads {@code Authorization: Basic} too. Both stand-ins follow the contracts of the real
 * realms (they are separate modules this one must not depend on).
 */
class RealmOrderTest {

    private final MutableClock clock = MutableClock.atEpochOfTests();
    private final UserDirectory users = UserDirectory.inMemory(clock);
    private final ProcessStore store = ProcessStore.inMemory();
    private final User alice = users.create(NewUser.of("alice", UserType.LOCAL));
    private final User keyOwner = users.create(NewUser.of("key-owner", UserType.LOCAL));
    private final User ldapUser = users.create(NewUser.of("carol", UserType.LOCAL));
    private final ApiKeyStandIn apikey = new ApiKeyStandIn();
    private final PasswordStandIn ldap = new PasswordStandIn();

    private Gatehouse gatehouse(Realm... before) {
        return gatehouse(new String[0], before);
    }

    /** With {@code precedence} set as a host sets it ({@code Gatehouse.Builder.credentialPrecedence}). */
    private Gatehouse gatehouse(String[] precedence, Realm... before) {
        Gatehouse.Builder b = Gatehouse.builder().users(users).clock(clock).throttling(Throttling.disabled())
                .service(ProcessRegistry.class, store);
        if (precedence.length > 0) {
            b.credentialPrecedence(precedence);
        }
        for (Realm r : before) {
            b.realm(r);
        }
        b.realm("session", "session", SessionFixture.settings());
        if (!Arrays.asList(before).contains(ldap)) {
            b.realm(ldap);
        }
        return b.build();
    }

    private String tokenForAlice(Gatehouse g) {
        ProcessRef p = new ProcessRef(UUID.randomUUID(), "acme", Optional.empty());
        store.register(p, alice.id(), "RUNNING");
        return g.realm(SessionRealm.class).orElseThrow().tokens().issue(p.id());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static Identity identity(Decision d) {
        assertThat(d).isInstanceOf(Decision.Authenticated.class);
        return ((Decision.Authenticated) d).identity();
    }

    @Test
    void basicUserAndPasswordIsLeftToTheNextRealm() {
        Gatehouse g = gatehouse(apikey);
        Decision d = g.authenticate(RequestView.builder().header("Authorization", basic("carol", "secret")).build(),
                AuthenticationMode.REQUIRED);
        assertThat(identity(d).realm()).isEqualTo("ldap");
    }

    @Test
    void basicUsernameThatIsNotATokenIsNotClaimedEvenWithAnEmptyPassword() {
        Realm session = gatehouse().realms().get(0);
        assertThat(session.credentials(RequestView.builder().header("Authorization", basic("carol", "")).build()))
                .isEmpty();
        assertThat(session.credentials(RequestView.builder().header("Authorization", basic("a.b.c.d.e", "")).build()))
                .isEmpty();
    }

    @Test
    void basicTokenWithAPasswordIsNotClaimed() {
        Gatehouse g = gatehouse();
        String token = tokenForAlice(g);
        Realm session = g.realms().get(0);
        assertThat(session.credentials(RequestView.builder().header("Authorization", basic(token, "x")).build()))
                .isEmpty();
    }

    @Test
    void basicTokenWithEmptyPasswordAuthenticatesEvenIfAPasswordRealmIsAskedFirst() {
        Gatehouse g = gatehouse(ldap);
        String token = tokenForAlice(g);
        Decision d = g.authenticate(RequestView.builder().header("Authorization", basic(token, "")).build(),
                AuthenticationMode.REQUIRED);
        assertThat(identity(d).realm()).isEqualTo("session");
        assertThat(identity(d).username()).isEqualTo("alice");
        assertThat(ldap.sawEmptyPassword.get()).as("a token in Basic is the session realm's; no password realm "
                + "verifies it as an empty password").isZero();
    }

    @Test
    void anApiKeyAndASessionTokenOnOneRequestAreRefusedWithoutAPrecedence() {
        Gatehouse g = gatehouse(apikey);
        String token = tokenForAlice(g);
        for (String key : new String[] {ApiKeyStandIn.KEY, "wrong-key"}) {
            Decision d = g.authenticate(RequestView.builder()
                    .header("Authorization", key)
                    .header(SessionFixture.HEADER, token)
                    .build(), AuthenticationMode.REQUIRED);
            assertThat(d).isInstanceOf(Decision.Refused.class);
            assertThat(((Decision.Refused) d).status()).as("two principals, one request").isEqualTo(400);
        }
    }

    @Test
    void withAuthorizationFirstTheApiKeyDecidesAndTheTokenIsIgnored() {
        Gatehouse g = gatehouse(new String[] {"Authorization", SessionFixture.HEADER}, apikey);
        String token = tokenForAlice(g);
        Decision d = g.authenticate(RequestView.builder()
                .header("Authorization", ApiKeyStandIn.KEY)
                .header(SessionFixture.HEADER, token)
                .build(), AuthenticationMode.REQUIRED);
        assertThat(identity(d).realm()).isEqualTo("apikey");
        assertThat(identity(d).process()).isEmpty();
        Decision wrong = g.authenticate(RequestView.builder()
                .header("Authorization", "wrong-key")
                .header(SessionFixture.HEADER, token)
                .build(), AuthenticationMode.REQUIRED);
        assertThat(wrong).as("a wrong key is not rescued by the token it outranks").isInstanceOf(Decision.Refused.class);
    }

    @Test
    void withTheTokenFirstTheSessionTokenDecidesBesideAnApiKey() {
        Gatehouse g = gatehouse(new String[] {SessionFixture.HEADER, "Authorization"}, apikey);
        String token = tokenForAlice(g);
        Decision d = g.authenticate(RequestView.builder()
                .header("Authorization", "wrong-key")
                .header(SessionFixture.HEADER, token)
                .build(), AuthenticationMode.REQUIRED);
        assertThat(identity(d).realm()).isEqualTo("session");
    }

    @Test
    void credentialsOfAnotherRealmAreNotMine() {
        Realm session = gatehouse().realms().get(0);
        assertThat(session.authenticate(new TokenCredentials("x"))).isInstanceOf(AuthenticationResult.NotMine.class);
        assertThat(session.authenticate(new UsernamePassword("a", Password.of(""))))
                .isInstanceOf(AuthenticationResult.NotMine.class);
    }

    /** Like the API-key realm: reads a bare token from Authorization; one known key. */
    private final class ApiKeyStandIn implements Realm {
        static final String KEY = "gh_live_key";

        @Override
        public String name() {
            return "apikey";
        }

        @Override
        public Optional<Credentials> credentials(RequestView request) {
            return request.authorization() instanceof AuthorizationHeader.Bare bare
                    ? Optional.of(new TokenCredentials(bare.token())) : Optional.empty();
        }

        @Override
        public AuthenticationResult authenticate(Credentials credentials) {
            return credentials instanceof TokenCredentials t && t.token().equals(KEY)
                    ? new AuthenticationResult.Authenticated(Identity.of(keyOwner, "apikey"))
                    : AuthenticationResult.Rejected.because("unknown key");
        }
    }

    /** Like the LDAP realm: reads any Basic, refuses empty passwords (RFC 4513 5.1.2). */
    private final class PasswordStandIn implements Realm {
        final AtomicInteger sawEmptyPassword = new AtomicInteger();

        @Override
        public String name() {
            return "ldap";
        }

        @Override
        public Optional<Credentials> credentials(RequestView request) {
            return request.authorization() instanceof AuthorizationHeader.Basic b
                    ? Optional.of(b.credentials()) : Optional.empty();
        }

        @Override
        public AuthenticationResult authenticate(Credentials credentials) {
            if (!(credentials instanceof UsernamePassword up)) {
                return AuthenticationResult.NotMine.instance();
            }
            if (up.password().isBlank()) {
                sawEmptyPassword.incrementAndGet();
                return AuthenticationResult.Rejected.because("empty password");
            }
            return up.name().equals("carol") && String.valueOf(up.password().revealChars()).equals("secret")
                    ? new AuthenticationResult.Authenticated(Identity.of(ldapUser, "ldap"))
                    : AuthenticationResult.Rejected.because("wrong password");
        }
    }
}
