package dev.gatehouse.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.testing.ClosedPort;
import dev.gatehouse.core.testing.H2Database;
import dev.gatehouse.core.testing.PostgresSchema;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The one way tables are created: history with checksums, refusal of edited scripts, the
 * statement splitter, concurrent start-up, and every shipped core script on H2 and PostgreSQL.
 */
class SchemaMigrationsTest {

    @TempDir
    Path resources;

    private final List<PostgresSchema> schemas = new ArrayList<>();
    private final ClassLoader originalContextLoader = Thread.currentThread().getContextClassLoader();

    @AfterEach
    void restore() {
        Thread.currentThread().setContextClassLoader(originalContextLoader);
        schemas.forEach(PostgresSchema::close);
    }

    private DataSource postgres() {
        PostgresSchema schema = PostgresSchema.create("migrations");
        schemas.add(schema);
        return schema.dataSource();
    }

    // --- shipped scripts ---------------------------------------------------------------------

    @Test
    void everyShippedCoreScriptAppliesOnH2() throws Exception {
        assertCoreSchemaApplies(H2Database.create());
    }

    @Test
    void everyShippedCoreScriptAppliesOnPostgres() throws Exception {
        assertCoreSchemaApplies(postgres());
    }

    private static void assertCoreSchemaApplies(DataSource ds) throws SQLException {
        SchemaMigrations.apply(ds, "core");
        SchemaMigrations.apply(ds, "core"); // a second start changes nothing

        assertThat(count(ds, "SELECT COUNT(*) FROM gh_schema_history WHERE component = 'core'"))
                .isEqualTo(shippedScripts("core").size());
        assertThat(count(ds, "SELECT COUNT(*) FROM gh_schema_history WHERE component = 'core' AND checksum IS NULL"))
                .as("every applied script has its checksum recorded").isZero();
        assertThat(count(ds, "SELECT COUNT(*) FROM gh_users")).isZero();
        assertThat(count(ds, "SELECT COUNT(*) FROM gh_user_roles")).isZero();
    }

    private static List<String> shippedScripts(String component) {
        String index = read("META-INF/gatehouse/" + component + "/schema/scripts");
        List<String> out = new ArrayList<>();
        for (String line : index.split("\n")) {
            if (!line.isBlank() && !line.strip().startsWith("#")) {
                out.add(line.strip());
            }
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    // --- an edited, already-applied script ----------------------------------------------------

    @Test
    void shippedScriptWhoseRecordedChecksumDiffersIsRefusedNamingIt() throws Exception {
        DataSource ds = H2Database.create();
        SchemaMigrations.apply(ds, "core");
        execute(ds, "UPDATE gh_schema_history SET checksum = '"
                + SchemaMigrations.checksum("-- the text as it was applied\n") + "' WHERE component = 'core' AND version = 1");

        assertThatThrownBy(() -> SchemaMigrations.apply(ds, "core"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("META-INF/gatehouse/core/schema/h2/V1__users.sql")
                .hasMessageContaining("changed after it was applied");
    }

    @Test
    void scriptEditedAfterItWasAppliedIsRefusedAtStartUpNamingIt() throws Exception {
        writeComponent("gh-test", "h2", "V1__things.sql", "CREATE TABLE things (id INT PRIMARY KEY);\n");
        DataSource ds = H2Database.create();
        withComponentLoader(() -> SchemaMigrations.apply(ds, "gh-test"));

        // The shipped text changes (a new release edited V1 instead of adding V2).
        writeComponent("gh-test", "h2", "V1__things.sql", "CREATE TABLE things (id INT PRIMARY KEY, name VARCHAR(10));\n");

        assertThatThrownBy(() -> withComponentLoader(() -> SchemaMigrations.apply(ds, "gh-test")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("META-INF/gatehouse/gh-test/schema/h2/V1__things.sql")
                .hasMessageContaining("changed after it was applied");
        assertThat(count(ds, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'THINGS'"))
                .as("the edited script was not run").isEqualTo(1);
    }

    @Test
    void lineEndingsDoNotChangeAChecksum() throws Exception {
        writeComponent("gh-crlf", "h2", "V1__things.sql", "CREATE TABLE things (id INT);\n");
        DataSource ds = H2Database.create();
        withComponentLoader(() -> SchemaMigrations.apply(ds, "gh-crlf"));
        writeComponent("gh-crlf", "h2", "V1__things.sql", "CREATE TABLE things (id INT);\r\n");

        withComponentLoader(() -> SchemaMigrations.apply(ds, "gh-crlf"));

        assertThat(count(ds, "SELECT COUNT(*) FROM gh_schema_history WHERE component = 'gh-crlf'")).isEqualTo(1);
    }

    @Test
    void aNewVersionIsAppliedOnTheNextStartAndTheOldOneIsKept() throws Exception {
        writeComponent("gh-up", "h2", "V1__things.sql", "CREATE TABLE things (id INT PRIMARY KEY);");
        DataSource ds = H2Database.create();
        withComponentLoader(() -> SchemaMigrations.apply(ds, "gh-up"));
        execute(ds, "INSERT INTO things (id) VALUES (7)");
        writeScript("gh-up", "h2", "V2__names.sql", "ALTER TABLE things ADD COLUMN name VARCHAR(20);");
        writeIndex("gh-up", "V1__things.sql", "V2__names.sql");

        withComponentLoader(() -> SchemaMigrations.apply(ds, "gh-up"));

        assertThat(count(ds, "SELECT COUNT(*) FROM things WHERE id = 7 AND name IS NULL")).isEqualTo(1);
        assertThat(count(ds, "SELECT COUNT(*) FROM gh_schema_history WHERE component = 'gh-up'")).isEqualTo(2);
    }

    @Test
    void aScriptRenamedUnderAnAppliedVersionIsRefused() throws Exception {
        writeComponent("gh-ren", "h2", "V1__things.sql", "CREATE TABLE things (id INT);");
        DataSource ds = H2Database.create();
        withComponentLoader(() -> SchemaMigrations.apply(ds, "gh-ren"));
        writeScript("gh-ren", "h2", "V1__other.sql", "CREATE TABLE things (id INT);");
        writeIndex("gh-ren", "V1__other.sql");

        assertThatThrownBy(() -> withComponentLoader(() -> SchemaMigrations.apply(ds, "gh-ren")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("V1__things.sql").hasMessageContaining("V1__other.sql");
    }

    @Test
    void aFailingScriptIsRolledBackAndNamed() throws Exception {
        writeComponent("gh-bad", "postgresql", "V1__bad.sql",
                "CREATE TABLE half (id INT);\nCREATE TABLE broken (id NOSUCHTYPE);\n");
        DataSource ds = postgres();

        assertThatThrownBy(() -> withComponentLoader(() -> SchemaMigrations.apply(ds, "gh-bad")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("META-INF/gatehouse/gh-bad/schema/postgresql/V1__bad.sql");
        assertThat(count(ds, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'half' "
                + "AND table_schema = current_schema()")).as("PostgreSQL DDL is transactional").isZero();
        assertThat(count(ds, "SELECT COUNT(*) FROM gh_schema_history WHERE component = 'gh-bad'"))
                .as("a failed script is not recorded, so the next start tries again").isZero();
    }

    @Test
    void aFailingScriptOnH2IsNotRecordedSoTheNextStartTriesAgain() throws Exception {
        writeComponent("gh-bad2", "h2", "V1__bad.sql",
                "CREATE TABLE IF NOT EXISTS half (id INT);\nCREATE TABLE broken (id NOSUCHTYPE);\n");
        DataSource ds = H2Database.create();

        assertThatThrownBy(() -> withComponentLoader(() -> SchemaMigrations.apply(ds, "gh-bad2")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("META-INF/gatehouse/gh-bad2/schema/h2/V1__bad.sql");
        assertThat(count(ds, "SELECT COUNT(*) FROM gh_schema_history WHERE component = 'gh-bad2'"))
                .as("H2 commits DDL at once; a failed script must still not count as applied").isZero();

        writeComponent("gh-bad2", "h2", "V1__bad.sql",
                "CREATE TABLE IF NOT EXISTS half (id INT);\nCREATE TABLE fixed (id INT);\n");
        withComponentLoader(() -> SchemaMigrations.apply(ds, "gh-bad2"));
        assertThat(count(ds, "SELECT COUNT(*) FROM fixed")).isZero();
    }

    @Test
    void badIndexAndMissingScriptsAreRefusedWithTheirNames() throws Exception {
        assertThatThrownBy(() -> SchemaMigrations.apply(H2Database.create(), "no-such-component"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("META-INF/gatehouse/no-such-component/schema/scripts");
        assertThatThrownBy(() -> SchemaMigrations.apply(H2Database.create(), "../core"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("component must match");

        writeIndex("gh-order", "V2__b.sql", "V1__a.sql");
        writeScript("gh-order", "h2", "V1__a.sql", "CREATE TABLE a (id INT);");
        writeScript("gh-order", "h2", "V2__b.sql", "CREATE TABLE b (id INT);");
        assertThatThrownBy(() -> withComponentLoader(() -> SchemaMigrations.apply(H2Database.create(), "gh-order")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("versions must increase");

        writeIndex("gh-missing", "V1__a.sql");
        assertThatThrownBy(() -> withComponentLoader(() -> SchemaMigrations.apply(H2Database.create(), "gh-missing")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("META-INF/gatehouse/gh-missing/schema/h2/V1__a.sql");

        writeIndex("gh-name", "create_things.sql");
        assertThatThrownBy(() -> withComponentLoader(() -> SchemaMigrations.apply(H2Database.create(), "gh-name")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("create_things.sql");
    }

    @Test
    void aDatabaseThatDoesNotAnswerIsABackendOutage() throws Exception {
        PGSimpleDataSource closed = new PGSimpleDataSource();
        closed.setServerNames(new String[] {"127.0.0.1"});
        closed.setPortNumbers(new int[] {ClosedPort.find()});
        closed.setConnectTimeout(2);

        assertThatThrownBy(() -> SchemaMigrations.apply(closed, "core"))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("apply the core schema");
    }

    // --- concurrent start-up ------------------------------------------------------------------

    @Test
    void twoNodesStartingAtOnceApplyEachScriptOnceOnH2() throws Exception {
        for (int round = 0; round < 10; round++) {
            assertAppliedOnceUnderConcurrency(H2Database.create(), "h2");
        }
    }

    @Test
    void twoNodesStartingAtOnceApplyEachScriptOnceOnPostgres() throws Exception {
        for (int round = 0; round < 5; round++) {
            assertAppliedOnceUnderConcurrency(postgres(), "postgresql");
        }
    }

    private void assertAppliedOnceUnderConcurrency(DataSource ds, String dialect) throws Exception {
        // Not idempotent on purpose: a second run of the script would insert a second row or fail.
        writeComponent("gh-race", dialect, "V1__race.sql",
                "CREATE TABLE race (id INT PRIMARY KEY);\nINSERT INTO race (id) VALUES (1);\n");
        ClassLoader loader = componentLoader();
        CyclicBarrier start = new CyclicBarrier(2);
        Callable<Void> node = () -> {
            Thread.currentThread().setContextClassLoader(loader);
            start.await(10, TimeUnit.SECONDS);
            SchemaMigrations.apply(ds, "gh-race");
            return null;
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Void> a = pool.submit(node);
            Future<Void> b = pool.submit(node);
            a.get(30, TimeUnit.SECONDS);
            b.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count(ds, "SELECT COUNT(*) FROM race")).isEqualTo(1);
        assertThat(count(ds, "SELECT COUNT(*) FROM gh_schema_history WHERE component = 'gh-race'")).isEqualTo(1);
    }

    // --- the statement splitter ---------------------------------------------------------------

    @Test
    void splitterKeepsSemicolonsInsideQuotesCommentsAndDollarBodies() {
        String sql = """
                -- a comment; with a semicolon
                CREATE TABLE t (id INT, note VARCHAR(20) DEFAULT 'a;b', "odd;name" INT);
                /* a block; comment */ INSERT INTO t (id, note) VALUES (1, 'it''s; fine');
                CREATE FUNCTION f() RETURNS trigger AS $body$
                BEGIN
                  RAISE NOTICE 'x; y';
                  RETURN NEW;
                END;
                $body$ LANGUAGE plpgsql;
                DO $$ BEGIN PERFORM 1; END $$;
                SELECT $1 ;
                """;

        List<String> statements = SchemaMigrations.statements(sql);

        assertThat(statements).hasSize(5);
        assertThat(statements.get(0)).isEqualTo(
                "CREATE TABLE t (id INT, note VARCHAR(20) DEFAULT 'a;b', \"odd;name\" INT)");
        assertThat(statements.get(1)).isEqualTo("INSERT INTO t (id, note) VALUES (1, 'it''s; fine')");
        assertThat(statements.get(2)).startsWith("CREATE FUNCTION f() RETURNS trigger AS $body$")
                .contains("RAISE NOTICE 'x; y';").contains("RETURN NEW;\nEND;\n$body$").endsWith("LANGUAGE plpgsql");
        assertThat(statements.get(3)).isEqualTo("DO $$ BEGIN PERFORM 1; END $$");
        assertThat(statements.get(4)).as("$1 is a parameter, not a dollar quote").isEqualTo("SELECT $1");
        assertThat(String.join("\n", statements)).doesNotContain("comment");
    }

    @Test
    void splitterDropsEmptyStatementsAndAcceptsAMissingFinalSemicolon() {
        assertThat(SchemaMigrations.statements(";;\n  ; CREATE TABLE a (id INT);;SELECT 1\n-- trailing"))
                .containsExactly("CREATE TABLE a (id INT)", "SELECT 1");
        assertThat(SchemaMigrations.statements("SELECT a$b FROM t; SELECT 2"))
                .as("a dollar sign inside an identifier opens nothing").containsExactly("SELECT a$b FROM t", "SELECT 2");
        assertThat(SchemaMigrations.statements("-- only a comment")).isEmpty();
    }

    @Test
    void splitterRefusesUnterminatedQuotesCommentsAndBodies() {
        assertThatThrownBy(() -> SchemaMigrations.statements("SELECT 'open;"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> SchemaMigrations.statements("SELECT \"open;"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> SchemaMigrations.statements("SELECT 1; /* open"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> SchemaMigrations.statements("DO $x$ BEGIN END;"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("unterminated $x$");
    }

    @Test
    void splitScriptsRunOnPostgresAsWritten() throws Exception {
        writeComponent("gh-split", "postgresql", "V1__split.sql", """
                -- a comment; with a semicolon
                CREATE TABLE t (id INT PRIMARY KEY, note VARCHAR(20) DEFAULT 'a;b');
                /* block; comment */
                CREATE FUNCTION t_note() RETURNS trigger AS $body$
                BEGIN
                  NEW.note := NEW.note || ';x';
                  RETURN NEW;
                END;
                $body$ LANGUAGE plpgsql;
                CREATE TRIGGER t_note BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION t_note();
                DO $$ BEGIN INSERT INTO t (id, note) VALUES (1, 'it''s'); END $$;
                """);
        DataSource ds = postgres();

        withComponentLoader(() -> SchemaMigrations.apply(ds, "gh-split"));

        assertThat(count(ds, "SELECT COUNT(*) FROM t WHERE note = 'it''s;x'")).isEqualTo(1);
    }

    // --- helpers ------------------------------------------------------------------------------

    private void writeComponent(String component, String dialect, String script, String sql) throws IOException {
        writeIndex(component, script);
        writeScript(component, dialect, script, sql);
    }

    private void writeIndex(String component, String... scripts) throws IOException {
        Path index = resources.resolve("META-INF/gatehouse/" + component + "/schema/scripts");
        Files.createDirectories(index.getParent());
        Files.writeString(index, "# scripts in version order\n" + String.join("\n", scripts) + "\n");
    }

    private void writeScript(String component, String dialect, String script, String sql) throws IOException {
        Path file = resources.resolve("META-INF/gatehouse/" + component + "/schema/" + dialect + "/" + script);
        Files.createDirectories(file.getParent());
        Files.writeString(file, sql, StandardCharsets.UTF_8);
    }

    /** A fresh loader each time, so that a changed file is read again rather than cached. */
    private ClassLoader componentLoader() throws IOException {
        return new URLClassLoader(new URL[] {resources.toUri().toURL()}, originalContextLoader);
    }

    private void withComponentLoader(Runnable r) throws IOException {
        ClassLoader loader = componentLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            r.run();
        } finally {
            Thread.currentThread().setContextClassLoader(originalContextLoader);
        }
    }

    private static String read(String path) {
        try (var in = SchemaMigrationsTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static int count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
