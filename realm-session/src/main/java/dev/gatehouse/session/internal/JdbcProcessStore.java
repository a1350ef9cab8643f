package dev.gatehouse.session.internal;

import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.session.ProcessState;
import dev.gatehouse.session.ProcessStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * A {@link ProcessStore} in table {@code gh_session_processes} (H2 or PostgreSQL), shared by every
 * node of a host.
 *
 * <p>Lookups are answered from a local copy of each row for at most {@code maxStaleness} (a final
 * status, being permanent, for as long as it is kept): that is the bound within which a status
 * written on another node takes effect here. Writes through this store update the local copy at
 * once. A lookup that read the database while a local write was under way never overwrites the
 * write's newer copy: every copy carries the local write count it was read under. Thread-safe.
 */
public final class JdbcProcessStore implements ProcessStore {

    static final String COMPONENT = "realm-session";
    // Not a package path, so that a named module does not encapsulate the scripts.
    static final String SCHEMA_BASE = "META-INF/gatehouse/realm-session/schema";
    static final List<String> SCRIPTS = List.of("V1__processes.sql");

    private static final String COLUMNS = "id, org, project, status, current_user_id";

    private final DataSource dataSource;
    private final FinalStatuses finalStatuses;
    private final Clock clock;
    private final long maxStalenessMillis;
    private final int maxCached;
    private final ConcurrentHashMap<UUID, Copy> copies = new ConcurrentHashMap<>();
    private final AtomicLong writes = new AtomicLong();

    /** A local copy of a row ({@code state} null: the row is gone), read under write count {@code version}. */
    private record Copy(ProcessState state, long readAtMillis, long version) {}

    /**
     * A store over {@code dataSource}.
     *
     * @param maxStaleness how long a local copy of a row answers lookups
     * @param maxCached how many copies are kept before the local copies are dropped
     * @param migrate whether to apply the schema scripts first
     * @throws IllegalStateException if the schema cannot be applied
     */
    public JdbcProcessStore(DataSource dataSource, Set<String> finalStatuses, Clock clock, Duration maxStaleness,
            int maxCached, boolean migrate) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.finalStatuses = new FinalStatuses(finalStatuses);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxStalenessMillis = maxStaleness.toMillis();
        this.maxCached = maxCached;
        if (migrate) {
            SchemaMigrations.apply(dataSource, COMPONENT, JdbcProcessStore.class.getClassLoader(), SCHEMA_BASE, SCRIPTS);
        }
    }

    @Override
    public Optional<ProcessState> find(UUID processId) {
        Objects.requireNonNull(processId, "processId");
        long now = clock.millis();
        Copy copy = copies.get(processId);
        if (copy != null && (now - copy.readAtMillis < maxStalenessMillis
                || (copy.state != null && finalStatuses.isFinal(copy.state.status())))) {
            return Optional.ofNullable(copy.state);
        }
        long version = writes.get();
        Optional<ProcessState> loaded;
        try (Connection c = dataSource.getConnection()) {
            loaded = select(c, processId, false);
        } catch (SQLException e) {
            throw failure("read process " + processId, e);
        }
        if (loaded.isPresent()) {
            keep(processId, new Copy(loaded.get(), now, version));
        } else {
            copies.remove(processId);
        }
        return loaded;
    }

    @Override
    public boolean isFinal(String status) {
        return finalStatuses.isFinal(status);
    }

    @Override
    public void register(ProcessRef process, UUID currentUserId, String status) {
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(currentUserId, "currentUserId");
        ProcessState state = new ProcessState(process, FinalStatuses.requireStatus(status), currentUserId);
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("INSERT INTO gh_session_processes (" + COLUMNS
                        + ", updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, process.id());
            s.setString(2, process.org());
            s.setString(3, process.project().orElse(null));
            s.setString(4, state.status());
            s.setObject(5, currentUserId);
            s.setTimestamp(6, Timestamp.from(clock.instant()));
            s.executeUpdate();
        } catch (SQLException e) {
            if (SchemaMigrations.isUniqueViolation(e)) {
                throw new IllegalStateException("process " + process.id() + " is already registered", e);
            }
            throw failure("register process " + process.id(), e);
        }
        wrote(process.id(), state);
    }

    @Override
    public boolean updateStatus(UUID processId, String status) {
        String next = FinalStatuses.requireStatus(status);
        return update(processId, current -> {
            finalStatuses.checkTransition(processId, current.status(), next);
            return new ProcessState(current.process(), next, current.currentUserId());
        });
    }

    @Override
    public boolean updateCurrentUser(UUID processId, UUID userId) {
        Objects.requireNonNull(userId, "userId");
        return update(processId, current -> new ProcessState(current.process(), current.status(), userId));
    }

    @Override
    public boolean remove(UUID processId) {
        int n;
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("DELETE FROM gh_session_processes WHERE id = ?")) {
            s.setObject(1, processId);
            n = s.executeUpdate();
        } catch (SQLException e) {
            throw failure("remove process " + processId, e);
        }
        wrote(processId, null);
        return n > 0;
    }

    /** Reads the row under a lock, applies {@code change}, writes it back, then updates the local copy. */
    private boolean update(UUID processId, UnaryOperator<ProcessState> change) {
        Objects.requireNonNull(processId, "processId");
        ProcessState next;
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                Optional<ProcessState> current = select(c, processId, true);
                if (current.isEmpty()) {
                    c.rollback();
                    wrote(processId, null);
                    return false;
                }
                next = change.apply(current.get());
                try (PreparedStatement s = c.prepareStatement(
                        "UPDATE gh_session_processes SET status = ?, current_user_id = ?, updated_at = ? WHERE id = ?")) {
                    s.setString(1, next.status());
                    s.setObject(2, next.currentUserId());
                    s.setTimestamp(3, Timestamp.from(clock.instant()));
                    s.setObject(4, processId);
                    s.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw failure("update process " + processId, e);
        }
        wrote(processId, next);
        return true;
    }

    private Optional<ProcessState> select(Connection c, UUID processId, boolean forUpdate) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM gh_session_processes WHERE id = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
            s.setObject(1, processId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                ProcessRef ref = new ProcessRef(rs.getObject(1, UUID.class), rs.getString(2),
                        Optional.ofNullable(rs.getString(3)));
                return Optional.of(new ProcessState(ref, rs.getString(4), rs.getObject(5, UUID.class)));
            }
        }
    }

    /** Records a local write so that this node sees it at once, and no older read can hide it. */
    private void wrote(UUID processId, ProcessState state) {
        long version = writes.incrementAndGet();
        keep(processId, new Copy(state, clock.millis(), version));
    }

    private void keep(UUID processId, Copy copy) {
        if (copies.size() >= maxCached && !copies.containsKey(processId)) {
            copies.clear(); // rare; the next lookups read the database again
        }
        copies.compute(processId, (id, old) -> old != null && old.version > copy.version ? old : copy);
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("process store: cannot " + what + ": " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "JdbcProcessStore[maxStaleness=" + maxStalenessMillis + "ms, " + copies.size() + " cached]";
    }
}
