package dev.gatehouse.core.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Applies Gatehouse's versioned SQL scripts. Each module ships its scripts as resources under
 * {@code <base>/<dialect>/V<n>__<description>.sql} (dialect {@code h2} or {@code postgresql}) and
 * records what it applied in {@code gh_schema_history}. A host that runs its own migration tool
 * (Flyway, Liquibase) can use those scripts directly and never call this class.
 *
 * <p>Each script runs in one transaction together with its history row; on PostgreSQL, whose DDL
 * is transactional, two nodes starting at once apply each script exactly once.
 */
public final class SchemaMigrations {

    private static final Pattern SCRIPT = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");
    private static final String CORE_BASE = "META-INF/gatehouse/core/schema";
    private static final List<String> CORE_SCRIPTS = List.of("V1__users.sql");

    private SchemaMigrations() {}

    /** Creates or upgrades the tables of the user directory. */
    public static void applyCore(DataSource dataSource) {
        apply(dataSource, "core", SchemaMigrations.class.getClassLoader(), CORE_BASE, CORE_SCRIPTS);
    }

    /**
     * Applies the {@code scripts} of {@code component} that were not applied yet, in order.
     *
     * @param base the resource folder holding one sub-folder per dialect; keep it under
     *     {@code META-INF/} so that it stays readable when the jar is a named module (resources in a
     *     module's packages are encapsulated)
     * @param scripts file names such as {@code V1__users.sql}, in version order
     * @throws IllegalStateException if a script is missing or fails; the message names it
     */
    public static void apply(DataSource dataSource, String component, ClassLoader loader, String base,
            List<String> scripts) {
        try (Connection c = dataSource.getConnection()) {
            Dialect dialect = Dialect.of(c);
            createHistoryTable(c);
            for (String script : scripts) {
                Matcher m = SCRIPT.matcher(script);
                if (!m.matches()) {
                    throw new IllegalArgumentException("script name must look like V1__description.sql: " + script);
                }
                int version = Integer.parseInt(m.group(1));
                String path = base + "/" + dialect.folder() + "/" + script;
                applyOne(c, component, version, script, read(loader, path), path);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot apply the " + component + " schema: " + e.getMessage(), e);
        }
    }

    private static void createHistoryTable(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS gh_schema_history ("
                    + "component VARCHAR(64) NOT NULL, version INT NOT NULL, script VARCHAR(255) NOT NULL, "
                    + "applied_at TIMESTAMP NOT NULL, PRIMARY KEY (component, version))");
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static void applyOne(Connection c, String component, int version, String script, String sql, String path)
            throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (PreparedStatement claim = c.prepareStatement(
                    "INSERT INTO gh_schema_history (component, version, script, applied_at) VALUES (?, ?, ?, ?)")) {
                claim.setString(1, component);
                claim.setInt(2, version);
                claim.setString(3, script);
                claim.setTimestamp(4, Timestamp.from(Instant.now()));
                claim.executeUpdate();
            } catch (SQLException e) {
                c.rollback();
                if (isUniqueViolation(e)) {
                    return; // applied before, or by another node right now
                }
                throw e;
            }
            try (Statement s = c.createStatement()) {
                for (String statement : statements(sql)) {
                    s.execute(statement);
                }
            } catch (SQLException e) {
                c.rollback();
                throw new SQLException(path + ": " + e.getMessage(), e.getSQLState(), e);
            }
            c.commit();
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Whether {@code e} reports a unique-constraint violation (SQLSTATE 23505 on H2 and PostgreSQL). */
    public static boolean isUniqueViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    static List<String> statements(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : sql.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String stmt = current.toString().strip();
                out.add(stmt.substring(0, stmt.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    private static String read(ClassLoader loader, String path) {
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("schema script not found on the class path: " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
