package dev.gatehouse.core.audit.internal;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.audit.AuditEvent;
import dev.gatehouse.core.audit.AuditPage;
import dev.gatehouse.core.audit.AuditQuery;
import dev.gatehouse.core.audit.AuditRecord;
import dev.gatehouse.core.audit.AuditTrail;
import dev.gatehouse.core.jdbc.Jdbc;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AuditTrail#jdbc}: table {@code gh_audit_events}. {@link #record} is an
 * {@link ArrayBlockingQueue#offer} (never blocks); one thread drains the queue every flush
 * interval and writes each batch in one transaction. A batch the database refused stays pending
 * and is retried next time; while it is pending, new events wait in the queue, and once the queue
 * is full they are dropped and counted. Failures are logged at most once a minute, naming the
 * backend and the exception's type. Thread-safe.
 */
public final class JdbcAuditTrail implements AuditTrail {

    private static final Logger LOG = LoggerFactory.getLogger("dev.gatehouse.audit");
    static final String BACKEND = "audit trail";
    private static final long REPORT_EVERY_MILLIS = 60_000;
    private static final String COLUMNS =
            "at, actor_id, actor_name, actor_realm, process_id, action, target, outcome, client_address, detail";

    private final DataSource dataSource;
    private final ArrayBlockingQueue<AuditEvent> queue;
    private final int batchSize;
    private final Optional<Duration> retention;
    private final Clock clock;
    private final ScheduledExecutorService writer;
    private final AtomicLong dropped = new AtomicLong();
    private final Object writeLock = new Object();
    private List<AuditEvent> pending = new ArrayList<>(); // guarded by writeLock
    private volatile long lastReportMillis;
    private long droppedReported;

    public JdbcAuditTrail(DataSource dataSource, int queueCapacity, int batchSize, Duration flushInterval,
            Optional<Duration> retention, Duration purgeInterval, Clock clock) {
        this.dataSource = dataSource;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.batchSize = batchSize;
        this.retention = retention;
        this.clock = clock;
        this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-audit-writer");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, flushInterval.toMillis());
        writer.scheduleWithFixedDelay(this::flushQuietly, ms, ms, TimeUnit.MILLISECONDS);
        if (retention.isPresent()) {
            long purge = Math.max(1, purgeInterval.toMillis());
            writer.scheduleWithFixedDelay(this::purgeQuietly, 0, purge, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void record(AuditEvent event) {
        if (event != null && !queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    @Override
    public void flush() {
        synchronized (writeLock) {
            while (true) {
                if (pending.isEmpty()) {
                    queue.drainTo(pending, batchSize);
                    if (pending.isEmpty()) {
                        return;
                    }
                }
                insert(pending);
                pending = new ArrayList<>();
            }
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            report("could not write audit events; they stay queued (" + queue.size() + " waiting, "
                    + dropped.get() + " dropped so far)", e);
        }
        long d = dropped.get();
        if (d != droppedReported && System.currentTimeMillis() - lastReportMillis >= REPORT_EVERY_MILLIS) {
            droppedReported = d;
            lastReportMillis = System.currentTimeMillis();
            LOG.warn("audit trail: {} events dropped so far (queue full)", d);
        }
    }

    private void report(String what, RuntimeException e) {
        long now = System.currentTimeMillis();
        if (now - lastReportMillis >= REPORT_EVERY_MILLIS) {
            lastReportMillis = now;
            LOG.warn("audit trail: {}: {}", what, e instanceof BackendUnavailableException b ? b.getMessage()
                    : e.getClass().getName());
        }
    }

    private void insert(List<AuditEvent> batch) {
        Jdbc.inTransaction(dataSource, BACKEND, "write audit events", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO gh_audit_events (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (AuditEvent e : batch) {
                    ps.setObject(1, OffsetDateTime.ofInstant(e.at(), ZoneOffset.UTC));
                    ps.setObject(2, e.actor().flatMap(AuditEvent.Actor::userId).orElse(null));
                    ps.setString(3, e.actor().map(AuditEvent.Actor::username).orElse(null));
                    ps.setString(4, e.actor().flatMap(AuditEvent.Actor::realm).orElse(null));
                    ps.setObject(5, e.process().orElse(null));
                    ps.setString(6, e.action());
                    ps.setString(7, e.target().orElse(null));
                    ps.setString(8, e.outcome().name());
                    ps.setString(9, e.clientAddress().orElse(null));
                    ps.setString(10, e.detail().orElse(null));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public AuditPage query(AuditQuery query) {
        flush(); // a query sees every event recorded before it
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        query.actor().ifPresent(a -> add(where, args, "actor_name = ?", a));
        query.target().ifPresent(t -> add(where, args, "target = ?", t));
        query.action().ifPresent(a -> add(where, args, "action = ?", a));
        query.from().ifPresent(f -> add(where, args, "at >= ?", OffsetDateTime.ofInstant(f, ZoneOffset.UTC)));
        query.to().ifPresent(t -> add(where, args, "at < ?", OffsetDateTime.ofInstant(t, ZoneOffset.UTC)));
        query.before().ifPresent(b -> add(where, args, "id < ?", b));
        String sql = "SELECT id, " + COLUMNS + " FROM gh_audit_events" + where
                + " ORDER BY id DESC LIMIT ? OFFSET ?";
        List<AuditRecord> rows = Jdbc.withConnection(dataSource, BACKEND, "query audit events", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                for (Object a : args) {
                    ps.setObject(i++, a);
                }
                ps.setInt(i++, query.limit() + 1);
                ps.setInt(i, query.offset());
                List<AuditRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs));
                    }
                }
                return out;
            }
        });
        boolean more = rows.size() > query.limit();
        List<AuditRecord> page = more ? rows.subList(0, query.limit()) : rows;
        return new AuditPage(page, more ? Optional.of(page.get(page.size() - 1).sequence()) : Optional.empty());
    }

    private static void add(StringBuilder where, List<Object> args, String clause, Object value) {
        where.append(" AND ").append(clause);
        args.add(value);
    }

    private static AuditRecord row(ResultSet rs) throws SQLException {
        Optional<String> name = Optional.ofNullable(rs.getString(4));
        Optional<AuditEvent.Actor> actor = name.map(n -> {
            try {
                return new AuditEvent.Actor(Optional.ofNullable(rs.getObject(3, UUID.class)), n,
                        Optional.ofNullable(rs.getString(5)));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        AuditEvent e = new AuditEvent(rs.getObject(2, OffsetDateTime.class).toInstant(), actor,
                Optional.ofNullable(rs.getObject(6, UUID.class)), rs.getString(7), Optional.ofNullable(rs.getString(8)),
                AuditEvent.Outcome.valueOf(rs.getString(9)), Optional.ofNullable(rs.getString(10)),
                Optional.ofNullable(rs.getString(11)));
        return new AuditRecord(rs.getLong(1), e);
    }

    @Override
    public int purgeBefore(Instant cutoff) {
        flush(); // queued events are purged by the same rule
        return Jdbc.inTransaction(dataSource, BACKEND, "purge old audit events", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM gh_audit_events WHERE at < ?")) {
                ps.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
                return ps.executeUpdate();
            }
        });
    }

    private void purgeQuietly() {
        try {
            int n = purgeBefore(clock.instant().minus(retention.orElseThrow()));
            if (n > 0) {
                LOG.info("audit trail: purged {} events older than {}", n, retention.get());
            }
        } catch (RuntimeException e) {
            report("could not purge old audit events; will retry", e);
        }
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("audit trail: {} events not written at close: {}", pending.size() + queue.size(),
                    e.getClass().getName());
        }
    }

    @Override
    public String toString() {
        return "JdbcAuditTrail[" + dataSource.getClass().getSimpleName() + "]";
    }
}
