package dev.gatehouse.core.audit;

class InMemoryAuditTrailTest extends AuditTrailContract {
    @Override
    AuditTrail open() {
        return AuditTrail.inMemory();
    }
}
