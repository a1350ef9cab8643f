package dev.gatehouse.examples.internal;

import dev.gatehouse.core.Permission;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.apikey.ApiKey;
import dev.gatehouse.apikey.ApiKeyException;
import dev.gatehouse.apikey.ApiKeyService;
import dev.gatehouse.apikey.IssuedApiKey;
import dev.gatehouse.apikey.NewApiKey;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;

/**
 * The API-key endpoint: {@code POST /api/v1/apikey}
 * {@code {"username"?,"name"?,"expiredAt"?,"scopes"?:[...]}} ({@code expiredAt} an ISO-8601
 * instant; {@code scopes} names from {@link Scopes}, absent for an unscoped key),
 * {@code GET /api/v1/apikey/scopes} (the scope catalogue),
 * {@code GET /api/v1/apikey} (admins: {@code ?username=}), {@code DELETE /api/v1/apikey/{id}}.
 * Who may do what is the key service's permission check (admins for anyone, others for
 * themselves).
 */
public final class ApiKeyApi {

    private final ApiKeyService keys;
    private final UserDirectory users;

    public ApiKeyApi(ApiKeyService keys, UserDirectory users) {
        this.keys = keys;
        this.users = users;
    }

    public void register(Router router) {
        router.route("POST", "/api/v1/apikey", this::create)
                .route("GET", "/api/v1/apikey", this::list)
                .route("GET", "/api/v1/apikey/scopes", this::scopeCatalogue)
                .route("DELETE", "/api/v1/apikey/{id}", this::revoke);
    }

    /**
     * Whose keys a request is about. A non-admin naming anyone but themselves is refused before
     * the name is looked up, so that the answer (403) is the same whether that user exists or not.
     */
    private UUID owner(Identity caller, Optional<String> username) {
        if (username.isEmpty() || username.get().equals(caller.username()) && !caller.hasRole("admin")) {
            return caller.userId();
        }
        if (!caller.hasRole("admin")) {
            throw ApiException.forbidden("Only administrators can manage other users' API keys");
        }
        return users.findByUsername(username.get(), Optional.empty()).map(User::id)
                .orElseThrow(() -> ApiException.notFound("User not found: " + username.get()));
    }

    private Object create(Router.Call call) {
        call.caller(Permission.APIKEY_MANAGE);
        Identity caller = call.caller();
        ObjectNode body = call.json();
        NewApiKey request = NewApiKey.forUser(owner(caller, UserApi.text(body, "username")));
        Optional<String> name = UserApi.text(body, "name");
        if (name.isPresent()) {
            request = request.withName(name.get());
        }
        Optional<java.util.Set<Permission>> scopes = scopes(body);
        if (scopes.isPresent()) {
            request = request.withScopes(scopes.get());
        }
        Optional<String> expiry = UserApi.text(body, "expiredAt");
        if (expiry.isPresent()) {
            try {
                request = request.withExpiry(Instant.parse(expiry.get()));
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("'expiredAt' must be an ISO-8601 instant such as 2030-01-31T23:59:59Z");
            }
        }
        IssuedApiKey issued;
        try {
            issued = keys.create(caller, request);
        } catch (ApiKeyException e) {
            throw translate(e);
        }
        return Router.JSON.createObjectNode().put("ok", true).put("id", issued.metadata().id().toString())
                .put("name", issued.metadata().name()).put("key", issued.revealKey())
                .put("expiredAt", issued.metadata().expiresAt().map(Object::toString).orElse(null))
                .<ObjectNode>set("scopes", scopesJson(issued.metadata())).put("result", "CREATED");
    }

    /** {@code "scopes": [...]}: absent or null for an unscoped key; otherwise a non-empty array of scope names. */
    private static Optional<java.util.Set<Permission>> scopes(ObjectNode body) {
        com.fasterxml.jackson.databind.JsonNode n = body.get("scopes");
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isArray()) {
            throw ApiException.badRequest("'scopes' must be an array of scope names");
        }
        if (n.isEmpty()) {
            throw ApiException.badRequest("'scopes' must name at least one scope; leave it out for an unscoped key");
        }
        java.util.List<String> names = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode s : n) {
            if (!s.isTextual() || s.asText().isBlank()) {
                throw ApiException.badRequest("'scopes' must hold non-empty strings");
            }
            names.add(s.asText());
        }
        return Optional.of(Scopes.parse(names));
    }

    /** The key's scopes, sorted, or JSON null for an unscoped key. */
    private static com.fasterxml.jackson.databind.JsonNode scopesJson(ApiKey k) {
        if (k.scopes().isEmpty()) {
            return com.fasterxml.jackson.databind.node.NullNode.getInstance();
        }
        ArrayNode a = Router.JSON.createArrayNode();
        k.scopes().get().stream().map(Permission::name).sorted().forEach(a::add);
        return a;
    }

    /**
     * The scopes a key may be given, each with what it allows and whether the caller may give it
     * (its user holds it and its credential carries it): for the console's form and for scripts.
     */
    private Object scopeCatalogue(Router.Call call) {
        Identity caller = call.caller();
        java.util.Set<Permission> holds = SCOPES.permissionsOf(caller);
        ArrayNode out = Router.JSON.createArrayNode();
        Scopes.CATALOGUE.forEach((name, description) -> {
            Permission p = Permission.of(name);
            out.addObject().put("name", name).put("description", description)
                    .put("grantable", caller.permits(p) && Permission.anyCovers(holds, p));
        });
        return out;
    }

    private static final Scopes SCOPES = new Scopes();

    private Object list(Router.Call call) {
        call.caller(Permission.APIKEY_MANAGE);
        Identity caller = call.caller();
        UUID owner = owner(caller, Optional.ofNullable(call.request().getParameter("username")).filter(s -> !s.isBlank()));
        ArrayNode out = Router.JSON.createArrayNode();
        try {
            for (ApiKey k : keys.list(caller, owner)) {
                out.addObject().put("id", k.id().toString()).put("name", k.name()).put("userId", k.owner().toString())
                        .put("createdAt", k.createdAt().toString())
                        .put("expiredAt", k.expiresAt().map(Object::toString).orElse(null))
                        .put("lastUsedAt", k.lastUsedAt().map(Object::toString).orElse(null))
                        .set("scopes", scopesJson(k));
            }
        } catch (ApiKeyException e) {
            throw translate(e);
        }
        return out;
    }

    /**
     * Revokes a key. Another user's key is a 404, the same answer as for an id nobody has: a 403
     * would tell existing ids from missing ones, and its message names the key's owner.
     */
    private Object revoke(Router.Call call) {
        call.caller(Permission.APIKEY_MANAGE);
        Identity caller = call.caller();
        ApiException notFound = ApiException.notFound("API key not found: " + call.param(0));
        boolean revoked;
        try {
            revoked = keys.revoke(caller, UserApi.id(call.param(0)));
        } catch (ApiKeyException e) {
            if (e.reason() == ApiKeyException.Reason.FORBIDDEN) {
                throw notFound;
            }
            throw translate(e);
        }
        if (!revoked) {
            throw notFound;
        }
        return Router.JSON.createObjectNode().put("ok", true).put("result", "DELETED");
    }

    private static ApiException translate(ApiKeyException e) {
        int status = switch (e.reason()) {
            case FORBIDDEN -> 403;
            case NAME_TAKEN, KEY_TAKEN -> 409;
            case UNKNOWN_USER -> 404;
            case INVALID_NAME, INVALID_KEY, INVALID_EXPIRY, INVALID_SCOPES -> 400;
        };
        return new ApiException(status, e.getMessage());
    }
}
