package dev.gatehouse.examples.internal.concord;

import dev.gatehouse.apikey.ApiKeyException;
import dev.gatehouse.apikey.ApiKeyService;
import dev.gatehouse.apikey.ApiKeyStore;
import dev.gatehouse.apikey.NewApiKey;
import dev.gatehouse.apikey.StoredApiKey;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.jdbc.Jdbc;
import dev.gatehouse.examples.internal.ApiException;
import dev.gatehouse.examples.internal.Orgs;
import dev.gatehouse.examples.internal.concord.MigrationReport.Outcome;
import dev.gatehouse.secrets.AccessLevel;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.Grantee;
import dev.gatehouse.secrets.NewSecret;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretManager;
import dev.gatehouse.secrets.SecretMetadata;
import dev.gatehouse.secrets.SecretType;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.Visibility;
import dev.gatehouse.secrets.concord.ConcordMigration;
import dev.gatehouse.secrets.concord.ConcordMigration.Confidence;
import dev.gatehouse.secrets.concord.ConcordMigration.ConcordSecret;
import dev.gatehouse.secrets.concord.ConcordMigration.Decoded;
import dev.gatehouse.secrets.concord.ConcordMigration.KeyDigest;
import dev.gatehouse.secrets.concord.ConcordMigration.RefusedKeyPairs;
import java.io.PrintStream;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Moves a Concord database into an example-server deployment, record by record: users, orgs,
 * projects and their keys, org membership (Concord's teams), API keys, secrets with owner,
 * visibility, project restriction and team grants. Each record is written in one step and looked
 * up first, so that a second run writes nothing and a run killed halfway and started again ends as
 * an uninterrupted one; a record that fails is reported and the run goes on. A dry run executes the
 * same code against overlays that keep its writes in memory. Never logs a value or a password.
 * Single-threaded.
 */
public final class ConcordMigrator {

    /** What the operator chose. */
    public record Options(boolean dryRun, RefusedKeyPairs refusedKeyPairs, boolean sealPasswordProtected,
            Map<String, char[]> storePasswords, PrintStream progress) {
        @Override
        public String toString() {
            return "Options[dryRun=" + dryRun + ", refusedKeyPairs=" + refusedKeyPairs + ", seal=" + sealPasswordProtected
                    + ", storePasswords=" + storePasswords.size() + "]";
        }
    }

    /** Where the records go: the example server's database and the modules on it. */
    public record Target(DataSource db, UserDirectory users, Orgs orgs, ApiKeyService keys, ApiKeyStore keyStore,
            SecretManager secrets, SealedConcordSecrets sealed, UUID adminUserId) {}

    /** Concord's admin role; its users get the example server's {@code admin} role too. */
    static final String CONCORD_ADMIN_ROLE = "concordAdmin";
    private static final Pattern KEY_NAME = Pattern.compile(ApiKeyService.NAME_PATTERN);
    private static final int STRUCTURED_PROBES = 20;

    private final Target target;
    private final Options options;
    private final ConcordMigration migration;
    private final Clock clock;
    private final MigrationReport report;
    private final Caller system;
    private final Identity systemIdentity;

    private final Map<UUID, UUID> userIds = new HashMap<>();
    private final Map<UUID, String> userNames = new HashMap<>();
    private final Map<UUID, String> orgNames = new HashMap<>();
    private final Map<UUID, String[]> projectNames = new HashMap<>();
    // what a dry run would have written, so that later records see it
    private final Set<String> dryOrgs = new HashSet<>();
    private final Set<String> dryProjects = new HashSet<>();
    private final Set<String> dryMembers = new HashSet<>();
    private final Set<String> dryKeyDigests = new HashSet<>();
    private final Set<String> dryKeyNames = new HashSet<>();
    private final Set<String> drySealed = new HashSet<>();

    /**
     * @param migration the decoders, on {@code target.secrets()} (for a dry run, a manager on a
     *     {@link DryRunSecretStore})
     */
    public ConcordMigrator(Target target, ConcordMigration migration, Options options, Clock clock) {
        this.target = target;
        this.migration = migration;
        this.options = options;
        this.clock = clock;
        this.report = new MigrationReport(options.dryRun());
        this.system = new Caller(target.adminUserId(), Set.of(), Set.of(), true, Optional.empty());
        this.systemIdentity = Identity.builder(target.adminUserId(), "concord-migration", "concord-migration")
                .roles(Set.of(Caller.ADMIN_ROLE)).build();
    }

    /** A dry run's secret manager: the real store's content overlaid with the run's writes. */
    public static dev.gatehouse.secrets.store.SecretStore dryRunStore(dev.gatehouse.secrets.store.SecretStore real) {
        return new DryRunSecretStore(real);
    }

    /** Runs the migration from {@code source}. */
    public MigrationReport run(ConcordDatabase source) throws SQLException {
        users(source.users());
        orgs(source.orgs());
        projects(source.projects());
        memberships(source.memberships());
        apiKeys(source.apiKeys());
        secrets(source);
        return report;
    }

    // ---- users

    private void users(List<ConcordDatabase.User> users) {
        Progress p = new Progress("users", users.size());
        for (ConcordDatabase.User u : users) {
            p.tick();
            String rec = u.username() + u.domain().map(d -> "@" + d).orElse("") + " (" + u.id() + ")";
            try {
                UserType type = new UserType(u.type());
                Set<String> roles = new LinkedHashSet<>(u.roles());
                if (roles.contains(CONCORD_ADMIN_ROLE)) {
                    roles.add(Caller.ADMIN_ROLE);
                }
                Optional<User> existing = target.users().findByUsername(u.username(), u.domain());
                if (existing.isPresent()) {
                    User e = existing.get();
                    userIds.put(u.id(), e.id());
                    userNames.put(u.id(), e.username());
                    Set<String> merged = new LinkedHashSet<>(e.roles());
                    merged.addAll(roles);
                    boolean rolesChange = !merged.equals(e.roles());
                    boolean disable = u.disabled() && !e.disabled();
                    boolean profile = (u.displayName().isPresent() && !u.displayName().equals(e.displayName()))
                            || (u.email().isPresent() && !u.email().equals(e.email()));
                    if (!rolesChange && !disable && !profile) {
                        report.count("users", Outcome.PRESENT);
                        continue;
                    }
                    if (!options.dryRun()) {
                        if (rolesChange) {
                            target.users().setRoles(e.id(), merged);
                        }
                        if (profile) {
                            target.users().updateProfile(e.id(), u.displayName(), u.email());
                        }
                        if (disable) {
                            target.users().setDisabled(e.id(), true);
                        }
                    }
                    List<String> what = new java.util.ArrayList<>();
                    if (rolesChange) {
                        what.add("roles");
                    }
                    if (profile) {
                        what.add("profile");
                    }
                    if (disable) {
                        what.add("disabled");
                    }
                    report.line("users", rec, Outcome.MIGRATED, "existing user completed: " + String.join(", ", what));
                    continue;
                }
                NewUser n = NewUser.of(u.username(), type).withRoles(roles);
                if (u.domain().isPresent()) {
                    n = n.withDomain(u.domain().get());
                }
                if (u.displayName().isPresent()) {
                    n = n.withDisplayName(u.displayName().get());
                }
                if (u.email().isPresent()) {
                    n = n.withEmail(u.email().get());
                }
                UUID id;
                if (options.dryRun()) {
                    id = UUID.randomUUID();
                } else {
                    id = target.users().create(n).id();
                    if (u.disabled()) {
                        target.users().setDisabled(id, true);
                    }
                }
                userIds.put(u.id(), id);
                userNames.put(u.id(), u.username());
                report.count("users", Outcome.MIGRATED);
            } catch (IllegalArgumentException | IllegalStateException e) {
                report.line("users", rec, Outcome.FAILED, e.getMessage());
            }
        }
        p.done();
    }

    // ---- orgs, projects, project keys, members

    private boolean orgExists(String name) {
        return dryOrgs.contains(name) || target.orgs().find(name).isPresent();
    }

    private void orgs(List<ConcordDatabase.Org> orgs) {
        for (ConcordDatabase.Org o : orgs) {
            String rec = o.name() + " (" + o.id() + ")";
            try {
                Orgs.checkName("organization", o.name());
                orgNames.put(o.id(), o.name());
                if (orgExists(o.name())) {
                    report.count("orgs", Outcome.PRESENT);
                    continue;
                }
                if (options.dryRun()) {
                    dryOrgs.add(o.name());
                } else {
                    try {
                        target.orgs().createOrg(o.name(), Optional.empty());
                    } catch (ApiException e) {
                        if (!orgExists(o.name())) {
                            throw e;
                        }
                    }
                }
                report.count("orgs", Outcome.MIGRATED);
            } catch (ApiException e) {
                orgNames.remove(o.id());
                report.line("orgs", rec, Outcome.FAILED, e.getMessage());
            }
        }
    }

    private void projects(List<ConcordDatabase.Project> projects) {
        for (ConcordDatabase.Project p : projects) {
            String org = orgNames.get(p.orgId());
            String rec = (org == null ? p.orgId().toString() : org) + "/" + p.name() + " (" + p.id() + ")";
            if (org == null) {
                report.line("projects", rec, Outcome.FAILED, "its organization was not migrated");
                report.line("project keys", rec, Outcome.FAILED, "its organization was not migrated");
                continue;
            }
            try {
                Orgs.checkName("project", p.name());
                if (dryProjects.contains(org + "/" + p.name()) || target.orgs().projectExists(org, p.name())) {
                    report.count("projects", Outcome.PRESENT);
                } else {
                    if (options.dryRun()) {
                        dryProjects.add(org + "/" + p.name());
                    } else {
                        try {
                            target.orgs().createProject(org, p.name());
                        } catch (ApiException e) {
                            if (!target.orgs().projectExists(org, p.name())) {
                                throw e;
                            }
                        }
                    }
                    report.count("projects", Outcome.MIGRATED);
                }
                projectNames.put(p.id(), new String[] {org, p.name()});
            } catch (ApiException e) {
                report.line("projects", rec, Outcome.FAILED, e.getMessage());
                report.line("project keys", rec, Outcome.FAILED, "its project was not migrated");
                continue;
            }
            projectKey(org, p, rec);
        }
    }

    private void projectKey(String org, ConcordDatabase.Project p, String rec) {
        ConcordMigration.ProjectKey key;
        try {
            key = migration.unwrapProjectKey(p.secretKey(), p.name());
        } catch (SecretException e) {
            report.line("project keys", rec, Outcome.FAILED, "PROJECTS.SECRET_KEY does not unwrap ("
                    + e.kind() + "): wrong secretStoreSalt or a modified record; Concord strings of this project "
                    + "will not decrypt");
            return;
        }
        try {
            if (key.confidence() != Confidence.VERIFIED) {
                report.line("project keys", rec, Outcome.FAILED, "PROJECTS.SECRET_KEY unwraps to neither a generated "
                        + "key (128 bytes) nor the project's name: most likely the wrong secretStoreSalt; not migrated");
                return;
            }
            switch (migration.importProjectKey(org, p.name(), key.raw())) {
                case ADDED -> report.count("project keys", Outcome.MIGRATED);
                case ALREADY_PRESENT -> report.count("project keys", Outcome.PRESENT);
                case CONFLICT -> report.line("project keys", rec, Outcome.FAILED,
                        "the Gatehouse project holds another Concord key already");
            }
        } catch (SecretException e) {
            report.line("project keys", rec, Outcome.FAILED, e.getMessage());
        } finally {
            Arrays.fill(key.raw(), (byte) 0);
        }
    }

    private void memberships(List<ConcordDatabase.Membership> memberships) {
        for (ConcordDatabase.Membership m : memberships) {
            String org = orgNames.get(m.orgId());
            UUID user = userIds.get(m.userId());
            String rec = (org == null ? m.orgId() : org) + " <- " + userNames.getOrDefault(m.userId(), m.userId().toString());
            if (org == null || user == null) {
                report.line("org members", rec, Outcome.FAILED, "its " + (org == null ? "organization" : "user")
                        + " was not migrated");
                continue;
            }
            String k = org + "/" + user;
            if (dryMembers.contains(k) || isMember(org, user)) {
                report.count("org members", Outcome.PRESENT);
                continue;
            }
            if (options.dryRun()) {
                dryMembers.add(k);
            } else {
                Optional<UUID> orgId = target.orgs().find(org);
                if (orgId.isEmpty()) { // created in this dry run only
                    report.line("org members", rec, Outcome.FAILED, "its organization was not migrated");
                    continue;
                }
                try {
                    Jdbc.withConnection(target.db(), "example server database", "add org member", c -> {
                        try (PreparedStatement ps = c.prepareStatement(
                                "INSERT INTO ex_org_members (org_id, user_id) VALUES (?, ?)")) {
                            ps.setObject(1, orgId.get());
                            ps.setObject(2, user);
                            return ps.executeUpdate();
                        }
                    });
                } catch (Jdbc.ConstraintViolation e) {
                    if (!e.isUniqueViolation()) {
                        throw e;
                    }
                }
            }
            report.count("org members", Outcome.MIGRATED);
        }
    }

    private boolean isMember(String org, UUID user) {
        return target.orgs().orgsOf(user).contains(org);
    }

    // ---- API keys

    private static byte[] parseDigest(String concordDigest) {
        if (concordDigest == null) {
            return null;
        }
        String s = concordDigest.strip();
        try {
            byte[] d = Base64.getDecoder().decode(s);
            return d.length == 32 ? d : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void apiKeys(List<ConcordDatabase.ApiKey> keys) {
        Progress p = new Progress("api keys", keys.size());
        Instant now = clock.instant();
        for (ConcordDatabase.ApiKey k : keys) {
            p.tick();
            String owner = k.userId().map(id -> userNames.getOrDefault(id, id.toString())).orElse("(no user)");
            String rec = k.name().orElse("(unnamed)") + " of " + owner + " (" + k.id() + ")";
            if (k.userId().isEmpty()) {
                report.line("api keys", rec, Outcome.SKIPPED, "a key without a user (Concord allows these since 2.21.0); "
                        + "Gatehouse keys belong to a user");
                continue;
            }
            UUID ownerId = userIds.get(k.userId().get());
            if (ownerId == null) {
                report.line("api keys", rec, Outcome.FAILED, "its owner was not migrated");
                continue;
            }
            byte[] digest = parseDigest(k.digest());
            if (digest == null) {
                report.line("api keys", rec, Outcome.FAILED, "API_KEYS.API_KEY is not the base64 of a SHA-256 digest");
                continue;
            }
            String digestKey = Base64.getEncoder().encodeToString(digest);
            Optional<StoredApiKey> stored = target.keyStore().findByDigest(digest);
            if (dryKeyDigests.contains(digestKey) || stored.isPresent()) {
                if (stored.isPresent() && !stored.get().key().owner().equals(ownerId)) {
                    report.line("api keys", rec, Outcome.FAILED, "the same key belongs to another Gatehouse user already");
                } else {
                    report.count("api keys", Outcome.PRESENT);
                }
                continue;
            }
            if (k.expiredAt().isPresent() && !k.expiredAt().get().isAfter(now)) {
                report.line("api keys", rec, Outcome.SKIPPED, "expired at " + k.expiredAt().get());
                continue;
            }
            String name = k.name().filter(n -> KEY_NAME.matcher(n).matches()).orElse("concord-" + k.id());
            boolean taken = dryKeyNames.contains(ownerId + "/" + name)
                    || target.keyStore().findByOwner(ownerId).stream().anyMatch(s -> s.key().name().equals(name));
            if (taken) {
                report.line("api keys", rec, Outcome.FAILED, "the owner has another key named '" + name + "' already");
                continue;
            }
            if (options.dryRun()) {
                dryKeyDigests.add(digestKey);
                dryKeyNames.add(ownerId + "/" + name);
            } else {
                NewApiKey n = NewApiKey.forUser(ownerId).withName(name);
                if (k.expiredAt().isPresent()) {
                    n = n.withExpiry(k.expiredAt().get());
                }
                try {
                    target.keys().importConcordKey(systemIdentity, n, k.digest().strip());
                } catch (ApiKeyException e) {
                    report.line("api keys", rec, Outcome.FAILED, e.getMessage());
                    continue;
                }
            }
            if (!k.name().equals(Optional.of(name))) {
                report.note("api keys", rec, Outcome.MIGRATED, "named '" + name + "' (Concord's name is not a valid key name)");
            }
            report.count("api keys", Outcome.MIGRATED);
        }
        p.done();
    }

    // ---- secrets

    private void secrets(ConcordDatabase source) throws SQLException {
        Map<UUID, Set<UUID>> projects = source.secretProjects();
        Map<UUID, List<ConcordDatabase.TeamGrant>> grants = source.teamGrants();
        Optional<Boolean> serverKey = checkServerPassword(source);
        if (serverKey.equals(Optional.of(false))) {
            report.note("secrets", "(all)", Outcome.FAILED, "no USERNAME_PASSWORD or KEY_PAIR secret sealed with the "
                    + "server key decrypts: serverPassword (or, for a database from before 1.98.1, secretStoreSalt) is "
                    + "most likely wrong; DATA secrets that happen to decrypt are not migrated");
        }
        Progress p = new Progress("secrets", source.countSecrets());
        source.secrets(s -> {
            p.tick();
            secret(s, projects.getOrDefault(s.id(), Set.of()), grants.getOrDefault(s.id(), List.of()), serverKey);
        });
        p.done();
    }

    /**
     * Whether the server password opens Concord's structured secrets (whose layout a wrong key
     * cannot fake): true at the first that decodes, false if {@value #STRUCTURED_PROBES} or all of
     * them fail, empty if there is none.
     */
    private Optional<Boolean> checkServerPassword(ConcordDatabase source) throws SQLException {
        int[] failed = {0};
        boolean[] ok = {false};
        source.secrets(s -> {
            if (ok[0] || failed[0] >= STRUCTURED_PROBES || !"SERVER_KEY".equals(s.encryptedBy()) || s.data() == null
                    || !(s.type().equals("USERNAME_PASSWORD") || s.type().equals("KEY_PAIR"))) {
                return;
            }
            try {
                Decoded d = migration.decode(concordSecret("probe", s), Optional.empty());
                d.value().wipe();
                ok[0] = true;
            } catch (SecretException e) {
                failed[0]++;
            }
        });
        return ok[0] ? Optional.of(true) : failed[0] > 0 ? Optional.of(false) : Optional.empty();
    }

    private static ConcordSecret concordSecret(String org, ConcordDatabase.Secret s) {
        return new ConcordSecret(org, s.name(), SecretType.valueOf(s.type()), s.data(), KeyDigest.ofColumn(s.hashAlgorithm()),
                s.salt(), "PASSWORD".equals(s.encryptedBy()));
    }

    private void secret(ConcordDatabase.Secret s, Set<UUID> projectIds, List<ConcordDatabase.TeamGrant> teamGrants,
            Optional<Boolean> serverKey) {
        String org = orgNames.get(s.orgId());
        String rec = (org == null ? s.orgId().toString() : org) + "/" + s.name() + " (" + s.id() + ")";
        if (org == null) {
            report.line("secrets", rec, Outcome.FAILED, "its organization was not migrated");
            return;
        }
        SecretType type;
        Visibility visibility;
        Map<UUID, AccessLevel> levels = new LinkedHashMap<>();
        try {
            type = SecretType.valueOf(s.type());
            visibility = Visibility.valueOf(s.visibility());
            for (ConcordDatabase.TeamGrant g : teamGrants) {
                levels.put(g.teamId(), AccessLevel.valueOf(g.level()));
            }
        } catch (IllegalArgumentException e) {
            report.line("secrets", rec, Outcome.FAILED, "unknown type, visibility or access level");
            return;
        }
        Set<String> projects = new LinkedHashSet<>();
        for (UUID pid : projectIds) {
            String[] pn = projectNames.get(pid);
            if (pn == null || !pn[0].equals(org)) {
                report.line("secrets", rec, Outcome.FAILED, "restricted to project " + pid + ", which was not migrated "
                        + "(or is in another organization); not migrated, so that it stays restricted");
                return;
            }
            projects.add(pn[1]);
        }
        UUID owner = s.ownerId().map(userIds::get).orElse(null);
        if (owner == null) {
            if (s.ownerId().isPresent()) {
                report.line("secrets", rec, Outcome.FAILED, "its owner was not migrated");
                return;
            }
            owner = target.adminUserId();
            report.note("secrets", rec, Outcome.MIGRATED, "no owner in Concord: owned by the admin user");
        }
        // present already: complete what an interrupted run may have left out (its team grants)
        Optional<SecretMetadata> existing = metadata(org, s.name());
        if (existing.isPresent()) {
            boolean completed = grant(org, s.name(), existing.get(), levels);
            if (completed) {
                report.line("secrets", rec, Outcome.MIGRATED, "present; its team grants were completed");
            } else {
                report.count("secrets", Outcome.PRESENT);
            }
            return;
        }
        if (drySealed.contains(org + "/" + s.name()) || target.sealed().exists(org, s.name())) {
            report.count("secrets", Outcome.PRESENT);
            return;
        }
        if (s.data() == null) {
            report.line("secrets", rec, Outcome.FAILED, "its value is kept in Concord's '" + s.storeType()
                    + "' store, not in the database");
            return;
        }
        ConcordSecret cs = concordSecret(org, s);
        Optional<char[]> password = Optional.empty();
        if (cs.passwordProtected()) {
            char[] given = options.storePasswords().get(org + "/" + s.name());
            if (given == null) {
                if (!options.sealPasswordProtected()) {
                    report.line("secrets", rec, Outcome.SKIPPED, "password-protected and no store password was supplied");
                    return;
                }
                seal(org, s, type, visibility, owner, projects, levels, rec);
                return;
            }
            password = Optional.of(given.clone());
        }
        Decoded d;
        try {
            d = migration.decode(cs, password);
        } catch (SecretException e) {
            password.ifPresent(pw -> Arrays.fill(pw, '\0'));
            String why = e.kind() == SecretException.Kind.CORRUPTED ? e.getMessage()
                    : cs.passwordProtected() ? "does not decrypt with the supplied store password, or the record was modified"
                    : "does not decrypt: wrong serverPassword (or secretStoreSalt, for a secret without its own salt), "
                            + "or the record was modified";
            report.line("secrets", rec, Outcome.FAILED, why);
            return;
        }
        if (!cs.passwordProtected() && d.confidence() == Confidence.PADDING_ONLY && serverKey.equals(Optional.of(false))) {
            d.value().wipe();
            report.line("secrets", rec, Outcome.FAILED, "decrypts with a valid padding only, and no structured secret "
                    + "decrypts with this serverPassword: most likely garbage from the wrong serverPassword");
            return;
        }
        SecretValue value = d.value();
        if (d.refusal().isPresent()) {
            if (options.refusedKeyPairs() == RefusedKeyPairs.SKIP) {
                value.wipe();
                password.ifPresent(pw -> Arrays.fill(pw, '\0'));
                report.line("secrets", rec, Outcome.SKIPPED, "key pair refused by Gatehouse's key policy: "
                        + d.refusal().get());
                return;
            }
            value = new SecretValue.Data(((SecretValue.KeyPair) value).privateKey());
        }
        NewSecret.Builder b = NewSecret.builder(org, s.name(), value).owner(owner).visibility(visibility).projects(projects);
        password.ifPresent(b::storePassword);
        try {
            SecretMetadata m = target.secrets().create(system, b.build());
            grant(org, s.name(), m, levels);
        } catch (SecretException e) {
            report.line("secrets", rec, Outcome.FAILED, e.getMessage());
            return;
        }
        report.count("secrets", Outcome.MIGRATED);
        if (d.refusal().isPresent()) {
            report.note("secrets", rec, Outcome.MIGRATED, "as an opaque DATA secret holding the private key file: "
                    + "Gatehouse's key policy refuses the pair (" + d.refusal().get() + ")");
        }
        if (d.confidence() == Confidence.PADDING_ONLY) {
            report.note("secrets", rec, Outcome.MIGRATED, "confidence " + d.confidence()
                    + ": Concord's format lets a wrong key pass unnoticed about 1 time in 256 for DATA; verify by use");
        }
    }

    private Optional<SecretMetadata> metadata(String org, String name) {
        try {
            return Optional.of(target.secrets().metadata(system, org, name));
        } catch (SecretException e) {
            if (e.kind() == SecretException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Adds the team grants that {@code m} lacks; whether it added any. */
    private boolean grant(String org, String name, SecretMetadata m, Map<UUID, AccessLevel> levels) {
        boolean added = false;
        for (Map.Entry<UUID, AccessLevel> g : levels.entrySet()) {
            Grantee team = Grantee.team(g.getKey());
            if (g.getValue() != m.grants().get(team)) {
                target.secrets().grant(system, org, name, team, g.getValue());
                added = true;
            }
        }
        return added;
    }

    private void seal(String org, ConcordDatabase.Secret s, SecretType type, Visibility visibility, UUID owner,
            Set<String> projects, Map<UUID, AccessLevel> levels, String rec) {
        byte[] salt = s.salt().orElse(null);
        if (salt == null) {
            report.line("secrets", rec, Outcome.SKIPPED, "password-protected, from a database without per-secret salts: "
                    + "supply its store password to migrate it");
            return;
        }
        if (s.data().length == 0 || s.data().length % 16 != 0) {
            report.line("secrets", rec, Outcome.FAILED, "the Concord ciphertext is empty or truncated");
            return;
        }
        if (options.dryRun()) {
            drySealed.add(org + "/" + s.name());
        } else if (!target.sealed().insert(new SealedConcordSecrets.Sealed(org, s.name(), s.id(), type, visibility, owner,
                projects, levels, s.hashAlgorithm(), salt, s.data()))) {
            report.count("secrets", Outcome.PRESENT);
            return;
        }
        report.count("secrets", Outcome.SEALED);
    }

    /** Progress on stderr for large tables: at most every two seconds. */
    private final class Progress {
        private final String kind;
        private final int total;
        private final long start = System.nanoTime();
        private long last = start;
        private int done;

        Progress(String kind, int total) {
            this.kind = kind;
            this.total = total;
        }

        void tick() {
            done++;
            long now = System.nanoTime();
            if (now - last > 2_000_000_000L) {
                last = now;
                print();
            }
        }

        void done() {
            if (total >= 1000) {
                print();
            }
        }

        private void print() {
            double s = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
            options.progress().printf("%s: %d/%d (%.0f records/s)%n", kind, done, total, done / s);
        }
    }

    /** The Concord user ids and the Gatehouse ids they became (for tests). */
    Map<UUID, UUID> userIds() {
        return Map.copyOf(userIds);
    }
}
