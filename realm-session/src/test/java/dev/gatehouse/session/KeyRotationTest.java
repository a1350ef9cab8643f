package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWEObject;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.testing.MutableClock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rotation: add a key and make it the issuing key; tokens of running processes, issued under the
 * old key, keep working until the old key is removed.
 */
class KeyRotationTest {

    private final MutableClock clock = MutableClock.atEpochOfTests();
    private final UserDirectory users = UserDirectory.inMemory(clock);
    private final ProcessStore store = ProcessStore.inMemory();

    private Gatehouse node(Map<String, String> settings) {
        return Gatehouse.builder().users(users).clock(clock).service(ProcessRegistry.class, store)
                .realm("session", "session", settings).build();
    }

    private static SessionTokens tokens(Gatehouse g) {
        return g.realm(SessionRealm.class).orElseThrow().tokens();
    }

    private static AuthenticationResult authenticate(Gatehouse g, String token) {
        Realm realm = g.realms().get(0);
        return realm.authenticate(realm.credentials(RequestView.builder().header(SessionFixture.HEADER, token).build())
                .orElseThrow());
    }

    @Test
    void oldTokensVerifyAfterANewIssuingKeyAndFailOnceTheOldKeyIsRemoved() throws Exception {
        SessionFixture helper = new SessionFixture(clock, users, store, SessionFixture.settings());
        User alice = helper.user("alice");
        ProcessRef process = helper.runningProcess(alice);

        Gatehouse before = node(SessionFixture.settings());
        String oldToken = tokens(before).issue(process.id());
        assertThat(JWEObject.parse(oldToken).getHeader().getKeyID()).isEqualTo("k1");

        Gatehouse during = node(SessionFixture.settings("keys.k2", SessionFixture.b64(SessionFixture.KEY_2),
                "issuingKey", "k2"));
        String newToken = tokens(during).issue(process.id());
        assertThat(JWEObject.parse(newToken).getHeader().getKeyID()).isEqualTo("k2");
        assertThat(authenticate(during, oldToken)).isInstanceOf(AuthenticationResult.Authenticated.class);
        assertThat(authenticate(during, newToken)).isInstanceOf(AuthenticationResult.Authenticated.class);

        Gatehouse after = node(SessionFixture.settings("keys.k1", null, "keys.k2",
                SessionFixture.b64(SessionFixture.KEY_2)));
        assertThat(authenticate(after, newToken)).isInstanceOf(AuthenticationResult.Authenticated.class);
        assertThat(authenticate(after, oldToken)).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void aKeyIdDoesNotSelectAnotherKeysBytes() {
        SessionFixture helper = new SessionFixture(clock, users, store, SessionFixture.settings());
        ProcessRef process = helper.runningProcess(helper.user("bob"));
        String k1Token = tokens(node(SessionFixture.settings())).issue(process.id());
        // a node where "k1" names different bytes refuses it
        Gatehouse other = node(Map.of("keys.k1", SessionFixture.b64(SessionFixture.KEY_2)));
        assertThat(authenticate(other, k1Token)).isInstanceOf(AuthenticationResult.Rejected.class);
    }
}
