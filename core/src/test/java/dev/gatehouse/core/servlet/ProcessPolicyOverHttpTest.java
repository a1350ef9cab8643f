package dev.gatehouse.core.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Decision;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.Permission;
import dev.gatehouse.core.ProcessPolicy;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.testing.JettyHarness;
import dev.gatehouse.core.testing.StubRealm;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 1 / issue 17 item 3, the mechanism in core: an identity that acts for a process is
 * narrowed by the host's process policy, whose default refuses credential management and anything
 * that outlives the process; host endpoints check with {@code Authorization.require} and answer 403.
 */
class ProcessPolicyOverHttpTest {

    private static final String SESSION = "X-Concord-SessionToken";
    private static final ProcessRef PROCESS = new ProcessRef(UUID.randomUUID(), "acme", Optional.of("billing"));

    private JettyHarness jetty;

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
    }

    /** Session tokens act for a process as its admin user; API keys act as the same user, for no process. */
    private static Gatehouse.Builder realms(Set<Permission> tokenScopes) {
        UUID admin = UUID.randomUUID();
        Identity.Builder asProcess = Identity.builder(admin, "admin", "session").roles(Set.of("admin")).process(PROCESS);
        if (tokenScopes != null) {
            asProcess.scopes(tokenScopes);
        }
        Identity processIdentity = asProcess.build();
        Identity keyIdentity = Identity.builder(admin, "admin", "apikey").roles(Set.of("admin")).build();
        StubRealm sessions = new StubRealm("session", SESSION, t -> t.equals("token-1")
                ? new AuthenticationResult.Authenticated(processIdentity) : AuthenticationResult.Rejected.because("no"));
        StubRealm keys = new StubRealm("apikey", "X-Api-Key", t -> t.equals("key-1")
                ? new AuthenticationResult.Authenticated(keyIdentity) : AuthenticationResult.Rejected.because("no"));
        return Gatehouse.builder().realm(keys).realm(sessions);
    }

    private void start(Gatehouse gatehouse) throws Exception {
        jetty = JettyHarness.start(AuthenticationFilter.builder(gatehouse).build());
    }

    private HttpResponse<String> asProcess(String permission) throws Exception {
        return jetty.get("/permits/" + permission, SESSION, "token-1");
    }

    @Test
    void byDefaultAProcessTokenMayDoWhatTheProcessNeedsAndNoMore() throws Exception {
        start(realms(null).build());

        for (Permission allowed : ProcessPolicy.DEFAULT_PERMISSIONS) {
            HttpResponse<String> r = asProcess(allowed.name());
            assertThat(r.statusCode()).as(allowed.name()).isEqualTo(200);
        }
        for (Permission refused : Set.of(Permission.APIKEY_MANAGE, Permission.USER_MANAGE, Permission.ROLE_MANAGE,
                Permission.SECRET_WRITE, Permission.PROCESS_START, Permission.of("anything:else"))) {
            HttpResponse<String> r = asProcess(refused.name());
            assertThat(r.statusCode()).as(refused.name()).isEqualTo(403);
            assertThat(r.body()).isEqualTo("{\"message\":\"Permission " + refused.name()
                    + " is not granted to this credential (it acts for a process)\"}");
        }
    }

    @Test
    void theSameUserByAnApiKeyIsNotLimited() throws Exception {
        start(realms(null).build());

        assertThat(jetty.get("/permits/apikey:manage", "X-Api-Key", "key-1").statusCode()).isEqualTo(200);
        assertThat(jetty.get("/permits/process:start", "X-Api-Key", "key-1").statusCode()).isEqualTo(200);
    }

    @Test
    void aHostPolicyDecidesWhatProcessesMayDo() throws Exception {
        ProcessPolicy perProject = (process, identity) -> process.project().equals(Optional.of("billing"))
                ? Set.of(Permission.SECRET_READ, Permission.PROCESS_START) : Set.of();
        start(realms(null).processPolicy(perProject).build());

        assertThat(asProcess("process:start").statusCode()).isEqualTo(200);
        assertThat(asProcess("secret:decrypt").statusCode()).isEqualTo(403);
    }

    @Test
    void aTokenThatWasAlreadyLimitedKeepsOnlyWhatBothAllow() throws Exception {
        start(realms(Set.of(Permission.SECRET_READ, Permission.APIKEY_MANAGE)).build());

        assertThat(asProcess("secret:read").statusCode()).isEqualTo(200);
        assertThat(asProcess("apikey:manage").statusCode()).as("the policy still refuses it").isEqualTo(403);
        assertThat(asProcess("secret:decrypt").statusCode()).as("the token never had it").isEqualTo(403);
    }

    @Test
    void aPolicyThatFailsGrantsNothing() throws Exception {
        start(realms(null).processPolicy((process, identity) -> {
            throw new IllegalStateException("policy store down");
        }).build());

        assertThat(asProcess("secret:read").statusCode()).isEqualTo(403);
    }

    @Test
    void processPermissionsCanBeConfiguredAsProperties() throws Exception {
        Properties p = new Properties();
        p.load(new StringReader("gatehouse.realms=corp\nrealm.corp.type=static-password\n"
                + "gatehouse.processPermissions=secret:read, process:*\n"));
        Gatehouse g = realms(null).properties(p).build();

        Decision d = g.authenticate(RequestView.builder().header(SESSION, "token-1").build(), AuthenticationMode.REQUIRED);

        assertThat(d).isInstanceOfSatisfying(Decision.Authenticated.class, a -> {
            assertThat(a.identity().scopes()).hasValue(Permission.setOf("secret:read", "process:*"));
            assertThat(a.identity().permits(Permission.PROCESS_START)).isTrue();
            assertThat(a.identity().permits(Permission.SECRET_DECRYPT)).isFalse();
        });
        Assertions.assertThatThrownBy(() -> Gatehouse.builder().properties(props("gatehouse.realms=corp\n"
                + "realm.corp.type=static-password\ngatehouse.processPermissions=Secret:Read\n")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("gatehouse.processPermissions: ");
    }

    private static Properties props(String text) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }
}
