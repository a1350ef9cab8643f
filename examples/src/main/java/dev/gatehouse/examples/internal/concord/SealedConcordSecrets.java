package dev.gatehouse.examples.internal.concord;

import dev.gatehouse.core.jdbc.Jdbc;
import dev.gatehouse.secrets.AccessLevel;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.Grantee;
import dev.gatehouse.secrets.NewSecret;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretManager;
import dev.gatehouse.secrets.SecretType;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.Visibility;
import dev.gatehouse.secrets.concord.ConcordMigration;
import dev.gatehouse.secrets.concord.ConcordMigration.ConcordSecret;
import dev.gatehouse.secrets.concord.ConcordMigration.KeyDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Password-protected Concord secrets that the migration left sealed ({@code ex_concord_sealed},
 * schema component {@value #COMPONENT}): Concord's ciphertext as it was, migrated into a Gatehouse
 * secret the first time its owner reads it with the store password (which is never stored). Until
 * then it reads as the Concord secret did: with the password, by its owner, an admin, a member of a
 * granted team, or an org member when it is PUBLIC. Thread-safe.
 */
public final class SealedConcordSecrets {

    /** The schema component. */
    public static final String COMPONENT = "examples-concord";
    private static final String BACKEND = "example server database";

    /** One sealed record. */
    record Sealed(String org, String name, UUID concordId, SecretType type, Visibility visibility, UUID owner,
            Set<String> projects, Map<UUID, AccessLevel> teamGrants, String hashAlgorithm, byte[] salt, byte[] data) {
        @Override
        public String toString() {
            return "Sealed[" + org + "/" + name + "]";
        }
    }

    private final DataSource db;

    public SealedConcordSecrets(DataSource db) {
        this.db = db;
    }

    /** Whether a sealed record {@code org}/{@code name} exists. */
    public boolean exists(String org, String name) {
        return Jdbc.withConnection(db, BACKEND, "find sealed Concord secret", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM ex_concord_sealed WHERE org = ? AND name = ?")) {
                ps.setString(1, org);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Stores a sealed record; false if one of that name exists already. */
    boolean insert(Sealed s) {
        try {
            Jdbc.withConnection(db, BACKEND, "store sealed Concord secret", c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO ex_concord_sealed (org, name, concord_id, "
                        + "secret_type, visibility, owner_id, projects, team_grants, hash_algorithm, salt, encrypted_data) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, s.org());
                    ps.setString(2, s.name());
                    ps.setObject(3, s.concordId());
                    ps.setString(4, s.type().name());
                    ps.setString(5, s.visibility().name());
                    ps.setObject(6, s.owner());
                    ps.setString(7, String.join(",", s.projects()));
                    StringBuilder g = new StringBuilder();
                    s.teamGrants().forEach((t, l) -> g.append(g.length() > 0 ? "," : "").append(t).append(':').append(l));
                    ps.setString(8, g.toString());
                    ps.setString(9, s.hashAlgorithm());
                    ps.setBytes(10, s.salt());
                    ps.setBytes(11, s.data());
                    return ps.executeUpdate();
                }
            });
            return true;
        } catch (Jdbc.ConstraintViolation e) {
            if (e.isUniqueViolation()) {
                return false;
            }
            throw e;
        }
    }

    private Optional<Sealed> find(String org, String name) {
        return Jdbc.withConnection(db, BACKEND, "read sealed Concord secret", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM ex_concord_sealed WHERE org = ? AND name = ?")) {
                ps.setString(1, org);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Sealed>empty();
                    }
                    Set<String> projects = new LinkedHashSet<>();
                    for (String p : rs.getString("projects").split(",")) {
                        if (!p.isEmpty()) {
                            projects.add(p);
                        }
                    }
                    Map<UUID, AccessLevel> grants = new LinkedHashMap<>();
                    for (String g : rs.getString("team_grants").split(",")) {
                        if (!g.isEmpty()) {
                            String[] kv = g.split(":", 2);
                            grants.put(UUID.fromString(kv[0]), AccessLevel.valueOf(kv[1]));
                        }
                    }
                    return Optional.of(new Sealed(org, name, rs.getObject("concord_id", UUID.class),
                            SecretType.valueOf(rs.getString("secret_type")), Visibility.valueOf(rs.getString("visibility")),
                            rs.getObject("owner_id", UUID.class), projects, grants, rs.getString("hash_algorithm"),
                            rs.getBytes("salt"), rs.getBytes("encrypted_data")));
                }
            }
        });
    }

    private void delete(String org, String name) {
        Jdbc.withConnection(db, BACKEND, "delete sealed Concord secret", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM ex_concord_sealed WHERE org = ? AND name = ?")) {
                ps.setString(1, org);
                ps.setString(2, name);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Reads a sealed Concord secret with its store password, migrating it into {@code secrets} first
     * (same owner, visibility, projects, team grants, protected by the same password), then reading
     * it through {@code secrets} as {@code caller}, so that the access policy applies as for any secret.
     *
     * @return empty if there is no sealed record of that name
     * @throws SecretException NOT_FOUND if {@code caller} may not read it, INVALID_PASSWORD for a wrong
     *     password, and what {@link SecretManager#create} throws (a password the policy refuses)
     */
    public Optional<SecretValue> readAndMigrate(Caller caller, String org, String name, char[] storePassword,
            SecretManager secrets) {
        Optional<Sealed> found = find(org, name);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Sealed s = found.get();
        boolean allowed = caller.admin() || caller.userId().equals(s.owner())
                || s.teamGrants().keySet().stream().anyMatch(caller.teams()::contains)
                || (s.visibility() == Visibility.PUBLIC && caller.orgs().contains(org));
        if (!allowed) {
            throw new SecretException(SecretException.Kind.NOT_FOUND, "Secret not found: " + name);
        }
        // Only the store password opens it: no server password and no project salt are involved.
        ConcordMigration m = new ConcordMigration(secrets, new byte[0], s.salt(), new byte[0]);
        ConcordSecret cs = new ConcordSecret(org, name, s.type(), s.data(), KeyDigest.ofColumn(s.hashAlgorithm()),
                Optional.of(s.salt()), true);
        ConcordMigration.Decoded d = m.decode(cs, Optional.of(storePassword));
        Caller system = new Caller(s.owner(), Set.of(org), Set.of(), true, Optional.empty());
        SecretValue value = d.refusal().isPresent() ? new SecretValue.Data(((SecretValue.KeyPair) d.value()).privateKey())
                : d.value();
        try {
            secrets.create(system, NewSecret.builder(org, name, value).owner(s.owner()).visibility(s.visibility())
                    .projects(s.projects()).storePassword(storePassword.clone()).build());
        } catch (SecretException e) {
            if (e.kind() != SecretException.Kind.ALREADY_EXISTS) {
                throw e;
            }
        }
        s.teamGrants().forEach((team, level) -> secrets.grant(system, org, name, Grantee.team(team), level));
        delete(org, name);
        Arrays.fill(s.data(), (byte) 0);
        return Optional.of(secrets.read(caller, org, name, storePassword.clone()));
    }
}
