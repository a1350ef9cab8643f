package dev.gatehouse.examples.internal;

import dev.gatehouse.core.Identity;
import dev.gatehouse.core.audit.AuditEvent;
import dev.gatehouse.core.audit.AuditTrail;
import dev.gatehouse.core.servlet.AuthenticationFilter;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Records the example server's own events (user changes, secret access) in the audit trail, with
 * the caller and client address of the request this thread handles. Events name users, secrets
 * and ids, never a value. Thread-safe.
 */
public final class Audit {

    private final AuditTrail trail;

    public Audit(AuditTrail trail) {
        this.trail = Objects.requireNonNull(trail, "trail");
    }

    /** The trail. */
    public AuditTrail trail() {
        return trail;
    }

    /**
     * Records {@code action} on {@code target} by the current request's caller (or, outside a
     * request, by the user {@code fallbackUser}), acting for {@code process} if given.
     */
    public void record(String action, String target, AuditEvent.Outcome outcome, Optional<UUID> fallbackUser,
            Optional<UUID> process, String detail) {
        Optional<Router.Call> call = Router.current();
        Optional<Identity> caller = call.flatMap(c -> AuthenticationFilter.identity(c.request()));
        AuditEvent e;
        if (caller.isPresent()) {
            e = AuditEvent.by(caller.get(), action);
        } else if (fallbackUser.isPresent()) {
            e = new AuditEvent(java.time.Instant.now(), Optional.of(new AuditEvent.Actor(fallbackUser,
                    fallbackUser.get().toString(), Optional.empty())), Optional.empty(), action, Optional.empty(),
                    AuditEvent.Outcome.SUCCESS, Optional.empty(), Optional.empty());
        } else {
            e = AuditEvent.bySystem(action);
        }
        if (process.isPresent()) {
            e = e.process(process.get());
        }
        e = e.target(target).outcome(outcome).detail(detail);
        if (call.isPresent()) {
            e = e.clientAddress(call.get().request().getRemoteAddr());
        }
        trail.record(e);
    }

    /** {@link #record} of a successful action by the current caller. */
    public void success(String action, String target) {
        record(action, target, AuditEvent.Outcome.SUCCESS, Optional.empty(), Optional.empty(), null);
    }
}
