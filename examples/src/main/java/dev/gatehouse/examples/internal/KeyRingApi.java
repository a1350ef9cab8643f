package dev.gatehouse.examples.internal;

import dev.gatehouse.core.Permission;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.core.Identity;
import dev.gatehouse.secrets.KeyRingStatus;
import dev.gatehouse.secrets.ReencryptionReport;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretManager;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server-key rotation an operator drives (secrets/README.md, "Key rotation"), for admins only:
 * {@code GET /api/v1/admin/secrets/keyring} shows the cluster's key ring,
 * {@code POST /api/v1/admin/secrets/reencrypt} runs one sweep and returns its report, and
 * {@code POST /api/v1/admin/secrets/keys/{id}/retire} retires a key nothing is sealed with. Ids and
 * counts only, never key material.
 */
public final class KeyRingApi {

    private final SecretManager secrets;

    public KeyRingApi(SecretManager secrets) {
        this.secrets = secrets;
    }

    public void register(Router router) {
        router.route("GET", "/api/v1/admin/secrets/keyring", this::keyRing)
                .route("POST", "/api/v1/admin/secrets/reencrypt", this::reencrypt)
                .route("POST", "/api/v1/admin/secrets/keys/{id}/retire", this::retire);
    }

    private static void requireAdmin(Identity caller) {
        if (!caller.hasRole("admin") || caller.process().isPresent()) {
            throw ApiException.forbidden("Only administrators manage server keys");
        }
    }

    private Object keyRing(Router.Call call) {
        call.caller(Permission.ALL);
        requireAdmin(call.caller());
        KeyRingStatus ring = secrets.keyRing();
        ObjectNode out = Router.JSON.createObjectNode();
        out.put("primary", ring.primary().orElse(null));
        ObjectNode keys = out.putObject("keys");
        Map<String, KeyRingStatus.KeyState> sorted = new TreeMap<>(ring.keys());
        sorted.forEach((id, state) -> keys.put(id, state.name()));
        ArrayNode nodes = out.putArray("nodes");
        for (KeyRingStatus.Node n : ring.nodes()) {
            ObjectNode node = nodes.addObject().put("nodeId", n.nodeId()).put("configuredPrimary", n.configuredPrimary())
                    .put("lastSeen", n.lastSeen().toString()).put("live", n.live());
            ArrayNode ids = node.putArray("keyIds");
            n.keyIds().stream().sorted().forEach(ids::add);
        }
        return out;
    }

    private Object reencrypt(Router.Call call) {
        call.caller(Permission.ALL);
        requireAdmin(call.caller());
        ReencryptionReport r = secrets.reencryptAll();
        return Router.JSON.createObjectNode().put("seen", r.seen()).put("moved", r.moved()).put("current", r.current())
                .put("failed", r.failed()).put("passwordProtected", r.passwordProtected())
                .put("projectKeysMoved", r.projectKeysMoved()).put("projectKeysFailed", r.projectKeysFailed())
                .put("complete", r.complete());
    }

    private Object retire(Router.Call call) {
        call.caller(Permission.ALL);
        requireAdmin(call.caller());
        try {
            secrets.retireKey(call.param(0));
        } catch (SecretException e) {
            throw SecretApi.translate(e); // CONFLICT (409) while anything is still sealed with the key
        }
        return Router.JSON.createObjectNode().put("ok", true).put("retired", call.param(0));
    }
}
