package dev.gatehouse.examples.internal;

import dev.gatehouse.core.Permission;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.gatehouse.core.Identity;
import dev.gatehouse.secrets.EncryptedStrings;
import dev.gatehouse.secrets.SecretException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Orgs, projects and the encrypt endpoint: {@code POST /api/v1/org} {@code {"name"}},
 * {@code GET /api/v1/org} (the caller's orgs; every org for admins),
 * {@code POST /api/v1/org/{org}/project} {@code {"name"}}, {@code GET /api/v1/org/{org}/project},
 * {@code POST /api/v1/org/{org}/project/{project}/encrypt} (body {@code text/plain}).
 */
public final class OrgApi {

    /** Creating orgs, projects and their repositories: what outlives a process, so not a process token's. */
    public static final Permission ORG_MANAGE = Permission.of("org:manage");
    /** Encrypting a string for a project (it may create the project's key). */
    public static final Permission ENCRYPT = Permission.of("secret:encrypt");

    private static final int MAX_PLAINTEXT = 64 * 1024;

    private final Orgs orgs;
    private final EncryptedStrings encryptedStrings;

    public OrgApi(Orgs orgs, EncryptedStrings encryptedStrings) {
        this.orgs = orgs;
        this.encryptedStrings = encryptedStrings;
    }

    public void register(Router router) {
        router.route("POST", "/api/v1/org", this::createOrg)
                .route("GET", "/api/v1/org", this::listOrgs)
                .route("POST", "/api/v1/org/{org}/project", this::createProject)
                .route("GET", "/api/v1/org/{org}/project", this::listProjects)
                .route("POST", "/api/v1/org/{org}/project/{project}/encrypt", this::encrypt);
    }

    /** Refuses callers that are neither members of {@code org} nor admins. */
    void requireMember(Identity caller, String org) {
        orgs.require(org);
        if (!caller.hasRole("admin") && !orgs.orgsOf(caller.userId()).contains(org)) {
            throw ApiException.forbidden("Not a member of organization: " + org);
        }
    }

    private Object createOrg(Router.Call call) {
        call.caller(ORG_MANAGE);
        Identity caller = call.caller();
        String name = UserApi.text(call.json(), "name").orElseThrow(() -> ApiException.badRequest("'name' is required"));
        var id = orgs.createOrg(name, Optional.of(caller.userId()));
        return Router.JSON.createObjectNode().put("ok", true).put("id", id.toString()).put("result", "CREATED");
    }

    private Object listOrgs(Router.Call call) {
        Identity caller = call.caller();
        ArrayNode out = Router.JSON.createArrayNode();
        (caller.hasRole("admin") ? orgs.allOrgs() : orgs.orgsOf(caller.userId())).forEach(o -> out.addObject().put("name", o));
        return out;
    }

    private Object listProjects(Router.Call call) {
        String org = call.param(0);
        requireMember(call.caller(), org);
        ArrayNode out = Router.JSON.createArrayNode();
        orgs.projectsOf(org).forEach(p -> out.addObject().put("name", p).put("orgName", org));
        return out;
    }

    private Object createProject(Router.Call call) {
        call.caller(ORG_MANAGE);
        Identity caller = call.caller();
        String org = call.param(0);
        requireMember(caller, org);
        String name = UserApi.text(call.json(), "name").orElseThrow(() -> ApiException.badRequest("'name' is required"));
        var id = orgs.createProject(org, name);
        return Router.JSON.createObjectNode().put("ok", true).put("id", id.toString()).put("result", "CREATED");
    }

    private Object encrypt(Router.Call call) throws IOException {
        call.caller(ENCRYPT);
        Identity caller = call.caller();
        String org = call.param(0);
        String project = call.param(1);
        requireMember(caller, org);
        if (!orgs.projectExists(org, project)) {
            throw ApiException.notFound("Project not found: " + org + "/" + project);
        }
        String value;
        try (InputStream in = call.request().getInputStream()) {
            byte[] body = in.readNBytes(MAX_PLAINTEXT + 1);
            if (body.length > MAX_PLAINTEXT) {
                throw ApiException.badRequest("Value is larger than " + MAX_PLAINTEXT + " bytes");
            }
            value = Text.utf8(body, "Value to encrypt");
        }
        if (value.isEmpty()) {
            throw ApiException.badRequest("Value to encrypt is empty");
        }
        try {
            return Router.JSON.createObjectNode().put("ok", true).put("data", encryptedStrings.encrypt(org, project, value));
        } catch (SecretException e) {
            throw SecretApi.translate(e);
        }
    }
}
