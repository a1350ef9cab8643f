package dev.gatehouse.examples;

import static dev.gatehouse.examples.ConcordTestDatabase.MD5;
import static dev.gatehouse.examples.ConcordTestDatabase.SHA256;
import static dev.gatehouse.examples.TestServers.basic;
import static dev.gatehouse.examples.TestServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.apikey.ApiKeyStore;
import dev.gatehouse.apikey.StoredApiKey;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.examples.ConcordTestDatabase.ProjectKeyKind;
import dev.gatehouse.examples.ConcordTestDatabase.SecretSpec;
import dev.gatehouse.examples.internal.DataDir;
import dev.gatehouse.examples.internal.Orgs;
import dev.gatehouse.examples.internal.Settings;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.SecretManager;
import dev.gatehouse.secrets.SecretMetadata;
import dev.gatehouse.secrets.SecretValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Concord migration command against a Concord database in the local PostgreSQL, filled by
 * {@link ConcordTestDatabase} as Concord's code writes it, into an example-server deployment (H2
 * under a temporary data folder), then over real HTTP against the example server on that deployment.
 */
class ConcordImportTest {

    private static final String ORG = "team@x~y";
    private static final String STORE_PW = "Pässwört-42✓";
    private static final String OPERATOR_PW = "Operator-Given-7";

    @TempDir
    static Path keys;

    @TempDir
    Path work;

    /** ssh-keygen pairs: name -> {public, private}. */
    private static final Map<String, byte[][]> PAIRS = new TreeMap<>();

    @BeforeAll
    static void generateKeys() throws Exception {
        Assumptions.assumeTrue(hasSshKeygen() || "true".equals(System.getenv("CI")), "ssh-keygen is not installed");
        // RSA 4096 in PKCS#1 PEM with comment concord-server: what Concord's JSch KeyPair writes
        pair("rsa4096", "", "-t", "rsa", "-b", "4096", "-m", "PEM", "-C", "concord-server");
        pair("ed25519", "", "-t", "ed25519", "-C", "uploaded");
        pair("ecdsa256", "", "-t", "ecdsa", "-b", "256");
        pair("rsa1024", "", "-t", "rsa", "-b", "1024", "-m", "PEM");
        pair("ecdsa384", "", "-t", "ecdsa", "-b", "384");
        pair("passphrase", "Secret-Phrase1", "-t", "ed25519");
    }

    private static boolean hasSshKeygen() {
        try {
            return new ProcessBuilder("ssh-keygen", "-?").redirectErrorStream(true).start().waitFor() >= 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void pair(String name, String passphrase, String... args) throws Exception {
        Path file = keys.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-N", passphrase, "-f", file.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        PAIRS.put(name, new byte[][] {Files.readAllBytes(Path.of(file + ".pub")), Files.readAllBytes(file)});
    }

    /** What the fixture put into Concord. */
    static final class Fixture {
        final Map<String, byte[]> data = new TreeMap<>();
        byte[] projectKey;
        String generatedKey;
        String chosenKey;
        String dockerKey = "auBy4eDWrKWsyhiDp3AQiw";
        UUID tampered;
    }

    private static SecretSpec spec(UUID org, String name, String type, byte[] payload, String pw, String hash, boolean ownSalt,
            UUID owner) {
        return new SecretSpec(org, name, type, payload, pw, hash, ownSalt, "PRIVATE", owner, new UUID[0], Map.of());
    }

    private static Fixture fill(ConcordTestDatabase c) throws Exception {
        Fixture f = new Fixture();
        UUID admin = c.user("admin", null, "Concord Admin", null, "LOCAL", false, "concordAdmin");
        UUID juergen = c.user("jürgen.ß", "corp.example", "Jürgen Weiß", "jw@corp.example", "LDAP", false, "deployer");
        UUID bob = c.user("bob", null, "Bob", "bob@example.com", "SSO", true, "concordSystemReader");
        UUID org = c.org(ORG);
        UUID other = c.org("other-org");
        UUID devs = c.team(org, "devs", juergen);
        c.team(other, "ops", bob);
        UUID[] pay = new UUID[1];
        f.projectKey = c.project(org, "pay~ments@1", ProjectKeyKind.GENERATED, pay);
        c.project(org, "legacy", ProjectKeyKind.NAME_WRAPPED, null);
        c.project(org, "unused", ProjectKeyKind.NONE, null);
        c.project(org, "elsewhere", ProjectKeyKind.GENERATED, null);

        byte[] b16 = new byte[16];
        c.random.nextBytes(b16);
        f.generatedKey = Base64.getEncoder().withoutPadding().encodeToString(b16);
        byte[] b32 = new byte[32];
        c.random.nextBytes(b32);
        f.chosenKey = Base64.getEncoder().encodeToString(b32); // 44 characters, padded
        c.apiKey(juergen, "laptop", f.generatedKey, null);
        c.apiKey(juergen, "ci key!", f.chosenKey, Instant.now().plus(Duration.ofDays(30)));
        c.apiKey(admin, "autogenerated", f.dockerKey, null);
        c.apiKey(bob, "old", "QUJDREVGR0hJSktMTU5PUA", Instant.parse("2020-01-01T00:00:00Z"));

        for (int size : new int[] {0, 1, 1024 * 1024}) {
            byte[] v = new byte[size];
            c.random.nextBytes(v);
            f.data.put("data-" + size, v);
            c.secret(spec(org, "data-" + size, "DATA", v, null, SHA256, true, juergen));
        }
        byte[] old = "an old MD5 secret".getBytes(StandardCharsets.UTF_8);
        f.data.put("old-md5", old);
        c.secret(spec(org, "old-md5", "DATA", old, null, MD5, false, juergen));
        byte[] restricted = "only for pay~ments".getBytes(StandardCharsets.UTF_8);
        f.data.put("db~creds@prod", restricted);
        c.secret(new SecretSpec(org, "db~creds@prod", "DATA", restricted, null, SHA256, true, "PUBLIC", juergen,
                new UUID[] {pay[0]}, Map.of(devs, "READER")));
        c.secret(spec(org, "creds", "USERNAME_PASSWORD", ConcordTestDatabase.usernamePassword("ユーザー", "пароль✓"), null,
                SHA256, true, juergen));
        c.secret(spec(org, "sealed-creds", "USERNAME_PASSWORD", ConcordTestDatabase.usernamePassword("svc", "s3cr3t✓"),
                STORE_PW, MD5, true, juergen));
        c.secret(spec(org, "given-pw", "DATA", "operator migrates me".getBytes(StandardCharsets.UTF_8), OPERATOR_PW, SHA256,
                true, juergen));
        for (Map.Entry<String, byte[][]> p : PAIRS.entrySet()) {
            c.secret(spec(org, "key-" + p.getKey(), "KEY_PAIR", ConcordTestDatabase.keyPair(p.getValue()[0], p.getValue()[1]),
                    null, SHA256, true, juergen));
        }
        // a tampered record: one byte of a USERNAME_PASSWORD ciphertext flipped in the database
        f.tampered = c.secret(spec(org, "tampered", "USERNAME_PASSWORD", ConcordTestDatabase.usernamePassword("u", "p"), null,
                SHA256, true, juergen));
        c.exec("UPDATE secrets SET secret_data = overlay(secret_data placing '\\x00'::bytea from 3 for 1) WHERE secret_id = ?",
                f.tampered);
        c.secret(spec(other, "empty", "DATA", new byte[0], null, SHA256, true, bob));
        c.exec("UPDATE secrets SET secret_data = ''::bytea WHERE secret_name = 'empty'");
        return f;
    }

    private record Run(int status, String out, String err) {}

    private Run run(ConcordTestDatabase c, Path dataDir, String... extra) throws IOException {
        return runWith(c, dataDir, ConcordTestDatabase.STORE_SALT, ConcordTestDatabase.SERVER_PASSWORD, extra);
    }

    private List<String> args(ConcordTestDatabase c, Path dataDir, String... extra) throws IOException {
        Path config = dataDir.resolveSibling(dataDir.getFileName() + ".properties");
        Files.writeString(config, "server.dataDir=" + dataDir + "\n");
        List<String> args = new ArrayList<>(List.of("--concord-url", c.jdbcUrl(), "--concord-user", c.user(),
                "--secret-store-salt", ConcordTestDatabase.STORE_SALT, "--server-password", ConcordTestDatabase.SERVER_PASSWORD,
                "--project-secret-salt", ConcordTestDatabase.PROJECT_SALT, "--config", config.toString()));
        args.addAll(List.of(extra));
        return args;
    }

    private Run runWith(ConcordTestDatabase c, Path dataDir, String storeSalt, String serverPassword, String... extra)
            throws IOException {
        Path config = dataDir.resolveSibling(dataDir.getFileName() + ".properties");
        Files.writeString(config, "server.dataDir=" + dataDir + "\nrealm.apikey.acceptConcordKeys=true\n");
        Path pw = dataDir.resolveSibling("store-passwords");
        Files.writeString(pw, "# org/secret<TAB>password\n" + ORG + "/given-pw\t" + OPERATOR_PW + "\n");
        List<String> args = new ArrayList<>(List.of("--concord-url", c.jdbcUrl(), "--concord-user", c.user(),
                "--secret-store-salt", "${env:CONCORD_STORE_SALT}", "--server-password", "${env:CONCORD_SERVER_PASSWORD}",
                "--project-secret-salt", ConcordTestDatabase.PROJECT_SALT, "--config", config.toString(),
                "--store-passwords", pw.toString(), "--refused-key-pairs", "opaque"));
        args.addAll(List.of(extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ConcordImport.run(args.toArray(String[]::new), Map.of("CONCORD_STORE_SALT", storeSalt,
                "CONCORD_SERVER_PASSWORD", serverPassword), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static List<String> reportLines(String out) {
        return out.lines().filter(l -> !l.startsWith("Concord migration")).toList();
    }

    /** Everything the migration writes, without ids and timestamps, values included. */
    static List<String> snapshot(Path dataDir, Map<String, String> passwords) {
        Properties p = new Properties();
        p.setProperty("server.dataDir", dataDir.toString());
        Settings settings = Settings.of(p, Map.of());
        DataDir dir = new DataDir(dataDir);
        List<String> out = new ArrayList<>();
        try (HikariDataSource db = ExampleServer.dataSource(settings, dir);
                SecretManager secrets = ExampleServer.secrets(settings, dir, db, UnaryOperator.identity())) {
            UserDirectory users = UserDirectory.jdbc(db, Clock.systemUTC());
            Orgs orgs = new Orgs(db);
            ApiKeyStore keyStore = ApiKeyStore.jdbc(db);
            Map<UUID, String> names = new TreeMap<>();
            for (User u : users.list(0, 1000)) {
                names.put(u.id(), u.username());
                out.add("user " + u.username() + " " + u.domain() + " " + u.type().name() + " " + u.displayName() + " "
                        + u.email() + " " + new TreeMap<>(Map.of("r", new java.util.TreeSet<>(u.roles()))) + " disabled="
                        + u.disabled() + " orgs=" + new java.util.TreeSet<>(orgs.orgsOf(u.id())));
                for (StoredApiKey k : keyStore.findByOwner(u.id())) {
                    out.add("key " + u.username() + " " + k.key().name() + " " + k.key().format() + " " + k.key().expiresAt()
                            + " " + HexFormat.of().formatHex(k.digest()));
                }
            }
            Caller admin = new Caller(UUID.randomUUID(), Set.of(), Set.of(), true, Optional.empty());
            for (String org : orgs.allOrgs()) {
                out.add("org " + org + " projects=" + orgs.projectsOf(org));
                for (SecretMetadata m : secrets.list(admin, org)) {
                    String pw = passwords.get(org + "/" + m.name());
                    Caller reader = m.projects().isEmpty() ? admin : admin.inProcess(new dev.gatehouse.core.ProcessRef(
                            UUID.randomUUID(), org, Optional.of(m.projects().iterator().next())));
                    SecretValue v = m.passwordProtected()
                            ? (pw == null ? null : secrets.read(reader, org, m.name(), pw.toCharArray()))
                            : secrets.read(reader, org, m.name());
                    String value = v == null ? "(sealed)" : v instanceof SecretValue.Data d
                            ? HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(d.bytes()))
                            : v.toString() + (v instanceof SecretValue.UsernamePassword up ? new String(up.password()) : "")
                                    + (v instanceof SecretValue.KeyPair kp ? new String(kp.privateKey(), StandardCharsets.UTF_8) : "");
                    out.add("secret " + org + "/" + m.name() + " " + m.type() + " " + m.visibility() + " owner="
                            + names.get(m.owner()) + " projects=" + new java.util.TreeSet<>(m.projects()) + " grants="
                            + new TreeMap<>(m.grants().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                                    e -> e.getKey().toString(), e -> e.getValue().name()))) + " pw=" + m.passwordProtected()
                            + " " + value);
                }
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        java.util.Collections.sort(out);
        return out;
    }

    @Test
    void dryRunReportsWhatTheRunDoesTheRunMigratesEveryVariantAndASecondRunIsANoOp() throws Exception {
        try (ConcordTestDatabase c = new ConcordTestDatabase(false)) {
            Fixture f = fill(c);
            Path data = work.resolve("gh");
            // a deployment that has run once: its schema, admin and Default org exist
            TestServers.start(data, Map.of()).close();
            List<String> before = snapshot(data, Map.of());

            Run dry = run(c, data, "--dry-run");
            assertThat(dry.status()).as(dry.out() + dry.err()).isEqualTo(3);
            assertThat(dry.out()).contains("DRY RUN");
            assertThat(snapshot(data, Map.of())).as("a dry run changes nothing").isEqualTo(before);

            Run real = run(c, data);
            assertThat(real.status()).as(real.out() + real.err()).isEqualTo(3);
            assertThat(reportLines(real.out())).as("the dry run's report is what the run did").isEqualTo(reportLines(dry.out()));
            String report = real.out();
            assertThat(report).contains("FAILED secrets " + ORG + "/tampered (" + f.tampered + "): does not decrypt")
                    .contains("FAILED secrets other-org/empty").contains("ciphertext is empty")
                    .contains("SKIPPED api keys old of bob").contains("expired")
                    .contains("as an opaque DATA secret").contains("RSA keys shorter than 2048 bits")
                    .contains("nistp384").contains("Encrypted private keys")
                    .contains("named 'concord-");
            assertThat(report).as("no value or password in the report").doesNotContain(STORE_PW).doesNotContain(OPERATOR_PW)
                    .doesNotContain(f.generatedKey).doesNotContain("пароль").doesNotContain(ConcordTestDatabase.SERVER_PASSWORD);
            assertThat(real.err()).doesNotContain(STORE_PW).doesNotContain(OPERATOR_PW);
            assertThat(countOf(report, "secrets", 1)).isEqualTo(13); // migrated
            assertThat(countOf(report, "secrets", 3)).isEqualTo(1); // sealed

            List<String> after = snapshot(data, Map.of(ORG + "/given-pw", OPERATOR_PW));
            assertThat(after).anyMatch(l -> l.startsWith("user jürgen.ß Optional[corp.example] LDAP Optional[Jürgen Weiß] "
                    + "Optional[jw@corp.example] {r=[deployer]} disabled=false orgs=[Default, " + ORG + "]"));
            assertThat(after).anyMatch(l -> l.startsWith("user bob Optional.empty SSO") && l.contains("disabled=true"));
            assertThat(after).anyMatch(l -> l.startsWith("user admin ") && l.contains("admin, concordAdmin"));
            assertThat(after).anyMatch(l -> l.startsWith("secret " + ORG + "/db~creds@prod DATA PUBLIC owner=jürgen.ß "
                    + "projects=[pay~ments@1] grants={Team[id=") && l.contains("=READER}"));
            assertThat(after).anyMatch(l -> l.startsWith("secret " + ORG + "/given-pw DATA PRIVATE owner=jürgen.ß projects=[] "
                    + "grants={} pw=true"));

            // a second run writes nothing and says so
            Run again = run(c, data);
            assertThat(again.out()).contains("Nothing new to migrate");
            assertThat(countOf(again.out(), "secrets", 1)).isZero();
            assertThat(snapshot(data, Map.of(ORG + "/given-pw", OPERATOR_PW))).isEqualTo(after);

            overHttp(c, f, data);
        }
    }

    /** The column {@code col} (1 migrated, 2 present, 3 sealed, 4 skipped, 5 failed) of a kind's row. */
    private static int countOf(String report, String kind, int col) {
        return report.lines().filter(l -> l.matches(kind + " +\\d.*")).findFirst()
                .map(l -> Integer.parseInt(l.substring(kind.length()).strip().split("\\s+")[col - 1])).orElse(0);
    }

    private void overHttp(ConcordTestDatabase c, Fixture f, Path data) throws Exception {
        try (ExampleServer server = TestServers.start(data, Map.of(), "realm.apikey.acceptConcordKeys", "true")) {
            TestServers.Client http = new TestServers.Client(server);
            // Concord API keys, as a Concord client holds them, authenticate as their owners
            for (String key : new String[] {f.generatedKey, f.chosenKey}) {
                var who = http.get("/api/service/console/whoami", "Authorization", key);
                assertThat(who.statusCode()).as(who.body()).isEqualTo(200);
                assertThat(json(who).get("username").asText()).isEqualTo("jürgen.ß");
            }
            assertThat(json(http.get("/api/service/console/whoami", "Authorization", f.dockerKey)).get("username").asText())
                    .isEqualTo("admin");
            assertThat(http.get("/api/service/console/whoami", "Authorization", "QUJDREVGR0hJSktMTU5PUA").statusCode())
                    .as("the expired key was not migrated").isEqualTo(401);
            // secrets read back identical
            for (String name : List.of("data-0", "data-1", "data-1048576", "old-md5")) {
                var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        http.uri("/api/v1/org/" + ORG + "/secret/" + name + "/data")).header("Authorization", f.generatedKey)
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                assertThat(r.statusCode()).as(name).isEqualTo(200);
                assertThat(r.body()).as(name).isEqualTo(f.data.get(name));
            }
            var creds = http.send("POST", "/api/v1/org/" + ORG + "/secret/creds/data", null, null, "Authorization", f.generatedKey);
            assertThat(json(creds).get("username").asText()).isEqualTo("ユーザー");
            assertThat(json(creds).get("password").asText()).isEqualTo("пароль✓");
            var rsa = http.send("POST", "/api/v1/org/" + ORG + "/secret/key-rsa4096/data", null, null, "Authorization", f.generatedKey);
            assertThat(json(rsa).get("public").asText()).isEqualTo(new String(PAIRS.get("rsa4096")[0], StandardCharsets.UTF_8).strip());
            // the sealed password-protected secret migrates on its first read with the password
            var wrong = http.postForm("/api/v1/org/" + ORG + "/secret/sealed-creds/data", f.generatedKey, "storePassword", "Wrong-pass-9");
            assertThat(wrong.statusCode()).isEqualTo(400);
            for (int i = 0; i < 2; i++) {
                var sealed = http.postForm("/api/v1/org/" + ORG + "/secret/sealed-creds/data", f.generatedKey, "storePassword", STORE_PW);
                assertThat(sealed.statusCode()).as(sealed.body()).isEqualTo(200);
                assertThat(json(sealed).get("password").asText()).isEqualTo("s3cr3t✓");
            }
            // a Concord encrypted string decrypts in a process of its migrated project, and not in another
            String concord = ConcordTestDatabase.encryptString("from Concord ✓", f.projectKey);
            assertThat(processLog(http, f.generatedKey, "pay~ments@1", concord)).contains("value=from Concord ✓");
            assertThat(processLog(http, f.generatedKey, "elsewhere", concord)).doesNotContain("from Concord")
                    .contains("422").contains("access denied");
            String legacy = ConcordTestDatabase.encryptString("name key", "legacy".getBytes(StandardCharsets.UTF_8));
            assertThat(processLog(http, f.generatedKey, "legacy", legacy)).contains("value=name key");
        }
    }

    private static String processLog(TestServers.Client http, String key, String project, String encrypted) throws Exception {
        var started = http.postJson("/api/v1/process", TestServers.JSON.createObjectNode().put("org", ORG).put("project", project)
                .put("log", "value=${crypto.decryptString('" + encrypted + "')}").toString(), "Authorization", key);
        if (started.statusCode() >= 300) {
            return started.statusCode() + " " + started.body();
        }
        String id = json(started).get("instanceId").asText();
        for (int i = 0; i < 100; i++) {
            var log = http.get("/api/v1/process/" + id + "/log", "Authorization", key);
            if (log.statusCode() == 200 && !log.body().isEmpty()) {
                return log.body();
            }
            Thread.sleep(50);
        }
        return "";
    }

    @Test
    void aWrongServerPasswordOrSecretStoreSaltIsReportedPerRecordWritesNothingHalfAndTheRestMigrates() throws Exception {
        // a database from before 1.98.1: every secret and project key depends on secretStoreSalt
        try (ConcordTestDatabase c = new ConcordTestDatabase(true)) {
            UUID owner = c.user("carol", null, null, null, "LOCAL", false);
            UUID org = c.org(ORG);
            c.team(org, "t", owner);
            UUID[] p = new UUID[1];
            byte[] key = c.project(org, "proj", ProjectKeyKind.GENERATED, p);
            c.project(org, "never-used", ProjectKeyKind.NONE, null);
            c.secret(spec(org, "creds", "USERNAME_PASSWORD", ConcordTestDatabase.usernamePassword("u", "pw"), null, MD5, false, owner));
            c.secret(spec(org, "blob", "DATA", new byte[100], null, MD5, false, owner));
            c.secret(new SecretSpec(org, "restricted", "DATA", "r".getBytes(StandardCharsets.UTF_8), null, MD5, false, "PRIVATE",
                    owner, new UUID[] {p[0]}, Map.of()));
            c.secret(spec(org, "given-pw", "DATA", "mine".getBytes(StandardCharsets.UTF_8), OPERATOR_PW, MD5, false, owner));
            Path data = work.resolve("gh");
            TestServers.start(data, Map.of()).close();

            String wrong = Base64.getEncoder().encodeToString("not the password".getBytes(StandardCharsets.UTF_8));
            Run badPassword = runWith(c, data, ConcordTestDatabase.STORE_SALT, wrong);
            assertThat(badPassword.status()).isEqualTo(3);
            assertThat(badPassword.out()).contains("FAILED secrets " + ORG + "/creds").contains("FAILED secrets " + ORG + "/blob")
                    .contains("FAILED secrets " + ORG + "/restricted").doesNotContain("FAILED secrets " + ORG + "/given-pw")
                    .doesNotContain(wrong);
            assertThat(countOf(badPassword.out(), "users", 1)).isEqualTo(1);
            assertThat(countOf(badPassword.out(), "project keys", 1)).isEqualTo(2);
            assertThat(countOf(badPassword.out(), "secrets", 1)).as("only the one with its own password").isEqualTo(1);
            assertThat(snapshot(data, Map.of()).stream().filter(l -> l.startsWith("secret ")))
                    .singleElement().asString().contains("/given-pw ");

            String otherSalt = Base64.getEncoder().encodeToString("another-salt".getBytes(StandardCharsets.UTF_8));
            Path data2 = work.resolve("gh2");
            TestServers.start(data2, Map.of()).close();
            Run badSalt = runWith(c, data2, otherSalt, ConcordTestDatabase.SERVER_PASSWORD);
            assertThat(badSalt.out()).contains("FAILED project keys " + ORG + "/proj").contains("FAILED secrets " + ORG + "/creds")
                    .contains("FAILED secrets " + ORG + "/given-pw").doesNotContain(otherSalt);
            assertThat(countOf(badSalt.out(), "project keys", 1)).as("the name-based key needs no salt").isEqualTo(1);
            assertThat(countOf(badSalt.out(), "secrets", 1)).isZero();
            assertThat(snapshot(data2, Map.of()).stream().filter(l -> l.startsWith("secret "))).isEmpty();

            // with the right values the rest migrates, and ends as a clean run would
            Run fixed = run(c, data);
            assertThat(fixed.status()).as(fixed.out()).isZero();
            assertThat(countOf(fixed.out(), "secrets", 1)).isEqualTo(3);
            assertThat(countOf(fixed.out(), "secrets", 2)).isEqualTo(1);
            Path clean = work.resolve("clean");
            TestServers.start(clean, Map.of()).close();
            run(c, clean);
            Map<String, String> pws = Map.of(ORG + "/given-pw", OPERATOR_PW);
            assertThat(withoutAdminKey(snapshot(data, pws))).isEqualTo(withoutAdminKey(snapshot(clean, pws)));
            try (ExampleServer server = TestServers.start(data, Map.of())) {
                TestServers.Client http = new TestServers.Client(server);
                String carol = server.adminApiKey().orElseThrow();
                String s = ConcordTestDatabase.encryptString("legacy layout", key);
                assertThat(processLog(http, carol, "proj", s)).contains("value=legacy layout");
            }
        }
    }

    private static List<String> withoutAdminKey(List<String> snapshot) {
        return snapshot.stream().filter(l -> !l.startsWith("key admin admin GATEHOUSE")).toList();
    }

    @Test
    void aRunKilledHalfwayAndStartedAgainEndsAsAnUninterruptedRun() throws Exception {
        int n = 10_000;
        try (ConcordTestDatabase c = new ConcordTestDatabase(false)) {
            UUID owner = c.user("dave", null, "Dave", null, "LOCAL", true, "deployer");
            UUID org = c.org(ORG);
            c.team(org, "t", owner);
            c.apiKey(owner, "k", "QUJDREVGR0hJSktMTU5PUA", null);
            c.bulkData(org, owner, n);
            Path whole = work.resolve("whole");
            Path killed = work.resolve("killed");
            TestServers.start(whole, Map.of()).close();
            TestServers.start(killed, Map.of()).close();

            long t0 = System.nanoTime();
            Run uninterrupted = run(c, whole);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(uninterrupted.status()).as(uninterrupted.out() + uninterrupted.err()).isZero();
            System.out.printf("Concord migration of %d secrets: %.1f s, %.0f records/s%n", n, seconds, n / seconds);

            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), ConcordImport.class.getName()));
            cmd.addAll(args(c, killed));
            Process process = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            boolean killedMidway = false;
            try (var err = new java.io.BufferedReader(new java.io.InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = err.readLine()) != null; ) {
                    if (line.startsWith("secrets: ") && !line.startsWith("secrets: " + n + "/")) {
                        process.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
                        killedMidway = true;
                        break;
                    }
                }
            }
            process.waitFor();
            assertThat(killedMidway).as("the run was killed while it migrated secrets").isTrue();
            long partial = snapshot(killed, Map.of()).stream().filter(l -> l.startsWith("secret ")).count();
            assertThat(partial).as("killed halfway").isBetween(1L, n - 1L);

            Run restarted = run(c, killed);
            assertThat(restarted.status()).as(restarted.out() + restarted.err()).isZero();
            assertThat(countOf(restarted.out(), "secrets", 1) + countOf(restarted.out(), "secrets", 2)).isEqualTo(n);
            assertThat(withoutAdminKey(snapshot(killed, Map.of()))).isEqualTo(withoutAdminKey(snapshot(whole, Map.of())));
        }
    }
}
