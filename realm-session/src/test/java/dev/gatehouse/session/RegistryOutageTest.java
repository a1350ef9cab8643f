package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.User;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import dev.gatehouse.core.testing.JettyHarness;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A registry that cannot answer fails closed: 503 with Retry-After, never 200, never 500. */
class RegistryOutageTest {

    @Test
    void registryFailureIsA503AndNeverLetsTheRequestThrough() throws Exception {
        SessionFixture base = SessionFixture.inMemory();
        User alice = base.user("alice");
        ProcessRef process = base.runningProcess(alice);
        AtomicBoolean down = new AtomicBoolean();
        ProcessRegistry flaky = new ProcessRegistry() {
            @Override
            public Optional<ProcessState> find(UUID processId) {
                if (down.get()) {
                    throw new BackendUnavailableException("process registry", "connection refused", null);
                }
                return base.store.find(processId);
            }
        };
        Gatehouse g = Gatehouse.builder().users(base.users).clock(base.clock).throttling(Throttling.disabled())
                .service(ProcessRegistry.class, flaky).realm("session", "session", SessionFixture.settings()).build();
        SessionRealm realm = g.realm(SessionRealm.class).orElseThrow();
        String token = realm.tokens().issue(process.id());

        try (JettyHarness http = JettyHarness.start(AuthenticationFilter.builder(g).build())) {
            assertThat(http.get("/", SessionFixture.HEADER, token).statusCode()).isEqualTo(200);
            down.set(true);
            var response = http.get("/", SessionFixture.HEADER, token);
            assertThat(response.statusCode()).as("cached token, registry down").isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertThat(http.reached()).isEqualTo(1);
            assertThat(realm.authenticate(realm.credentials(
                    RequestView.builder().header(SessionFixture.HEADER, token).build()).orElseThrow()))
                    .isInstanceOf(AuthenticationResult.Unavailable.class);
            down.set(false);
            assertThat(http.get("/", SessionFixture.HEADER, token).statusCode()).as("registry back").isEqualTo(200);
        }
    }
}
