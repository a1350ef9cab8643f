package dev.gatehouse.examples.internal;

import dev.gatehouse.core.jdbc.SchemaMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The example server's organisations and projects, with org membership. The {@code Default} org
 * exists from the start and every user is a member of it; whoever creates an org joins it.
 * Gatehouse itself has no notion of orgs: this is the host's part, handed to the secrets module as
 * the caller's org set.
 */
public final class Orgs {

    public static final String DEFAULT_ORG = "Default";
    private static final Pattern NAME = Pattern.compile("^[0-9a-zA-Z][0-9a-zA-Z_@.\\-~]{2,127}$");

    private final DataSource db;

    public Orgs(DataSource db) {
        this.db = db;
        SchemaMigrations.apply(db, "examples", Orgs.class.getClassLoader(), "META-INF/gatehouse/examples/schema",
                java.util.List.of("V1__orgs.sql"));
        if (find(DEFAULT_ORG).isEmpty()) {
            try {
                createOrg(DEFAULT_ORG, Optional.empty());
            } catch (ApiException e) {
                // another instance created it at the same moment
            }
        }
    }

    /** A valid org or project name, or a 400. */
    public static String checkName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("Invalid " + what + " name: must match " + NAME.pattern());
        }
        return name;
    }

    public Optional<UUID> find(String org) {
        return queryId("SELECT id FROM ex_orgs WHERE name = ?", org);
    }

    public UUID require(String org) {
        return find(org).orElseThrow(() -> ApiException.notFound("Organization not found: " + org));
    }

    public UUID createOrg(String name, Optional<UUID> creator) {
        checkName("organization", name);
        UUID id = UUID.randomUUID();
        insert("INSERT INTO ex_orgs (id, name) VALUES (?, ?)", "Organization already exists: " + name, id, name);
        creator.ifPresent(u -> addMember(id, u));
        return id;
    }

    public UUID createProject(String org, String name) {
        UUID orgId = require(org);
        checkName("project", name);
        UUID id = UUID.randomUUID();
        insert("INSERT INTO ex_projects (id, org_id, name) VALUES (?, ?, ?)", "Project already exists: " + name, id,
                orgId, name);
        return id;
    }

    public boolean projectExists(String org, String project) {
        return find(org).flatMap(o -> queryId("SELECT id FROM ex_projects WHERE org_id = ? AND name = ?", o, project))
                .isPresent();
    }

    /** Every org's name, sorted. */
    public List<String> allOrgs() {
        return names("SELECT name FROM ex_orgs ORDER BY name");
    }

    /** The names of {@code org}'s projects, sorted; empty if the org does not exist. */
    public List<String> projectsOf(String org) {
        return names("SELECT p.name FROM ex_projects p JOIN ex_orgs o ON o.id = p.org_id WHERE o.name = ? ORDER BY p.name", org);
    }

    private List<String> names(String sql, Object... args) {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + e.getMessage(), e);
        }
        return out;
    }

    public void addMember(UUID orgId, UUID userId) {
        try {
            insert("INSERT INTO ex_org_members (org_id, user_id) VALUES (?, ?)", "member", orgId, userId);
        } catch (ApiException e) {
            // already a member
        }
    }

    /** The orgs {@code userId} belongs to: {@code Default} always, plus those it joined. */
    public Set<String> orgsOf(UUID userId) {
        Set<String> orgs = new LinkedHashSet<>();
        orgs.add(DEFAULT_ORG);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT o.name FROM ex_orgs o JOIN ex_org_members m ON m.org_id = o.id WHERE m.user_id = ?")) {
            ps.setObject(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    orgs.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list orgs: " + e.getMessage(), e);
        }
        return orgs;
    }

    private Optional<UUID> queryId(String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + e.getMessage(), e);
        }
    }

    private void insert(String sql, String duplicateMessage, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            if (SchemaMigrations.isUniqueViolation(e)) {
                throw ApiException.conflict(duplicateMessage);
            }
            throw new IllegalStateException("insert failed: " + e.getMessage(), e);
        }
    }
}
