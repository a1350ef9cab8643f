package dev.gatehouse.examples.internal;

import dev.gatehouse.core.Permission;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.audit.AuditEvent;
import dev.gatehouse.core.audit.AuditTrail;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code whoami} and the user endpoint: {@code POST /api/v1/user} (admin),
 * {@code GET /api/v1/user} (admin; {@code ?offset=&limit=}), {@code GET /api/v1/user/{username}}
 * (admins: anyone; others: themselves), {@code PUT /api/v1/user/{id}/roles} {@code {"roles": [...]}} (admin),
 * {@code POST /api/v1/user/{id}/disable|enable} (admin), {@code DELETE /api/v1/user/{id}} (admin).
 */
public final class UserApi {

    private final UserDirectory users;
    private final Audit audit;

    /**
     * The endpoint over {@code users}, the directory the realms sign users in against: a change
     * made here reaches every realm's cache on this node at once through the directory's change
     * listeners, and other nodes within their revocation bound.
     */
    public UserApi(UserDirectory users) {
        this(users, new Audit(AuditTrail.disabled()));
    }

    /** As above, recording user creations and changes in {@code audit}. */
    public UserApi(UserDirectory users, Audit audit) {
        this.users = users;
        this.audit = audit;
    }

    public void register(Router router) {
        router.route("GET", "/api/service/console/whoami", this::whoami)
                .route("POST", "/api/v1/user", this::create)
                .route("GET", "/api/v1/user", this::list)
                .route("PUT", "/api/v1/user/{id}/roles", this::setRoles)
                .route("GET", "/api/v1/user/{username}", this::get)
                .route("POST", "/api/v1/user/{id}/disable", call -> setDisabled(call, true))
                .route("POST", "/api/v1/user/{id}/enable", call -> setDisabled(call, false))
                .route("DELETE", "/api/v1/user/{id}", this::delete);
    }

    static void requireAdmin(Identity caller) {
        if (!caller.hasRole("admin")) {
            throw ApiException.forbidden("Only administrators can do that");
        }
    }

    private Object whoami(Router.Call call) {
        Identity me = call.caller();
        ObjectNode out = Router.JSON.createObjectNode()
                .put("userId", me.userId().toString())
                .put("username", me.username())
                .put("domain", me.domain().orElse(null))
                .put("displayName", me.displayName().orElse(null))
                .put("realm", me.realm())
                .put("userType", me.userType().name());
        ArrayNode roles = out.putArray("roles");
        me.roles().stream().sorted().forEach(roles::add);
        me.process().ifPresent(p -> out.put("processId", p.id().toString()));
        return out;
    }

    private Object create(Router.Call call) {
        call.caller(Permission.USER_MANAGE);
        requireAdmin(call.caller());
        ObjectNode body = call.json();
        String username = text(body, "username").orElseThrow(() -> ApiException.badRequest("'username' is required"));
        UserType type;
        try {
            type = UserType.of(text(body, "type").orElse("LOCAL"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Invalid 'type': " + e.getMessage());
        }
        if (!type.equals(UserType.LOCAL) && !type.equals(UserType.LDAP)) {
            throw ApiException.badRequest("'type' must be LOCAL or LDAP");
        }
        Set<String> roles = new LinkedHashSet<>();
        JsonNode r = body.get("roles");
        if (r != null && r.isArray()) {
            r.forEach(n -> roles.add(n.asText()));
        }
        User created;
        try {
            created = users.create(NewUser.of(username, type).withDisplayName(text(body, "displayName").orElse(null))
                    .withEmail(text(body, "email").orElse(null)).withRoles(roles));
        } catch (UserDirectory.DuplicateUserException e) {
            throw ApiException.conflict(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        audit.record(AuditEvent.USER_CREATE, "user:" + created.id(), AuditEvent.Outcome.SUCCESS, Optional.empty(),
                Optional.empty(), "username " + created.username() + ", type " + created.type().name() + ", roles "
                        + new java.util.TreeSet<>(created.roles()));
        return Router.JSON.createObjectNode().put("ok", true).put("id", created.id().toString()).put("result", "CREATED");
    }

    private Object list(Router.Call call) {
        call.caller(Permission.USER_MANAGE);
        requireAdmin(call.caller());
        int offset = intParam(call, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = intParam(call, "limit", 100, 1, 1000);
        ArrayNode out = Router.JSON.createArrayNode();
        users.list(offset, limit).forEach(u -> out.add(json(u)));
        return out;
    }

    private static int intParam(Router.Call call, String name, int fallback, int min, int max) {
        String v = call.request().getParameter(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("'" + name + "' must be a whole number from " + min + " to " + max);
    }

    private Object setRoles(Router.Call call) {
        call.caller(Permission.ROLE_MANAGE);
        requireAdmin(call.caller());
        UUID id = id(call.param(0));
        JsonNode r = call.json().get("roles");
        if (r == null || !r.isArray()) {
            throw ApiException.badRequest("'roles' is required: an array of role names");
        }
        Set<String> roles = new LinkedHashSet<>();
        for (JsonNode n : r) {
            if (!n.isTextual() || n.asText().isBlank()) {
                throw ApiException.badRequest("'roles' must hold non-empty strings");
            }
            roles.add(n.asText().strip());
        }
        try {
            if (!users.setRoles(id, roles)) {
                throw ApiException.notFound("User not found: " + call.param(0));
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        audit.record(AuditEvent.USER_CHANGE, "user:" + id, AuditEvent.Outcome.SUCCESS, Optional.empty(), Optional.empty(),
                "roles " + new java.util.TreeSet<>(roles));
        return Router.JSON.createObjectNode().put("ok", true).put("result", "UPDATED");
    }

    /**
     * A user's record: admins see anyone's, others only their own. Another user's record is a 404,
     * the same answer as for a name nobody has, so that the endpoint tells no one which users
     * exist, nor their email or when they last logged in.
     */
    private Object get(Router.Call call) {
        Identity caller = call.caller();
        ApiException notFound = ApiException.notFound("User not found: " + call.param(0));
        User u = users.findByUsername(call.param(0), Optional.empty()).orElseThrow(() -> notFound);
        if (!caller.hasRole("admin") && !u.id().equals(caller.userId())) {
            throw notFound;
        }
        return json(u);
    }

    private Object setDisabled(Router.Call call, boolean disabled) {
        call.caller(Permission.USER_MANAGE);
        requireAdmin(call.caller());
        UUID id = id(call.param(0));
        if (!users.setDisabled(id, disabled)) {
            throw ApiException.notFound("User not found: " + call.param(0));
        }
        audit.success(disabled ? AuditEvent.USER_DISABLE : AuditEvent.USER_ENABLE, "user:" + id);
        return Router.JSON.createObjectNode().put("ok", true).put("result", disabled ? "DISABLED" : "ENABLED");
    }

    private Object delete(Router.Call call) {
        call.caller(Permission.USER_MANAGE);
        requireAdmin(call.caller());
        UUID id = id(call.param(0));
        if (!users.delete(id)) {
            throw ApiException.notFound("User not found: " + call.param(0));
        }
        audit.success(AuditEvent.USER_DELETE, "user:" + id);
        return Router.JSON.createObjectNode().put("ok", true).put("result", "DELETED");
    }

    static UUID id(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Invalid id: not a UUID");
        }
    }

    static ObjectNode json(User u) {
        ObjectNode out = Router.JSON.createObjectNode()
                .put("id", u.id().toString())
                .put("username", u.username())
                .put("domain", u.domain().orElse(null))
                .put("type", u.type().name())
                .put("displayName", u.displayName().orElse(null))
                .put("email", u.email().orElse(null))
                .put("disabled", u.disabled())
                .put("createdAt", u.createdAt().toString())
                .put("lastLoginAt", u.lastLoginAt().map(Object::toString).orElse(null));
        ArrayNode roles = out.putArray("roles"); // granted here, through this endpoint
        u.roles().stream().sorted().forEach(roles::add);
        ArrayNode directoryRoles = out.putArray("directoryRoles"); // from the directory's groups
        u.directoryRoles().stream().sorted().forEach(directoryRoles::add);
        ArrayNode groups = out.putArray("groups");
        u.groups().stream().sorted().forEach(groups::add);
        ArrayNode effective = out.putArray("effectiveRoles");
        u.allRoles().stream().sorted().forEach(effective::add);
        return out;
    }

    static Optional<String> text(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string");
        }
        return n.asText().isBlank() ? Optional.empty() : Optional.of(n.asText());
    }
}
