package dev.gatehouse.core.audit;

import java.util.Objects;

/**
 * A stored {@link AuditEvent} and its place in the trail: sequences grow with insertion order
 * (within a node; across nodes sharing a database, with the database's sequence).
 */
public record AuditRecord(long sequence, AuditEvent event) {
    public AuditRecord {
        Objects.requireNonNull(event, "event");
    }
}
