package dev.gatehouse.core.audit.internal;

import dev.gatehouse.core.AuthenticationEvent;
import dev.gatehouse.core.AuthenticationListener;
import dev.gatehouse.core.audit.AuditEvent;
import dev.gatehouse.core.audit.AuditTrail;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** See {@link AuditTrail#listener}. Thread-safe. */
public final class AuditingAuthenticationListener implements AuthenticationListener {

    private static final Logger LOG = LoggerFactory.getLogger(AuditingAuthenticationListener.class);

    private final AuditTrail trail;
    private final Set<String> loginRealms;
    private final AuthenticationListener next;

    public AuditingAuthenticationListener(AuditTrail trail, Set<String> loginRealms, AuthenticationListener next) {
        this.trail = Objects.requireNonNull(trail, "trail");
        this.loginRealms = Set.copyOf(loginRealms);
        this.next = Objects.requireNonNull(next, "next");
    }

    @Override
    public void on(AuthenticationEvent event) {
        try {
            AuditEvent audit = toAudit(event);
            if (audit != null) {
                trail.record(audit);
            }
        } catch (RuntimeException e) {
            LOG.warn("audit trail: could not record a login event ({})", e.getClass().getName());
        }
        if (!(event instanceof AuthenticationEvent.Succeeded) || next.receivesSuccesses()) {
            next.on(event);
        }
    }

    private AuditEvent toAudit(AuthenticationEvent event) {
        if (event instanceof AuthenticationEvent.Succeeded s) {
            if (!loginRealms.contains(s.identity().realm())) {
                return null;
            }
            return AuditEvent.by(s.identity(), AuditEvent.LOGIN).at(s.at()).clientAddress(s.remoteAddress());
        }
        if (event instanceof AuthenticationEvent.Failed f) {
            return new AuditEvent(f.at(), f.username().map(u -> new AuditEvent.Actor(Optional.empty(), u, f.realm())),
                    Optional.empty(), AuditEvent.LOGIN, Optional.empty(), AuditEvent.Outcome.FAILURE,
                    Optional.of(f.remoteAddress()), Optional.empty()).detail(f.reason());
        }
        if (event instanceof AuthenticationEvent.Throttled t) {
            return new AuditEvent(t.at(), t.username().map(u -> new AuditEvent.Actor(Optional.empty(), u, Optional.empty())),
                    Optional.empty(), AuditEvent.LOGIN, Optional.empty(), AuditEvent.Outcome.THROTTLED,
                    Optional.of(t.remoteAddress()), Optional.of("retry after " + Math.max(1, t.retryAfter().toSeconds()) + " s"));
        }
        return null;
    }

    @Override
    public boolean receivesSuccesses() {
        return !loginRealms.isEmpty() || next.receivesSuccesses();
    }

    @Override
    public boolean receivesSuccesses(String realm) {
        return loginRealms.contains(realm) || next.receivesSuccesses(realm);
    }
}
