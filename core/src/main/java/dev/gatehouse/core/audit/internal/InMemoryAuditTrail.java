package dev.gatehouse.core.audit.internal;

import dev.gatehouse.core.audit.AuditEvent;
import dev.gatehouse.core.audit.AuditPage;
import dev.gatehouse.core.audit.AuditQuery;
import dev.gatehouse.core.audit.AuditRecord;
import dev.gatehouse.core.audit.AuditTrail;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** {@link AuditTrail#inMemory()}: a bounded deque under one lock. Thread-safe. */
public final class InMemoryAuditTrail implements AuditTrail {

    private final int capacity;
    private final ArrayDeque<AuditRecord> records = new ArrayDeque<>();
    private long next = 1;
    private long dropped;

    public InMemoryAuditTrail(int capacity, Clock clock) {
        this.capacity = capacity;
    }

    @Override
    public synchronized void record(AuditEvent event) {
        if (records.size() >= capacity) {
            records.removeFirst();
            dropped++;
        }
        records.addLast(new AuditRecord(next++, event));
    }

    @Override
    public synchronized AuditPage query(AuditQuery query) {
        List<AuditRecord> out = new ArrayList<>();
        int skipped = 0;
        boolean more = false;
        for (Iterator<AuditRecord> it = records.descendingIterator(); it.hasNext();) {
            AuditRecord r = it.next();
            if (!query.matches(r)) {
                continue;
            }
            if (skipped < query.offset()) {
                skipped++;
                continue;
            }
            if (out.size() == query.limit()) {
                more = true;
                break;
            }
            out.add(r);
        }
        return new AuditPage(out, more ? Optional.of(out.get(out.size() - 1).sequence()) : Optional.empty());
    }

    @Override
    public synchronized int purgeBefore(Instant cutoff) {
        int n = records.size();
        records.removeIf(r -> r.event().at().isBefore(cutoff));
        return n - records.size();
    }

    @Override
    public void flush() {
        // written at once
    }

    @Override
    public synchronized long dropped() {
        return dropped;
    }

    @Override
    public void close() {
        // nothing to stop
    }
}
