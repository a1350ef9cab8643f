package dev.gatehouse.examples;

import static dev.gatehouse.examples.TestServers.basic;
import static dev.gatehouse.examples.TestServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every write the example server makes of more than one row is all or nothing: the database is
 * made to fail at each write step of an operation in turn (the first statement, the second, ...,
 * the commit), as a crash there would, and after each attempt the rows are whole or absent, and
 * the answer says which (200, or 503 for the outage; never a 500 and never a 4xx).
 */
class AtomicWritesTest {

    private static final String MYUSER = basic("myuser", "mypwd");
    private static final int MAX_STEPS = 40;

    @TempDir
    static Path dataDir;
    private static ExampleServer server;
    private static TestServers.Client http;
    private static FaultyDataSource faulty;
    private static String admin;

    @BeforeAll
    static void start() throws Exception {
        AtomicReference<FaultyDataSource> made = new AtomicReference<>();
        server = TestServers.start(dataDir.resolve("data"), Map.of(), ds -> {
            made.set(new FaultyDataSource(ds));
            return made.get();
        });
        faulty = made.get();
        http = new TestServers.Client(server);
        admin = server.adminApiKey().orElseThrow();
        assertThat(http.get("/api/service/console/whoami", "Authorization", MYUSER).statusCode()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** An operation attempted with a fault at step {@code n}; its name differs per attempt. */
    @FunctionalInterface
    private interface Attempt {
        HttpResponse<String> run(String name) throws Exception;
    }

    /** Checks what the database holds for {@code name} after the answer {@code r}. */
    @FunctionalInterface
    private interface Check {
        void check(String name, HttpResponse<String> r) throws Exception;
    }

    /**
     * Fails step 1, 2, ... of {@code attempt} until one attempt runs to its end without reaching
     * the fault, checking after each; asserts that at least one attempt was interrupted.
     */
    private static void atEveryStep(String what, Attempt attempt, Check check) throws Exception {
        int interrupted = 0;
        for (int n = 1; n <= MAX_STEPS; n++) {
            String name = what + "-" + n;
            faulty.failStep(n);
            HttpResponse<String> r;
            try {
                r = attempt.run(name);
            } finally {
                boolean fired = !faulty.armed();
                faulty.failStep(0);
                if (fired) {
                    interrupted++;
                }
            }
            if (r.statusCode() != 200) {
                assertThat(r.statusCode()).as("%s with a fault at step %d: %s", what, n, r.body()).isEqualTo(503);
                assertThat(r.headers().firstValue("Retry-After")).as("%s, step %d", what, n).isPresent();
            }
            check.check(name, r);
            if (r.statusCode() == 200 && interrupted < n) {
                assertThat(interrupted).as(what + ": some attempt was interrupted").isPositive();
                return;
            }
        }
        throw new AssertionError(what + " did not complete within " + MAX_STEPS + " steps");
    }

    private static long count(String sql, Object... args) throws SQLException {
        try (Connection c = faulty.real().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static boolean tableExists(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection(); ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) {
            while (rs.next()) {
                if (rs.getString("TABLE_NAME").equalsIgnoreCase(table)) {
                    return true;
                }
            }
            return false;
        }
    }

    @Test
    void anOrgAndItsCreatorsMembershipAreWrittenTogether() throws Exception {
        atEveryStep("org", name -> http.postJson("/api/v1/org", "{\"name\":\"" + name + "\"}", "Authorization", MYUSER),
                (name, r) -> {
                    long orgs = count("SELECT COUNT(*) FROM ex_orgs WHERE name = ?", name);
                    long members = count("SELECT COUNT(*) FROM ex_org_members m JOIN ex_orgs o ON o.id = m.org_id "
                            + "WHERE o.name = ?", name);
                    assertThat(orgs).as(name + ": " + r.body()).isEqualTo(r.statusCode() == 200 ? 1 : 0);
                    assertThat(members).as(name + ": the creator's membership").isEqualTo(orgs);
                });
    }

    @Test
    void aUserAndTheirRolesAreWrittenTogether() throws Exception {
        atEveryStep("robot", name -> http.postJson("/api/v1/user", "{\"username\":\"" + name
                + "\",\"type\":\"LOCAL\",\"roles\":[\"deployer\",\"auditor\"]}", "Authorization", admin), (name, r) -> {
                    long users = count("SELECT COUNT(*) FROM gh_users WHERE username = ?", name);
                    long roles = count("SELECT COUNT(*) FROM gh_user_roles r JOIN gh_users u ON u.id = r.user_id "
                            + "WHERE u.username = ?", name);
                    assertThat(users).as(name + ": " + r.body()).isEqualTo(r.statusCode() == 200 ? 1 : 0);
                    assertThat(roles).as(name + ": its roles").isEqualTo(2 * users);
                });
    }

    @Test
    void aSecretAndItsMetadataAreWrittenTogether() throws Exception {
        atEveryStep("secret", name -> http.postForm("/api/v1/org/Default/secret", MYUSER, "name", name, "type",
                "username_password", "username", "app", "password", "tiger", "storePassword", "Sesame123!"),
                (name, r) -> {
                    HttpResponse<String> read = http.postForm("/api/v1/org/Default/secret/" + name + "/data", MYUSER,
                            "storePassword", "Sesame123!");
                    if (r.statusCode() == 200) {
                        assertThat(read.body()).isEqualTo("{\"username\":\"app\",\"password\":\"tiger\"}");
                    } else {
                        assertThat(read.statusCode()).as(name + ": nothing was stored").isEqualTo(404);
                    }
                });
    }

    @Test
    void aProcessIsRegisteredWithItsInitiatorAndLogOrNotAtAll() throws Exception {
        Path work = dataDir.resolve("data").resolve("processes");
        atEveryStep("process", name -> http.postJson("/api/v1/process", "{\"log\":\"" + name
                + " ${processInfo.sessionToken}\"}", "Authorization", MYUSER), (name, r) -> {
                    assertThat(halfWrittenProcesses()).as(name + ": " + r.body()).isEmpty();
                    if (r.statusCode() == 200) {
                        String id = json(r).get("instanceId").asText();
                        assertThat(http.get("/api/v1/process/" + id + "/log", "Authorization", MYUSER).body())
                                .startsWith(name + " ");
                        assertThat(json(http.get("/api/v1/process/" + id, "Authorization", MYUSER)).get("initiator")
                                .asText()).isEqualTo("myuser");
                    } else if (Files.isDirectory(work)) {
                        try (var dirs = Files.list(work)) {
                            for (Path d : (Iterable<Path>) dirs::iterator) {
                                assertThat(countProcess(d.getFileName().toString()))
                                        .as(name + ": a work folder without its process").isEqualTo(1);
                            }
                        }
                    }
                });
    }

    private static long countProcess(String id) throws SQLException {
        return count("SELECT COUNT(*) FROM ex_processes WHERE CAST(id AS VARCHAR(36)) = ?", id);
    }

    /**
     * Processes the database knows without their initiator or log: in the session realm's table
     * without a log row (the shape before this fix), or a row of the server's own table missing either.
     */
    private static List<String> halfWrittenProcesses() throws SQLException {
        List<String> half = new ArrayList<>();
        DataSource ds = faulty.real();
        String logs = tableExists(ds, "ex_processes") ? "SELECT id FROM ex_processes WHERE log IS NOT NULL AND initiator IS NOT NULL"
                : "SELECT instance_id FROM ex_process_logs";
        try (Connection c = ds.getConnection()) {
            if (tableExists(ds, "gh_session_processes")) {
                try (PreparedStatement ps = c.prepareStatement("SELECT id FROM gh_session_processes WHERE id NOT IN ("
                        + logs + ")"); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        half.add(rs.getString(1));
                    }
                }
            }
            if (tableExists(ds, "ex_processes")) {
                try (PreparedStatement ps = c.prepareStatement("SELECT id FROM ex_processes WHERE log IS NULL OR initiator IS NULL");
                        ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        half.add(rs.getString(1));
                    }
                }
            }
        }
        return half;
    }
}
