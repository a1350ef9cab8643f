package dev.gatehouse.core.audit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of an {@link AuditQuery}, newest first.
 *
 * @param records the events of this page
 * @param nextCursor pass it to {@link AuditQuery#before} for the next page; empty on the last page
 */
public record AuditPage(List<AuditRecord> records, Optional<Long> nextCursor) {
    public AuditPage {
        records = List.copyOf(records);
        Objects.requireNonNull(nextCursor, "nextCursor");
    }
}
