package dev.gatehouse.examples.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.core.audit.AuditEvent;
import dev.gatehouse.core.audit.AuditPage;
import dev.gatehouse.core.audit.AuditQuery;
import dev.gatehouse.core.audit.AuditRecord;
import dev.gatehouse.core.audit.AuditTrail;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * {@code GET /api/v1/audit} (admins, scope {@code audit:read}): the audit trail, newest first.
 * Filters {@code actor} (username), {@code target}, {@code action}, {@code from} and {@code to}
 * (ISO-8601 instants; from inclusive, to exclusive); paging {@code limit} (1 to 1000, default 100)
 * with {@code offset} or {@code cursor} (the {@code nextCursor} of the previous page). Any other
 * parameter, or a bad value, is a 400.
 */
public final class AuditApi {

    private static final Set<String> PARAMETERS = Set.of("actor", "target", "action", "from", "to", "limit", "offset",
            "cursor");

    private final AuditTrail trail;

    public AuditApi(AuditTrail trail) {
        this.trail = trail;
    }

    public void register(Router router) {
        router.route("GET", "/api/v1/audit", this::query);
    }

    private Object query(Router.Call call) {
        call.caller(Scopes.AUDIT_READ);
        UserApi.requireAdmin(call.caller());
        for (String name : call.request().getParameterMap().keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw ApiException.badRequest("Unknown parameter '" + (name.length() > 32 ? name.substring(0, 32) + "..." : name)
                        + "'; use actor, target, action, from, to, limit, offset or cursor");
            }
        }
        AuditQuery q = AuditQuery.all()
                .actor(text(call, "actor"))
                .target(text(call, "target"))
                .action(text(call, "action"))
                .from(instant(call, "from"))
                .to(instant(call, "to"))
                .limit(number(call, "limit", 100, 1, AuditQuery.MAX_LIMIT))
                .offset(number(call, "offset", 0, 0, 1_000_000));
        String cursor = text(call, "cursor");
        if (cursor != null) {
            try {
                q = q.before(Long.parseLong(cursor));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("'cursor' must be the nextCursor of an earlier page");
            }
        }
        if (q.from().isPresent() && q.to().isPresent() && !q.from().get().isBefore(q.to().get())) {
            throw ApiException.badRequest("'from' must be before 'to'");
        }
        AuditPage page = trail.query(q);
        ObjectNode out = Router.JSON.createObjectNode();
        ArrayNode events = out.putArray("events");
        for (AuditRecord r : page.records()) {
            events.add(json(r));
        }
        out.put("limit", q.limit()).put("offset", q.offset());
        out.put("nextCursor", page.nextCursor().map(String::valueOf).orElse(null));
        return out;
    }

    static ObjectNode json(AuditRecord r) {
        AuditEvent e = r.event();
        ObjectNode n = Router.JSON.createObjectNode().put("id", String.valueOf(r.sequence())).put("at", e.at().toString());
        if (e.actor().isPresent()) {
            AuditEvent.Actor a = e.actor().get();
            n.putObject("actor").put("userId", a.userId().map(Object::toString).orElse(null))
                    .put("username", a.username()).put("realm", a.realm().orElse(null));
        } else {
            n.putNull("actor");
        }
        n.put("processId", e.process().map(Object::toString).orElse(null))
                .put("action", e.action())
                .put("target", e.target().orElse(null))
                .put("outcome", e.outcome().name())
                .put("clientAddress", e.clientAddress().orElse(null))
                .put("detail", e.detail().orElse(null));
        return n;
    }

    private static String text(Router.Call call, String name) {
        String[] values = call.request().getParameterValues(name);
        if (values == null) {
            return null;
        }
        if (values.length > 1) {
            throw ApiException.badRequest("'" + name + "' may be given once");
        }
        String v = values[0].strip();
        if (v.isEmpty()) {
            return null;
        }
        if (v.length() > AuditEvent.MAX_FIELD) {
            throw ApiException.badRequest("'" + name + "' is longer than " + AuditEvent.MAX_FIELD + " characters");
        }
        return v;
    }

    private static Instant instant(Router.Call call, String name) {
        String v = text(call, name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("'" + name + "' must be an ISO-8601 instant such as 2030-01-31T23:59:59Z");
        }
    }

    private static int number(Router.Call call, String name, int fallback, int min, int max) {
        String v = text(call, name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("'" + name + "' must be a whole number from " + min + " to " + max);
    }
}
