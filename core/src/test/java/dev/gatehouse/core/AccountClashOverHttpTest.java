package dev.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.servlet.AuthenticationFilter;
import dev.gatehouse.core.testing.JettyHarness;
import dev.gatehouse.core.testing.MutableClock;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An external login binds only to an account of its own type. A directory entry (here the test
 * plugin realm, whose logins are of type {@code STATIC}, as LDAP's are {@code LDAP}) named like a
 * local account must not log in as that account and inherit its roles: the login is refused over
 * HTTP and the clash is in the audit log; the local account is unchanged.
 */
class AccountClashOverHttpTest {

    private final MutableClock clock = MutableClock.atEpochOfTests();

    @Test
    void aDirectoryEntryNamedLikeALocalAdminDoesNotBecomeThatAdmin() throws Exception {
        UserDirectory users = UserDirectory.inMemory(clock);
        User admin = users.create(NewUser.of("admin", UserType.LOCAL).withRoles(Set.of("admin")));
        Gatehouse gatehouse = Gatehouse.builder().clock(clock).users(users).throttling(Throttling.disabled())
                .realm("corp", "static-password", Map.of("user.admin", "Pw-of-the-directory-1", "user.alice", "Right-1"))
                .build();
        try (JettyHarness jetty = JettyHarness.start(AuthenticationFilter.builder(gatehouse).build())) {
            HttpResponse<String> r = jetty.get("/x", "Authorization", basic("admin:Pw-of-the-directory-1"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
            assertThat(jetty.reached()).isZero();
            // the same realm still signs in its own accounts
            assertThat(jetty.get("/x", "Authorization", basic("alice:Right-1")).statusCode()).isEqualTo(200);
        }
        User after = users.findById(admin.id()).orElseThrow();
        assertThat(after.type()).isEqualTo(UserType.LOCAL);
        assertThat(after.roles()).containsExactly("admin");
        assertThat(after.lastLoginAt()).as("never signed in through the directory").isEmpty();
    }

    @Test
    void aClashIsConclusiveAndNamesBothTypesForTheAuditLog() {
        UserDirectory users = UserDirectory.inMemory(clock);
        users.create(NewUser.of("admin", UserType.LOCAL));
        Accounts accounts = new Accounts(users, clock);
        AuthenticationResult result = accounts.signIn("corp", ExternalUser.of("ADMIN ", UserType.LDAP), true);
        assertThat(result).isInstanceOfSatisfying(AuthenticationResult.Rejected.class, rejected -> {
            assertThat(rejected.conclusive()).isTrue();
            assertThat(rejected.reason()).contains("account clash").contains("LOCAL").contains("LDAP");
            assertThat(rejected.clientMessage()).isEqualTo(AuthenticationResult.Rejected.INVALID_CREDENTIALS);
        });
        assertThat(users.list(0, 10)).hasSize(1);
    }

    private static String basic(String s) {
        return "Basic " + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
