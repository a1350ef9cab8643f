package dev.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.testing.StubRealm;
import dev.gatehouse.core.testplugin.StaticPasswordRealm;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The engine without HTTP: order, verdicts, audit. */
class EngineTest {

    private static RequestView request(String... headers) {
        RequestView.Builder b = RequestView.builder().remoteAddress("10.0.0.7");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    private static String basic(String s) {
        return "Basic " + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void firstRealmInOrderThatAuthenticatesDecides() {
        // Two credentials are allowed only under a precedence the host chose; the first listed decides.
        StubRealm keys = StubRealm.accepting("apikey", "X-Key", "k", "key-owner", Set.of());
        StubRealm sessions = StubRealm.accepting("session", "X-Session", "s", "process-user", Set.of());
        Gatehouse g = Gatehouse.builder().realm(keys).realm(sessions).credentialPrecedence("X-Key", "X-Session").build();

        Decision d = g.authenticate(request("X-Key", "k", "X-Session", "s"), AuthenticationMode.REQUIRED);

        assertThat(d).isInstanceOfSatisfying(Decision.Authenticated.class,
                a -> assertThat(a.identity().username()).isEqualTo("key-owner"));
        assertThat(sessions.verified()).as("later realms are not asked once one authenticates").isZero();
    }

    @Test
    void everyRealmThatRecognisesTheCredentialsIsTriedUntilOneAuthenticates() {
        StubRealm first = new StubRealm("first", "X-Token", t -> AuthenticationResult.Rejected.because("not in my store"));
        StubRealm second = new StubRealm("second", "X-Token", t -> AuthenticationResult.NotMine.instance());
        StubRealm third = StubRealm.accepting("third", "X-Token", "t", "zoe", Set.of());
        Gatehouse g = Gatehouse.builder().realm(first).realm(second).realm(third).build();

        Decision d = g.authenticate(request("X-Token", "t"), AuthenticationMode.REQUIRED);

        assertThat(d).isInstanceOf(Decision.Authenticated.class);
        assertThat(List.of(first.verified(), second.verified(), third.verified())).containsExactly(1, 1, 1);
    }

    @Test
    void conclusiveRejectionIsNotRescuedByAnotherCredentialOnTheSameRequest() {
        StubRealm keys = new StubRealm("apikey", "X-Key", t -> AuthenticationResult.Rejected.conclusively("revoked key"));
        StubRealm sessions = StubRealm.accepting("session", "X-Session", "s", "process-user", Set.of());

        // By default a second credential is not a rescue but a refusal, before anything is verified.
        Gatehouse strict = Gatehouse.builder().realm(keys).realm(sessions).build();
        Decision refused = strict.authenticate(request("X-Key", "bad", "X-Session", "s"), AuthenticationMode.REQUIRED);
        assertThat(refused).isInstanceOfSatisfying(Decision.Refused.class, r -> {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.message()).contains("X-Key").contains("X-Session");
        });
        assertThat(keys.verified() + sessions.verified()).isZero();

        // With the key first in precedence (Concord's rule), the key alone decides.
        Gatehouse concord = Gatehouse.builder().realm(keys).realm(sessions).credentialPrecedence("X-Key", "X-Session").build();
        Decision d = concord.authenticate(request("X-Key", "bad", "X-Session", "s"), AuthenticationMode.REQUIRED);
        assertThat(d).isEqualTo(new Decision.Refused(401, "Invalid credentials", java.util.Optional.empty()));
        assertThat(sessions.verified()).isZero();
    }

    @Test
    void conclusiveRejectionStopsLaterRealmsFromVerifyingTheSameCredential() {
        StubRealm keys = new StubRealm("apikey", "X-Token", t -> AuthenticationResult.Rejected.conclusively("checksum ok, key revoked"));
        StubRealm other = StubRealm.accepting("other", "X-Token", "t", "zoe", Set.of());
        Gatehouse g = Gatehouse.builder().realm(keys).realm(other).build();

        Decision d = g.authenticate(request("X-Token", "t"), AuthenticationMode.REQUIRED);

        assertThat(d).isInstanceOfSatisfying(Decision.Refused.class, r -> assertThat(r.status()).isEqualTo(401));
        assertThat(other.verified()).isZero();
    }

    @Test
    void firstRejectionsClientMessageIsWhatTheClientSees() {
        StubRealm first = new StubRealm("first", "X-Token", t -> new AuthenticationResult.Rejected("revoked key 42", "Invalid API key"));
        StubRealm second = new StubRealm("second", "X-Token", t -> AuthenticationResult.Rejected.because("other"));
        Gatehouse g = Gatehouse.builder().realm(first).realm(second).build();

        Decision d = g.authenticate(request("X-Token", "t"), AuthenticationMode.REQUIRED);

        assertThat(d).isEqualTo(new Decision.Refused(401, "Invalid API key", java.util.Optional.empty()));
    }

    @Test
    void credentialsEveryRealmCallsNotMineAreStillRefused() {
        StubRealm shy = new StubRealm("shy", "X-Token", t -> AuthenticationResult.NotMine.instance());
        Gatehouse g = Gatehouse.builder().realm(shy).build();

        assertThat(g.authenticate(request("X-Token", "t"), AuthenticationMode.OPTIONAL))
                .isInstanceOfSatisfying(Decision.Refused.class, r -> assertThat(r.status()).isEqualTo(401));
    }

    @Test
    void unknownUserCostsTheSameVerificationAsAWrongPassword() {
        Gatehouse g = Gatehouse.builder().realm("corp", "static-password", Map.of("user.alice", "Right1")).build();
        StaticPasswordRealm realm = (StaticPasswordRealm) g.realms().get(0);
        long before = realm.verifications();

        g.authenticate(request("Authorization", basic("alice:wrong")), AuthenticationMode.REQUIRED);
        long wrongPassword = realm.verifications() - before;
        g.authenticate(request("Authorization", basic("nobody:wrong")), AuthenticationMode.REQUIRED);
        long unknownUser = realm.verifications() - before - wrongPassword;

        assertThat(wrongPassword).isEqualTo(1);
        assertThat(unknownUser).isEqualTo(wrongPassword);
    }

    @Test
    void auditEventsNeverCarryTheCredential() {
        List<AuthenticationEvent> events = Collections.synchronizedList(new ArrayList<>());
        Gatehouse g = Gatehouse.builder().listener(events::add)
                .realm("corp", "static-password", Map.of("user.alice", "Right1")).build();

        g.authenticate(request("Authorization", basic("alice:Wrong-Pass-77")), AuthenticationMode.REQUIRED);
        g.authenticate(request("Authorization", basic("alice:Right1")), AuthenticationMode.REQUIRED);
        g.authenticate(request("Authorization", "Bearer Some-Token-99"), AuthenticationMode.REQUIRED);

        assertThat(events).hasSize(3);
        assertThat(events.get(0)).isInstanceOfSatisfying(AuthenticationEvent.Failed.class, f -> {
            assertThat(f.username()).hasValue("alice");
            assertThat(f.realm()).hasValue("corp");
            assertThat(f.remoteAddress()).isEqualTo("10.0.0.7");
        });
        assertThat(events.get(1)).isInstanceOf(AuthenticationEvent.Succeeded.class);
        assertThat(events.toString()).doesNotContain("Wrong-Pass-77").doesNotContain("Right1").doesNotContain("Some-Token-99");
    }

    @Test
    void listenerThatDeclinesSuccessesStillReceivesFailures() {
        List<AuthenticationEvent> events = Collections.synchronizedList(new ArrayList<>());
        AuthenticationListener failuresOnly = new AuthenticationListener() {
            @Override
            public void on(AuthenticationEvent event) {
                events.add(event);
            }

            @Override
            public boolean receivesSuccesses() {
                return false;
            }
        };
        StubRealm keys = StubRealm.accepting("apikey", "X-Key", "k", "u", Set.of());
        Gatehouse g = Gatehouse.builder().realm(keys).listener(failuresOnly).build();

        assertThat(g.authenticate(request("X-Key", "k"), AuthenticationMode.REQUIRED)).isInstanceOf(Decision.Authenticated.class);
        g.authenticate(request("X-Key", "bad"), AuthenticationMode.REQUIRED);

        assertThat(events).singleElement().isInstanceOf(AuthenticationEvent.Failed.class);
    }

    @Test
    void listenerThatThrowsDoesNotChangeTheDecision() {
        StubRealm keys = StubRealm.accepting("apikey", "X-Key", "k", "u", Set.of());
        Gatehouse g = Gatehouse.builder().realm(keys).listener(e -> {
            throw new IllegalStateException("audit down");
        }).build();

        assertThat(g.authenticate(request("X-Key", "k"), AuthenticationMode.REQUIRED)).isInstanceOf(Decision.Authenticated.class);
        assertThat(g.authenticate(request("X-Key", "bad"), AuthenticationMode.REQUIRED)).isInstanceOf(Decision.Refused.class);
    }

    @Test
    void basicPasswordIsWipedOnceEveryRealmHasSeenIt() {
        Gatehouse g = Gatehouse.builder().realm("corp", "static-password", Map.of("user.alice", "Right1")).build();
        RequestView view = request("Authorization", basic("alice:Right1"));

        g.authenticate(view, AuthenticationMode.REQUIRED);

        AuthorizationHeader.Basic basic = (AuthorizationHeader.Basic) view.authorization();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> basic.password().revealChars())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void realmThatThrowsWhileReadingCredentialsRefusesTheRequest() {
        Realm broken = new Realm() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public java.util.Optional<Credentials> credentials(RequestView request) {
                throw new IllegalArgumentException("parser bug");
            }

            @Override
            public AuthenticationResult authenticate(Credentials credentials) {
                throw new AssertionError("never asked to verify what it could not read");
            }

            @Override
            public Set<String> credentialHeaders() {
                return Set.of("X-T");
            }
        };
        Gatehouse g = Gatehouse.builder().realm(broken).build();

        assertThat(g.authenticate(request("X-T", "x"), AuthenticationMode.OPTIONAL))
                .isInstanceOfSatisfying(Decision.Refused.class, r -> assertThat(r.status()).isEqualTo(401));
    }

    @Test
    void closingTheEngineClosesRealmsThatHoldResourcesEvenWhenOneFails() {
        List<String> closed = new ArrayList<>();
        class Closeable extends dev.gatehouse.core.testing.StubRealmBase implements AutoCloseable {
            Closeable(String name) {
                super(name);
            }

            @Override
            public void close() {
                closed.add(name());
                if (name().equals("second")) {
                    throw new IllegalStateException("pool already closed");
                }
            }
        }
        Gatehouse g = Gatehouse.builder().realm(new Closeable("first"))
                .realm(StubRealm.accepting("plain", "X", "k", "u", Set.of()))
                .realm(new Closeable("second")).realm(new Closeable("third")).build();

        g.close();

        assertThat(closed).containsExactly("third", "second", "first");
    }
}
