package dev.gatehouse.examples.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.Permission;
import dev.gatehouse.ldap.LdapRealm;
import dev.gatehouse.ldap.LdapSynchronizer;
import java.util.List;

/**
 * {@code POST /api/v1/admin/ldap/sync}, for admins: runs the LDAP realms' directory synchronisers
 * now (they also run every {@code realm.<name>.sync.interval} when that is set) and returns each
 * one's report: counts and the problem that stopped it, never a user's details.
 */
public final class DirectorySyncApi {

    private final List<LdapRealm> realms;

    public DirectorySyncApi(List<LdapRealm> realms) {
        this.realms = List.copyOf(realms);
    }

    public void register(Router router) {
        router.route("POST", "/api/v1/admin/ldap/sync", this::sync);
    }

    private Object sync(Router.Call call) {
        call.caller(Permission.ALL);
        Identity caller = call.caller();
        if (!caller.hasRole("admin") || caller.process().isPresent()) {
            throw ApiException.forbidden("Only administrators run the directory sync");
        }
        ObjectNode out = Router.JSON.createObjectNode();
        ObjectNode reports = out.putObject("realms");
        for (LdapRealm realm : realms) {
            LdapSynchronizer.Report r = realm.synchronizer().run();
            reports.putObject(realm.name())
                    .put("complete", r.complete())
                    .put("checked", r.checked())
                    .put("disabled", r.disabled())
                    .put("updated", r.updated())
                    .put("skipped", r.skipped())
                    .put("tookMillis", r.took().toMillis())
                    .put("problem", r.problem().orElse(null));
        }
        return out;
    }
}
