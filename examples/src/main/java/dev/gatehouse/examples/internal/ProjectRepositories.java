package dev.gatehouse.examples.internal;

import dev.gatehouse.core.jdbc.SchemaMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The Git repository of each project, in {@code ex_project_repositories} (schema component
 * {@code examples-repositories}): URL, branch or tag, the name of the secret (in the project's org)
 * that authenticates to it, and the host keys stored with it. Host keys are public, so they are
 * kept in clear; the secret is only named here. Thread-safe.
 */
public final class ProjectRepositories {

    /** The schema component, with scripts under {@code META-INF/gatehouse/examples-repositories/schema}. */
    public static final String COMPONENT = "examples-repositories";

    /**
     * A project's repository.
     *
     * @param projectId the project's id
     * @param org the project's org, where the secret is looked up
     * @param project the project's name
     * @param url the repository URL (carries no credential)
     * @param branch the branch or tag to check out; empty for the repository's HEAD
     * @param secret the name of the secret in {@code org}
     * @param knownHosts {@code known_hosts} lines stored with the repository (may be empty)
     * @param trustOnFirstUse whether an unknown SSH host key is accepted once and stored in {@code knownHosts}
     */
    public record Repository(UUID projectId, String org, String project, String url, Optional<String> branch,
            String secret, String knownHosts, boolean trustOnFirstUse) {
        public Repository {
            Objects.requireNonNull(projectId, "projectId");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(branch, "branch");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(knownHosts, "knownHosts");
        }
    }

    private final DataSource db;

    private ProjectRepositories(DataSource db) {
        this.db = db;
    }

    /** Creates or upgrades the table (once per start) and returns the store. */
    public static ProjectRepositories open(DataSource db) {
        SchemaMigrations.apply(db, COMPONENT);
        return new ProjectRepositories(db);
    }

    /** The repository of {@code org/project}, if one is set. @throws ApiException 404 if the project does not exist */
    public Optional<Repository> find(String org, String project) {
        UUID projectId = projectId(org, project);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT url, branch, secret_name, known_hosts, trust_on_first_use FROM ex_project_repositories"
                        + " WHERE project_id = ?")) {
            ps.setObject(1, projectId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Repository(projectId, org, project, rs.getString(1),
                        Optional.ofNullable(rs.getString(2)), rs.getString(3),
                        Optional.ofNullable(rs.getString(4)).orElse(""), rs.getBoolean(5)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the repository of " + org + "/" + project + ": "
                    + e.getMessage(), e);
        }
    }

    /** Sets (replaces) the repository of {@code org/project}. @throws ApiException 404 if the project does not exist */
    public Repository put(String org, String project, String url, Optional<String> branch, String secret,
            String knownHosts, boolean trustOnFirstUse) {
        UUID projectId = projectId(org, project);
        try (Connection c = db.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                try (PreparedStatement del = c.prepareStatement("DELETE FROM ex_project_repositories WHERE project_id = ?")) {
                    del.setObject(1, projectId);
                    del.executeUpdate();
                }
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO ex_project_repositories"
                        + " (project_id, url, branch, secret_name, known_hosts, trust_on_first_use) VALUES (?, ?, ?, ?, ?, ?)")) {
                    ins.setObject(1, projectId);
                    ins.setString(2, url);
                    ins.setString(3, branch.orElse(null));
                    ins.setString(4, secret);
                    ins.setString(5, knownHosts.isEmpty() ? null : knownHosts);
                    ins.setBoolean(6, trustOnFirstUse);
                    ins.executeUpdate();
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the repository of " + org + "/" + project + ": "
                    + e.getMessage(), e);
        }
        return new Repository(projectId, org, project, url, branch, secret, knownHosts, trustOnFirstUse);
    }

    /** Removes the repository of {@code org/project}; whether there was one. */
    public boolean delete(String org, String project) {
        UUID projectId = projectId(org, project);
        return update("DELETE FROM ex_project_repositories WHERE project_id = ?", projectId) > 0;
    }

    /** Appends a host key accepted on first use to the repository's known hosts. */
    public void recordHostKey(UUID projectId, String knownHostsLine) {
        update("UPDATE ex_project_repositories SET known_hosts = CASE WHEN known_hosts IS NULL OR known_hosts = ''"
                + " THEN ? ELSE known_hosts || ? END WHERE project_id = ?", knownHostsLine, "\n" + knownHostsLine, projectId);
    }

    private UUID projectId(String org, String project) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT p.id FROM ex_projects p JOIN ex_orgs o ON o.id = p.org_id WHERE o.name = ? AND p.name = ?")) {
            ps.setString(1, org);
            ps.setString(2, project);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("Project not found: " + org + "/" + project);
                }
                return rs.getObject(1, UUID.class);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot find project " + org + "/" + project + ": " + e.getMessage(), e);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update a project repository: " + e.getMessage(), e);
        }
    }
}
