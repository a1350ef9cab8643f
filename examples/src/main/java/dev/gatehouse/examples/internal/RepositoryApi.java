package dev.gatehouse.examples.internal;

import dev.gatehouse.core.Permission;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.git.GitAccessException;
import dev.gatehouse.secrets.git.GitClone;
import dev.gatehouse.secrets.git.GitRemote;
import dev.gatehouse.secrets.git.KnownHosts;
import java.util.Optional;

/**
 * A project's Git repository: {@code PUT /api/v1/org/{org}/project/{project}/repository} with
 * {@code {"url", "branch"?, "secret", "knownHosts"?, "trustOnFirstUse"?}}, {@code GET} and
 * {@code DELETE} on the same path. Members of the org (and admins) may set and read it. The URL,
 * branch and known-hosts lines are checked here; whether the secret may be read is checked when a
 * process clones, as that process.
 */
public final class RepositoryApi {

    private static final int MAX_KNOWN_HOSTS = 16 * 1024;

    private final ProjectRepositories repositories;
    private final OrgApi orgApi;

    public RepositoryApi(ProjectRepositories repositories, OrgApi orgApi) {
        this.repositories = repositories;
        this.orgApi = orgApi;
    }

    public void register(Router router) {
        String path = "/api/v1/org/{org}/project/{project}/repository";
        router.route("PUT", path, this::put).route("GET", path, this::get).route("DELETE", path, this::delete);
    }

    private Object put(Router.Call call) {
        call.caller(OrgApi.ORG_MANAGE);
        String org = call.param(0);
        String project = call.param(1);
        orgApi.requireMember(call.caller(), org);
        ObjectNode body = call.json();
        String url = UserApi.text(body, "url").orElseThrow(() -> ApiException.badRequest("'url' is required"));
        String secret = UserApi.text(body, "secret").orElseThrow(() -> ApiException.badRequest("'secret' is required"));
        Optional<String> branch = UserApi.text(body, "branch");
        String knownHosts = UserApi.text(body, "knownHosts").orElse("");
        JsonNode tofu = body.path("trustOnFirstUse");
        if (!tofu.isMissingNode() && !tofu.isBoolean()) {
            throw ApiException.badRequest("'trustOnFirstUse' must be true or false");
        }
        if (knownHosts.length() > MAX_KNOWN_HOSTS) {
            throw ApiException.badRequest("'knownHosts' is longer than " + MAX_KNOWN_HOSTS + " characters");
        }
        try {
            GitClone.Builder clone = GitClone.of(GitRemote.parse(url));
            branch.ifPresent(clone::ref);
            KnownHosts.parse(knownHosts);
        } catch (GitAccessException.InvalidRemote e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage().startsWith("known_hosts") ? "'knownHosts' " + e.getMessage()
                    : "'branch' " + e.getMessage().replaceFirst("^ref ", ""));
        }
        Orgs.checkName("secret", secret);
        return json(repositories.put(org, project, url.strip(), branch, secret, knownHosts.strip(), tofu.asBoolean(false)));
    }

    private Object get(Router.Call call) {
        String org = call.param(0);
        String project = call.param(1);
        orgApi.requireMember(call.caller(), org);
        return json(repositories.find(org, project)
                .orElseThrow(() -> ApiException.notFound("Project " + org + "/" + project + " has no repository")));
    }

    private Object delete(Router.Call call) {
        call.caller(OrgApi.ORG_MANAGE);
        String org = call.param(0);
        String project = call.param(1);
        orgApi.requireMember(call.caller(), org);
        if (!repositories.delete(org, project)) {
            throw ApiException.notFound("Project " + org + "/" + project + " has no repository");
        }
        return Router.JSON.createObjectNode().put("ok", true).put("result", "DELETED");
    }

    static ObjectNode json(ProjectRepositories.Repository r) {
        return Router.JSON.createObjectNode().put("org", r.org()).put("project", r.project()).put("url", r.url())
                .put("branch", r.branch().orElse(null)).put("secret", r.secret()).put("knownHosts", r.knownHosts())
                .put("trustOnFirstUse", r.trustOnFirstUse());
    }
}
