package dev.gatehouse.examples.internal;

import dev.gatehouse.core.jdbc.Jdbc;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.session.ProcessRegistry;
import dev.gatehouse.session.ProcessState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The example server's processes, in its own table {@code ex_processes}, and the session realm's
 * {@link ProcessRegistry} over that table.
 *
 * <p>A process is one row: org, project, status, initiator and log are written by one INSERT in
 * one transaction, so after any crash a process exists whole or not at all. (Gatehouse's
 * {@code ProcessStore} writes its row on a connection of its own, so it could not be in the same
 * transaction as the log.)
 *
 * <p>While a process is being started on this node, before its row is committed, {@link #find}
 * reports it as {@code RUNNING} from memory, so that its session token can be issued for its
 * template; the token is worth nothing unless the row is then committed (a process that is not in
 * the table, or is in a final status, has its tokens refused).
 *
 * <p>{@link #find} reads the table on every call: a final status written by any node revokes the
 * process's tokens on every node at once. Thread-safe.
 */
public final class Processes implements ProcessRegistry {

    public static final String RUNNING = "RUNNING";
    public static final String FAILED = "FAILED";

    private final DataSource db;
    private final Clock clock;
    private final ConcurrentHashMap<UUID, ProcessState> starting = new ConcurrentHashMap<>();

    /** What the server keeps of a process, its log aside. */
    public record Record(ProcessRef process, String status, UUID initiator) {
        ProcessState state() {
            return new ProcessState(process, status, initiator);
        }
    }

    public Processes(DataSource db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<ProcessState> find(UUID processId) {
        ProcessState pending = starting.get(processId);
        if (pending != null) {
            return Optional.of(pending);
        }
        return record(processId).map(Record::state);
    }

    /** Whether a process with this id is being started on this node right now. */
    boolean isStarting(UUID processId) {
        return starting.containsKey(processId);
    }

    /**
     * Marks {@code process} as being started on this node until the returned handle is closed:
     * {@link #find} reports it as RUNNING meanwhile. Close it after {@link #insert} returned or
     * failed.
     */
    Starting starting(ProcessRef process, UUID initiator) {
        starting.put(process.id(), new ProcessState(process, RUNNING, initiator));
        return () -> starting.remove(process.id());
    }

    /** A process being started on this node; {@link #close()} ends that. */
    interface Starting extends AutoCloseable {
        @Override
        void close();
    }

    /** Writes the whole process in one statement of one transaction. */
    void insert(ProcessRef process, UUID initiator, String status, String log) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        Jdbc.inTransaction(db, "example server database", "start process", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ex_processes "
                    + "(id, org, project, status, initiator, log, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setObject(1, process.id());
                ps.setString(2, process.org());
                ps.setString(3, process.project().orElse(null));
                ps.setString(4, status);
                ps.setObject(5, initiator);
                ps.setString(6, log);
                ps.setObject(7, now);
                ps.setObject(8, now);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The process, if the table has it. */
    public Optional<Record> record(UUID processId) {
        return Jdbc.withConnection(db, "example server database", "read process", c -> select(c, processId, false));
    }

    /** The process's log, if the table has the process. */
    public Optional<String> log(UUID processId) {
        return Jdbc.withConnection(db, "example server database", "read process log", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT log FROM ex_processes WHERE id = ?")) {
                ps.setObject(1, processId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** The outcome of {@link #end}. */
    enum Ended { ENDED, NOT_FOUND, ALREADY_FINAL }

    /**
     * Moves a process to the final {@code status}, unless it has one already (a final status is
     * final: a revoked token never comes back to life).
     */
    Ended end(UUID processId, String status) {
        if (!isFinal(status)) {
            throw new IllegalArgumentException("not a final status: " + status);
        }
        return Jdbc.inTransaction(db, "example server database", "end process", c -> {
            Optional<Record> current = select(c, processId, true);
            if (current.isEmpty()) {
                return Ended.NOT_FOUND;
            }
            if (isFinal(current.get().status())) {
                return Ended.ALREADY_FINAL;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE ex_processes SET status = ?, updated_at = ? WHERE id = ?")) {
                ps.setString(1, status);
                ps.setObject(2, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
                ps.setObject(3, processId);
                ps.executeUpdate();
            }
            return Ended.ENDED;
        });
    }

    private static Optional<Record> select(Connection c, UUID processId, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, org, project, status, initiator FROM ex_processes "
                + "WHERE id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setObject(1, processId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                ProcessRef ref = new ProcessRef(rs.getObject(1, UUID.class), rs.getString(2),
                        Optional.ofNullable(rs.getString(3)));
                return Optional.of(new Record(ref, rs.getString(4), rs.getObject(5, UUID.class)));
            }
        }
    }

    @Override
    public String toString() {
        return "Processes[ex_processes, " + starting.size() + " starting]";
    }
}
