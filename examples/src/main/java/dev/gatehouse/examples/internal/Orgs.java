package dev.gatehouse.examples.internal;

import dev.gatehouse.core.jdbc.Jdbc;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
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

    private static final String BACKEND = "example server database";

    private final DataSource db;

    public Orgs(DataSource db) {
        this.db = db;
        SchemaMigrations.apply(db, "examples");
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

    /** Creates the org and, in the same transaction, makes {@code creator} its first member. */
    public UUID createOrg(String name, Optional<UUID> creator) {
        checkName("organization", name);
        UUID id = UUID.randomUUID();
        write("create organization", "Organization already exists: " + name, c -> {
            update(c, "INSERT INTO ex_orgs (id, name) VALUES (?, ?)", id, name);
            if (creator.isPresent()) {
                update(c, "INSERT INTO ex_org_members (org_id, user_id) VALUES (?, ?)", id, creator.get());
            }
            return null;
        });
        return id;
    }

    public UUID createProject(String org, String name) {
        UUID orgId = require(org);
        checkName("project", name);
        UUID id = UUID.randomUUID();
        write("create project", "Project already exists: " + name,
                c -> update(c, "INSERT INTO ex_projects (id, org_id, name) VALUES (?, ?, ?)", id, orgId, name));
        return id;
    }

    public boolean projectExists(String org, String project) {
        return find(org).flatMap(o -> queryId("SELECT id FROM ex_projects WHERE org_id = ? AND name = ?", o, project))
                .isPresent();
    }

    public void addMember(UUID orgId, UUID userId) {
        try {
            write("add member", "member",
                    c -> update(c, "INSERT INTO ex_org_members (org_id, user_id) VALUES (?, ?)", orgId, userId));
        } catch (ApiException e) {
            // already a member
        }
    }

    /** The orgs {@code userId} belongs to: {@code Default} always, plus those it joined. */
    public Set<String> orgsOf(UUID userId) {
        Set<String> orgs = new LinkedHashSet<>();
        orgs.add(DEFAULT_ORG);
        Jdbc.withConnection(db, BACKEND, "list orgs", c -> {
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

    private Optional<UUID> queryId(String sql, Object... args) {
        return Jdbc.withConnection(db, BACKEND, "query", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
                }
            }
        });
    }

    /** One transaction; a duplicate key is a 409 with {@code duplicateMessage}, an outage a 503. */
    private <T> T write(String what, String duplicateMessage, Jdbc.Work<T> work) {
        try {
            return Jdbc.inTransaction(db, BACKEND, what, work);
        } catch (Jdbc.ConstraintViolation e) {
            if (e.isUniqueViolation()) {
                throw ApiException.conflict(duplicateMessage);
            }
            throw e;
        }
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
