package dev.gatehouse.examples.internal;

import dev.gatehouse.core.jdbc.Jdbc;
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
 * exists from the start and every user is a member of it; whoever creates an org joins it, in the
 * same transaction (an org is never left without its creator). Gatehouse itself has no notion of
 * orgs: this is the host's part, handed to the secrets module as the caller's org set.
 *
 * <p>Org and project names follow Concord's rule ({@code ConcordKey.PATTERN}): 3 to 128
 * characters, letters, digits and {@code _ @ . - ~}, starting with a letter or digit, so that
 * names migrated from Concord fit. Thread-safe.
 */
public final class Orgs {

    public static final String DEFAULT_ORG = "Default";
    /** Concord's {@code com.walmartlabs.concord.common.validation.ConcordKey.PATTERN}. */
    public static final Pattern NAME = Pattern.compile("^[0-9a-zA-Z][0-9a-zA-Z_@.\\-~]{2,127}$");

    private final DataSource db;

    /** Orgs in {@code db}, whose tables {@link Schema#apply} created. */
    public Orgs(DataSource db) {
        this.db = db;
    }

    /** Creates the {@code Default} org unless it exists (another node may create it at the same moment). */
    public void ensureDefaultOrg() {
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
            throw ApiException.badRequest("Invalid " + what + " name: use 3 to 128 letters, digits and _ @ . - ~, "
                    + "starting with a letter or digit");
        }
        return name;
    }

    public Optional<UUID> find(String org) {
        return queryId("find org", "SELECT id FROM ex_orgs WHERE name = ?", org);
    }

    public UUID require(String org) {
        return find(org).orElseThrow(() -> ApiException.notFound("Organization not found: " + org));
    }

    /** Creates an org and, in the same transaction, makes {@code creator} a member. */
    public UUID createOrg(String name, Optional<UUID> creator) {
        checkName("organization", name);
        UUID id = UUID.randomUUID();
        try {
            Jdbc.inTransaction(db, "example server database", "create org", c -> {
                update(c, "INSERT INTO ex_orgs (id, name) VALUES (?, ?)", id, name);
                if (creator.isPresent()) {
                    update(c, "INSERT INTO ex_org_members (org_id, user_id) VALUES (?, ?)", id, creator.get());
                }
                return null;
            });
        } catch (Jdbc.ConstraintViolation e) {
            if (e.isUniqueViolation()) {
                throw ApiException.conflict("Organization already exists: " + name);
            }
            throw e;
        }
        return id;
    }

    public UUID createProject(String org, String name) {
        UUID orgId = require(org);
        checkName("project", name);
        UUID id = UUID.randomUUID();
        try {
            Jdbc.withConnection(db, "example server database", "create project", c ->
                    update(c, "INSERT INTO ex_projects (id, org_id, name) VALUES (?, ?, ?)", id, orgId, name));
        } catch (Jdbc.ConstraintViolation e) {
            if (e.isUniqueViolation()) {
                throw ApiException.conflict("Project already exists: " + name);
            }
            throw e;
        }
        return id;
    }

    public boolean projectExists(String org, String project) {
        return find(org).flatMap(o -> queryId("find project", "SELECT id FROM ex_projects WHERE org_id = ? AND name = ?",
                o, project)).isPresent();
    }

    /** Every org's name, sorted. */
    public List<String> allOrgs() {
        return names("list orgs", "SELECT name FROM ex_orgs ORDER BY name");
    }

    /** The names of {@code org}'s projects, sorted; empty if the org does not exist. */
    public List<String> projectsOf(String org) {
        return names("list projects",
                "SELECT p.name FROM ex_projects p JOIN ex_orgs o ON o.id = p.org_id WHERE o.name = ? ORDER BY p.name", org);
    }

    private List<String> names(String what, String sql, Object... args) {
        return Jdbc.withConnection(db, "example server database", what, c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /** The orgs {@code userId} belongs to: {@code Default} always, plus those it joined. */
    public Set<String> orgsOf(UUID userId) {
        Set<String> orgs = new LinkedHashSet<>();
        orgs.add(DEFAULT_ORG);
        Jdbc.withConnection(db, "example server database", "list orgs", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT o.name FROM ex_orgs o JOIN ex_org_members m ON m.org_id = o.id WHERE m.user_id = ?")) {
                ps.setObject(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        orgs.add(rs.getString(1));
                    }
                }
            }
            return null;
        });
        return orgs;
    }

    private Optional<UUID> queryId(String what, String sql, Object... args) {
        return Jdbc.withConnection(db, "example server database", what, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
                }
            }
        });
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }
}
