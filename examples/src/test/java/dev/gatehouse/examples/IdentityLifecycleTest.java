package dev.gatehouse.examples;

import static dev.gatehouse.examples.TestServers.basic;
import static dev.gatehouse.examples.TestServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import dev.gatehouse.core.testing.PostgresSchema;
import dev.gatehouse.ldap.testing.Slapd;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 items 1 and 2 over real HTTP, against a real slapd and two example-server nodes on one
 * PostgreSQL: who a caller is does not depend on how they called (password, API key, process
 * token), a group change follows the user everywhere after the next login or sync, and a person
 * removed from the directory loses every credential after a sync, at once on the node that ran it
 * and within the revocation bound on the other; a directory that is down disables nobody.
 */
class IdentityLifecycleTest {

    private static final Duration BOUND = Duration.ofSeconds(1);
    private static final String ALICE = basic("alice", "alice-pw");
    private static final String ADMIN = basic("myuser", "mypwd");

    @TempDir
    Path work;
    private Slapd slapd;
    private PostgresSchema pg;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private TestServers.Client a;
    private TestServers.Client b;
    private String adminKey;

    @BeforeEach
    void start() throws Exception {
        slapd = Slapd.start(null);
        pg = PostgresSchema.create("lifecycle");
        String[] shared = {"db.url", pg.jdbcUrl(), "db.username", pg.user(),
            "secrets.serverKey.main", randomKey(), "session.keys.main", randomKey(),
            "realm.ldap.url", slapd.url(), "realm.ldap.searchBase", Slapd.BASE,
            "realm.ldap.principalSearchFilter", "(&(objectClass=inetOrgPerson)(uid={0}))",
            "realm.ldap.usernameProperty", "uid",
            "realm.ldap.systemUsername", Slapd.SERVICE_DN, "realm.ldap.systemPassword", Slapd.SERVICE_PASSWORD,
            "realm.ldap.roleMapping.admins", "admin", "realm.ldap.roleMapping.developers", "dev",
            "realm.ldap.cacheDuration", "0s"};
        ExampleServer first = TestServers.start(work.resolve("a"), Map.of(), shared);
        closing.add(first);
        ExampleServer second = TestServers.start(work.resolve("b"), Map.of(), shared);
        closing.add(second);
        a = new TestServers.Client(first);
        b = new TestServers.Client(second);
        adminKey = first.adminApiKey().orElseThrow();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        if (pg != null) {
            pg.close();
        }
        if (slapd != null) {
            slapd.close();
        }
    }

    private static List<String> roles(JsonNode whoami) {
        List<String> roles = new ArrayList<>();
        whoami.get("roles").forEach(r -> roles.add(r.asText()));
        return roles;
    }

    private JsonNode whoami(TestServers.Client node, String header, String value) throws Exception {
        var r = node.get("/api/service/console/whoami", header, value);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    /** An API key of alice's, and the session token of a process she started (still running). */
    private String[] credentials() throws Exception {
        String key = json(a.postJson("/api/v1/apikey", "{\"name\":\"lifecycle\"}", "Authorization", ALICE))
                .get("key").asText();
        String id = json(a.postJson("/api/v1/process", "{\"log\":\"${processInfo.sessionToken}\"}",
                "Authorization", ALICE)).get("instanceId").asText();
        String token = a.get("/api/v1/process/" + id + "/log", "Authorization", ALICE).body();
        return new String[] {key, token};
    }

    private JsonNode sync(TestServers.Client node) throws Exception {
        var r = node.send("POST", "/api/v1/admin/ldap/sync", null, null, "Authorization", adminKey);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r).get("realms").get("ldap");
    }

    private void modify(String dn, Modification m) throws Exception {
        try (LDAPConnection c = slapd.admin()) {
            c.modify(dn, m);
        }
    }

    @Test
    void anAdminThroughAGroupIsAdminWithEveryCredentialAndLosesItEverywhere() throws Exception {
        assertThat(roles(whoami(a, "Authorization", ALICE))).contains("admin", "dev");
        String[] c = credentials();
        assertThat(roles(whoami(a, "Authorization", c[0]))).as("by API key").contains("admin", "dev");
        assertThat(roles(whoami(b, "Authorization", c[0]))).as("by API key, other node").contains("admin", "dev");
        assertThat(roles(whoami(a, "X-Concord-SessionToken", c[1]))).as("by process token").contains("admin", "dev");

        modify("cn=admins,ou=groups," + Slapd.BASE, new Modification(ModificationType.DELETE, "member",
                "uid=alice,ou=people," + Slapd.BASE));
        JsonNode report = sync(a);

        assertThat(report.get("complete").asBoolean()).isTrue();
        assertThat(report.get("updated").asInt()).isEqualTo(1);
        assertThat(roles(whoami(a, "Authorization", c[0]))).doesNotContain("admin").contains("dev");
        assertThat(roles(whoami(a, "X-Concord-SessionToken", c[1]))).doesNotContain("admin");
        assertEventually(() -> !roles(whoami(b, "Authorization", c[0])).contains("admin"),
                "the other node drops the role within the bound");
        assertThat(roles(whoami(a, "Authorization", ALICE))).doesNotContain("admin");

        modify("cn=admins,ou=groups," + Slapd.BASE, new Modification(ModificationType.ADD, "member",
                "uid=alice,ou=people," + Slapd.BASE));
        assertThat(roles(whoami(a, "Authorization", ALICE))).as("a login refreshes the roles").contains("admin");
        assertThat(roles(whoami(a, "Authorization", c[0]))).as("and every credential sees it").contains("admin");
    }

    @Test
    void somebodyDeletedFromTheDirectoryLosesEveryCredentialAfterASync() throws Exception {
        String[] c = credentials();
        whoami(b, "Authorization", c[0]);
        whoami(b, "X-Concord-SessionToken", c[1]);
        try (LDAPConnection ldap = slapd.admin()) {
            ldap.modify("cn=admins,ou=groups," + Slapd.BASE, new Modification(ModificationType.DELETE, "member",
                    "uid=alice,ou=people," + Slapd.BASE));
            ldap.modify("cn=developers,ou=groups," + Slapd.BASE, new Modification(ModificationType.DELETE, "member",
                    "uid=alice,ou=people," + Slapd.BASE));
            ldap.delete("uid=alice,ou=people," + Slapd.BASE);
        }

        assertThat(sync(a).get("disabled").asInt()).isEqualTo(1);

        assertThat(a.get("/api/service/console/whoami", "Authorization", c[0]).statusCode()).as("at once here")
                .isEqualTo(401);
        assertThat(a.get("/api/service/console/whoami", "X-Concord-SessionToken", c[1]).statusCode()).isEqualTo(401);
        assertEventually(() -> b.get("/api/service/console/whoami", "Authorization", c[0]).statusCode() == 401,
                "the other node refuses the API key within the bound");
        assertEventually(() -> b.get("/api/service/console/whoami", "X-Concord-SessionToken", c[1]).statusCode() == 401,
                "and the process token");
        JsonNode user = json(a.get("/api/v1/user/alice", "Authorization", adminKey));
        assertThat(user.get("disabled").asBoolean()).isTrue();
    }

    @Test
    void aDirectoryThatIsDownDuringASyncDisablesNobody() throws Exception {
        String[] c = credentials();
        slapd.stop();

        JsonNode report = sync(a);

        assertThat(report.get("complete").asBoolean()).isFalse();
        assertThat(report.get("disabled").asInt()).isZero();
        assertThat(report.get("problem").asText()).isNotBlank();
        assertThat(whoami(a, "Authorization", c[0]).get("username").asText()).isEqualTo("alice");
        assertThat(json(a.get("/api/v1/user/alice", "Authorization", adminKey)).get("disabled").asBoolean()).isFalse();
        assertThat(a.get("/api/service/console/whoami", "Authorization", ALICE).statusCode())
                .as("her password cannot be checked while the directory is down").isEqualTo(503);
        slapd.start();
        assertThat(sync(a).get("complete").asBoolean()).isTrue();
        assertThat(whoami(a, "Authorization", ALICE).get("username").asText()).isEqualTo("alice");
    }

    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    private static void assertEventually(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + BOUND.plusSeconds(2).toNanos(); // the bound, plus slack for a busy machine
        while (!condition.holds()) {
            assertThat(System.nanoTime()).as(what + " (within " + BOUND + " + 2 s slack)").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static String randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }
}
