package dev.gatehouse.core.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link AuditTrail#disabled()}. */
final class DisabledAuditTrail implements AuditTrail {

    static final DisabledAuditTrail INSTANCE = new DisabledAuditTrail();

    private DisabledAuditTrail() {}

    @Override
    public void record(AuditEvent event) {
        // auditing is off
    }

    @Override
    public AuditPage query(AuditQuery query) {
        return new AuditPage(List.of(), Optional.empty());
    }

    @Override
    public int purgeBefore(Instant cutoff) {
        return 0;
    }

    @Override
    public void flush() {
        // nothing queued
    }

    @Override
    public long dropped() {
        return 0;
    }

    @Override
    public void close() {
        // nothing to stop
    }

    @Override
    public String toString() {
        return "AuditTrail.disabled()";
    }
}
