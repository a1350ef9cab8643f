package dev.gatehouse.examples.internal;

import dev.gatehouse.apikey.ApiKeyPermissions;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.Permission;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The scopes of the example server's API keys: the permissions its endpoints require
 * ({@code Router.Call.caller(Permission)}), plus two names for groups of them. Which of them a
 * user holds follows from roles: admins hold everything ({@code *}); everybody else holds every
 * scope below but the admin-only ones ({@code user:manage}, {@code role:manage},
 * {@code audit:read}, and {@code *}, which the key-ring endpoints require). A key is never given
 * a scope its owner (or its creator) does not hold, and its scopes are narrowed to the owner's
 * rights again at every key lookup.
 */
public final class Scopes implements ApiKeyPermissions {

    /** Read the audit trail (admins). */
    public static final Permission AUDIT_READ = Permission.of("audit:read");

    /** Every scope a key may be given, with what it lets a key do. */
    public static final Map<String, String> CATALOGUE;

    /** Names that stand for other scopes: {@code admin} is {@code *}, {@code process:run} is {@code process:start}. */
    static final Map<String, Permission> ALIASES = Map.of("admin", Permission.ALL, "process:run", Permission.PROCESS_START);

    private static final Set<Permission> ADMIN_ONLY = Set.of(Permission.ALL, Permission.USER_MANAGE,
            Permission.ROLE_MANAGE, AUDIT_READ);

    static {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(Permission.SECRET_READ.name(), "read secrets: their values, public keys and the list");
        c.put(Permission.SECRET_WRITE.name(), "manage secrets: create and delete them");
        c.put(OrgApi.ENCRYPT.name(), "encrypt strings for a project");
        c.put(Permission.SECRET_DECRYPT.name(), "decrypt a project's strings (processes)");
        c.put(Permission.PROCESS_START.name(), "run processes (alias process:run)");
        c.put(Permission.PROCESS_SELF.name(), "a process's calls about itself");
        c.put(OrgApi.ORG_MANAGE.name(), "create organizations, projects and repositories");
        c.put(Permission.APIKEY_MANAGE.name(), "create, list and revoke API keys");
        c.put(Permission.USER_MANAGE.name(), "create, change, disable and delete users (admins)");
        c.put(Permission.ROLE_MANAGE.name(), "grant and remove roles (admins)");
        c.put(AUDIT_READ.name(), "read the audit trail (admins)");
        c.put(Permission.ALL.name(), "everything, the key-ring endpoints included (admins; alias admin)");
        CATALOGUE = java.util.Collections.unmodifiableMap(c);
    }

    private final ApiKeyPermissions who = ApiKeyPermissions.adminRole("admin");

    /**
     * The scopes named in a request: each a name of the catalogue, an alias, or a wildcard over
     * catalogue names ({@code secret:*}).
     *
     * @throws ApiException 400 naming the first unknown scope
     */
    static Set<Permission> parse(Iterable<String> names) {
        Set<Permission> out = new LinkedHashSet<>();
        for (String raw : names) {
            String name = raw.strip();
            Permission p = ALIASES.get(name);
            if (p == null) {
                try {
                    p = Permission.of(name);
                } catch (IllegalArgumentException e) {
                    throw unknown(name);
                }
                Permission candidate = p;
                if (!CATALOGUE.containsKey(name)
                        && CATALOGUE.keySet().stream().noneMatch(k -> candidate.covers(Permission.of(k)))) {
                    throw unknown(name);
                }
            }
            out.add(p);
        }
        return Set.copyOf(out);
    }

    private static ApiException unknown(String name) {
        String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
        return ApiException.badRequest("Unknown scope '" + shown + "'; known scopes: "
                + String.join(", ", new TreeSet<>(CATALOGUE.keySet())) + " (and admin, process:run)");
    }

    @Override
    public boolean mayManageKeysOf(Identity caller, UUID owner) {
        return who.mayManageKeysOf(caller, owner);
    }

    @Override
    public boolean mayChooseKeyValue(Identity caller, UUID owner) {
        return who.mayChooseKeyValue(caller, owner);
    }

    /** Admins hold everything; others every catalogue scope but the admin-only ones. */
    @Override
    public Set<Permission> permissionsOf(Identity user) {
        if (user.hasRole("admin")) {
            return Set.of(Permission.ALL);
        }
        Set<Permission> out = new LinkedHashSet<>();
        for (String name : CATALOGUE.keySet()) {
            Permission p = Permission.of(name);
            if (!ADMIN_ONLY.contains(p)) {
                out.add(p);
            }
        }
        return Set.copyOf(out);
    }

    @Override
    public String toString() {
        return "Scopes[example server]";
    }
}
