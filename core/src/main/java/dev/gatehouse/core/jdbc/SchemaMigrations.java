package dev.gatehouse.core.jdbc;

import dev.gatehouse.core.BackendUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Applies Gatehouse's versioned SQL scripts: the one way every module creates its tables. Call
 * {@link #apply(DataSource, String)} once per component at start-up, never from a constructor, or
 * let the host's Flyway or Liquibase run the same scripts and never call this class.
 *
 * <p><b>Layout.</b> Component {@code <c>} (one of {@code core}, {@code apikey}, {@code session},
 * {@code secrets}, or a plugin's own) ships
 *
 * <pre>
 * META-INF/gatehouse/&lt;c&gt;/schema/scripts           one script name per line, in version order
 * META-INF/gatehouse/&lt;c&gt;/schema/h2/V1__name.sql
 * META-INF/gatehouse/&lt;c&gt;/schema/postgresql/V1__name.sql
 * </pre>
 *
 * <p>The folder sits under {@code META-INF/}, which is not a package, so a named module's
 * resources stay readable on the module path.
 *
 * <p><b>History.</b> Each applied script is recorded in {@code gh_schema_history} with the
 * SHA-256 of its text. A script whose text changed after it was applied is refused at start-up
 * ({@link IllegalStateException} naming the script): edit a schema by adding a script, never by
 * editing one. Each script runs in one transaction together with its history row, which is written
 * after the script's statements, so a script that failed is never recorded as applied.
 *
 * <p><b>Concurrent start-up.</b> Applies to one database are serialised: within a JVM by a lock,
 * and across nodes on PostgreSQL by a session-level advisory lock (one per schema), so two nodes
 * starting at once apply each script exactly once. H2 has no such lock and commits DDL at once:
 * nodes in separate JVMs sharing one H2 server should not start at the same instant.
 *
 * <p><b>Scripts.</b> Statements end with {@code ;} outside quotes; {@code --} and
 * {@code /* *&#47;} comments, {@code '...'} and {@code "..."} literals and PostgreSQL
 * {@code $tag$ ... $tag$} bodies may hold semicolons.
 */
public final class SchemaMigrations {

    private static final Pattern SCRIPT = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");
    private static final Pattern COMPONENT = Pattern.compile("[a-z][a-z0-9-]{0,63}");
    private static final String BACKEND = "schema migrations";
    private static final ConcurrentHashMap<String, Object> LOCAL_LOCKS = new ConcurrentHashMap<>();

    private SchemaMigrations() {}

    /**
     * Creates or upgrades the tables of {@code component}, applying the scripts that were not
     * applied yet, in order, and checking that those applied earlier are unchanged.
     *
     * @throws IllegalArgumentException if {@code component} ships no scripts on the class or module
     *     path
     * @throws IllegalStateException naming the script if one is missing, fails, or changed after
     *     it was applied
     * @throws BackendUnavailableException if the database does not answer
     */
    public static void apply(DataSource dataSource, String component) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(component, "component");
        if (!COMPONENT.matcher(component).matches()) {
            throw new IllegalArgumentException("component must match " + COMPONENT.pattern() + ": " + component);
        }
        String base = "META-INF/gatehouse/" + component + "/schema";
        String index = read(base + "/scripts");
        if (index == null) {
            throw new IllegalArgumentException("no schema for component '" + component + "': " + base
                    + "/scripts is not on the class or module path");
        }
        List<String> scripts = new ArrayList<>();
        for (String line : index.split("\n")) {
            String name = line.strip();
            if (!name.isEmpty() && !name.startsWith("#")) {
                scripts.add(name);
            }
        }
        try (Connection c = dataSource.getConnection()) {
            Dialect dialect = Dialect.of(c);
            // One apply at a time per database: in this JVM by a lock, across nodes on PostgreSQL by
            // an advisory lock. Without them, two nodes creating the history table at once fail.
            Object local = LOCAL_LOCKS.computeIfAbsent(c.getMetaData().getURL() + "|" + c.getSchema(), k -> new Object());
            synchronized (local) {
                lockDatabase(c, dialect);
                try {
                    createHistoryTable(c);
                    applyAll(c, dialect, component, base, scripts);
                } finally {
                    unlockDatabase(c, dialect);
                }
            }
        } catch (SQLException e) {
            throw Jdbc.unavailable(BACKEND, "apply the " + component + " schema", e);
        }
    }

    private static void applyAll(Connection c, Dialect dialect, String component, String base, List<String> scripts)
            throws SQLException {
        int previous = 0;
        for (String script : scripts) {
            Matcher m = SCRIPT.matcher(script);
            if (!m.matches()) {
                throw new IllegalStateException(base + "/scripts: script name must look like V1__description.sql: "
                        + script);
            }
            int version = Integer.parseInt(m.group(1));
            if (version <= previous) {
                throw new IllegalStateException(base + "/scripts: versions must increase: " + script);
            }
            previous = version;
            String path = base + "/" + dialect.folder() + "/" + script;
            String sql = read(path);
            if (sql == null) {
                throw new IllegalStateException("schema script not found on the class or module path: " + path);
            }
            applyOne(c, component, version, script, sql, path);
        }
    }

    /** A session-level advisory lock on PostgreSQL (released on unlock or when the connection closes). */
    private static void lockDatabase(Connection c, Dialect dialect) throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
                ps.setLong(1, advisoryKey(c));
                ps.executeQuery().close();
            }
        }
    }

    private static void unlockDatabase(Connection c, Dialect dialect) throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                ps.setLong(1, advisoryKey(c));
                ps.executeQuery().close();
            }
        }
    }

    /** One lock key per schema, so that applications in other schemas of the database never wait. */
    private static long advisoryKey(Connection c) throws SQLException {
        byte[] d = sha256("gatehouse schema migrations:" + c.getSchema());
        long key = 0;
        for (int i = 0; i < 8; i++) {
            key = (key << 8) | (d[i] & 0xff);
        }
        return key;
    }

    private static void createHistoryTable(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS gh_schema_history ("
                    + "component VARCHAR(64) NOT NULL, version INT NOT NULL, script VARCHAR(255) NOT NULL, "
                    + "applied_at TIMESTAMP NOT NULL, PRIMARY KEY (component, version))");
            s.execute("ALTER TABLE gh_schema_history ADD COLUMN IF NOT EXISTS checksum VARCHAR(64)");
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /**
     * Runs one script and records it, in one transaction. The history row is written after the
     * statements, so a script that fails is never recorded: on PostgreSQL the whole script rolls
     * back; on H2, whose DDL commits at once, the statements that ran stay, and the next start runs
     * the script again (shipped scripts use {@code IF NOT EXISTS} for that reason).
     */
    private static void applyOne(Connection c, String component, int version, String script, String sql, String path)
            throws SQLException {
        String checksum = checksum(sql);
        if (verifyApplied(c, component, version, script, checksum, path)) {
            return;
        }
        List<String> statements = statements(sql);
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (Statement s = c.createStatement()) {
                for (String statement : statements) {
                    s.execute(statement);
                }
            } catch (SQLException e) {
                c.rollback();
                if (isConnectionFailure(e)) {
                    throw e;
                }
                throw new IllegalStateException(path + " failed: " + e.getMessage(), e);
            }
            try (PreparedStatement record = c.prepareStatement("INSERT INTO gh_schema_history "
                    + "(component, version, script, applied_at, checksum) VALUES (?, ?, ?, ?, ?)")) {
                record.setString(1, component);
                record.setInt(2, version);
                record.setString(3, script);
                record.setTimestamp(4, Timestamp.from(Instant.now()));
                record.setString(5, checksum);
                record.executeUpdate();
            } catch (SQLException e) {
                c.rollback();
                if (Jdbc.isUniqueViolation(e)) {
                    // Another JVM sharing this H2 database applied it just now: it must be the same text.
                    c.setAutoCommit(true);
                    verifyApplied(c, component, version, script, checksum, path);
                    return;
                }
                throw e;
            }
            c.commit();
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Whether the script was applied already; refuses one whose text changed since. */
    private static boolean verifyApplied(Connection c, String component, int version, String script, String checksum,
            String path) throws SQLException {
        String appliedScript;
        String appliedChecksum;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT script, checksum FROM gh_schema_history WHERE component = ? AND version = ?")) {
            ps.setString(1, component);
            ps.setInt(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                appliedScript = rs.getString(1);
                appliedChecksum = rs.getString(2);
            }
        }
        if (!script.equals(appliedScript)) {
            throw new IllegalStateException("schema of " + component + ": version " + version + " was applied as "
                    + appliedScript + ", but the shipped script is " + path);
        }
        if (appliedChecksum == null) {
            // Applied before checksums were recorded: record the shipped text's now.
            try (PreparedStatement ps = c.prepareStatement("UPDATE gh_schema_history SET checksum = ? "
                    + "WHERE component = ? AND version = ? AND checksum IS NULL")) {
                ps.setString(1, checksum);
                ps.setString(2, component);
                ps.setInt(3, version);
                ps.executeUpdate();
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return true;
        }
        if (!appliedChecksum.equals(checksum)) {
            throw new IllegalStateException("schema script " + path + " changed after it was applied (recorded SHA-256 "
                    + appliedChecksum + ", shipped " + checksum + "); a shipped script must never be edited: "
                    + "restore it and add a new version instead");
        }
        return true;
    }

    private static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57") || state.startsWith("HYT");
    }

    /** SHA-256 of the script, with line endings normalised so a checkout's CRLF changes nothing. */
    static String checksum(String sql) {
        return HexFormat.of().formatHex(sha256(sql.replace("\r\n", "\n")));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Splits a script into statements at {@code ;} outside comments, quoted literals and
     * dollar-quoted bodies. Comments are dropped.
     */
    static List<String> statements(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char ch = sql.charAt(i);
            if (ch == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (ch == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalStateException("unterminated /* comment in a schema script");
                }
                current.append(' ');
                i = end + 2;
            } else if (ch == '\'' || ch == '"') {
                int end = i + 1;
                while (true) {
                    end = sql.indexOf(ch, end);
                    if (end < 0) {
                        throw new IllegalStateException("unterminated " + ch + " literal in a schema script");
                    }
                    if (end + 1 < n && sql.charAt(end + 1) == ch) {
                        end += 2; // a doubled quote stands for itself
                        continue;
                    }
                    break;
                }
                current.append(sql, i, end + 1);
                i = end + 1;
            } else if (ch == '$' && dollarTag(sql, i) != null) {
                String tag = dollarTag(sql, i);
                int end = sql.indexOf(tag, i + tag.length());
                if (end < 0) {
                    throw new IllegalStateException("unterminated " + tag + " body in a schema script");
                }
                current.append(sql, i, end + tag.length());
                i = end + tag.length();
            } else if (ch == ';') {
                add(out, current);
                i++;
            } else {
                current.append(ch);
                i++;
            }
        }
        add(out, current);
        return out;
    }

    private static void add(List<String> out, StringBuilder current) {
        String statement = current.toString().strip();
        if (!statement.isEmpty()) {
            out.add(statement);
        }
        current.setLength(0);
    }

    /** The {@code $tag$} opening at {@code i}, or null if none opens there. */
    private static String dollarTag(String sql, int i) {
        if (i > 0 && (Character.isLetterOrDigit(sql.charAt(i - 1)) || sql.charAt(i - 1) == '_')) {
            return null; // part of an identifier such as a$b
        }
        int j = i + 1;
        while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
        }
        if (j < sql.length() && sql.charAt(j) == '$') {
            String tag = sql.substring(i, j + 1);
            return tag.length() > 2 && Character.isDigit(tag.charAt(1)) ? null : tag; // $1 is a parameter
        }
        return null;
    }

    private static String read(String path) {
        List<ClassLoader> loaders = new ArrayList<>(2);
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            loaders.add(context);
        }
        loaders.add(SchemaMigrations.class.getClassLoader());
        for (ClassLoader loader : loaders) {
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in != null) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        }
        return null;
    }
}
