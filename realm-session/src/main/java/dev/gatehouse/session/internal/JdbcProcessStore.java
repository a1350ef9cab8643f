package dev.gatehouse.session.internal;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.jdbc.Jdbc;
import dev.gatehouse.session.ProcessState;
import dev.gatehouse.session.ProcessStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ProcessStore} in table {@code gh_session_processes} (H2 or PostgreSQL), shared by every
 * node of a host. Creates no tables: the schema is applied by {@code SchemaMigrations.apply(ds,
 * "session")} (or the host's own tool) before the store is used.
 *
 * <p>Lookups are answered from a local copy of each row (a Caffeine cache, size-bounded, aged by
 * the injected ticker) for at most {@code maxStaleness} after the read that made it began; a final
 * status, being permanent, for as long as the copy is kept. That is the bound within which a
 * status written on another node takes effect here. A copy in use is re-read in the background
 * once it is half the bound old, so lookups do not wait for the database while it answers; a
 * failed re-read keeps the old copy with its old read time, so an outage never stretches the bound.
 *
 * <p>Writes through this store update the local copy at once. A lookup that read the database
 * while a local write was under way never overwrites the write's newer copy: every copy carries
 * the local write count it was read under, and a background re-read that overlaps a write is
 * discarded. A failed read caches nothing. Thread-safe.
 */
public final class JdbcProcessStore implements ProcessStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcProcessStore.class);
    static final String BACKEND = "session process store";
    private static final String COLUMNS = "id, org, project, status, current_user_id";

    private final DataSource dataSource;
    private final FinalStatuses finalStatuses;
    private final Clock clock;
    private final LongSupplier ticker;
    private final long maxStalenessNanos;
    private final LoadingCache<UUID, Copy> copies; // null when every lookup reads the database
    private final Executor refresher;
    private final AtomicLong writes = new AtomicLong();

    /** A local copy of a row (empty: the row is gone), read from {@code readAtNanos} under write count {@code version}. */
    private record Copy(Optional<ProcessState> state, long readAtNanos, long version) {}

    /**
     * A store over {@code dataSource}; touches no database.
     *
     * @param clock timestamps rows
     * @param ticker monotonic nanoseconds that age local copies
     * @param maxStaleness how long a local copy answers lookups; zero keeps none
     * @param maxCached how many copies are kept
     * @param refreshExecutor where background re-reads run; empty: two daemon threads of its own,
     *     which end when idle
     */
    public JdbcProcessStore(DataSource dataSource, Set<String> finalStatuses, Clock clock, LongSupplier ticker,
            Duration maxStaleness, int maxCached, Optional<Executor> refreshExecutor) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.finalStatuses = new FinalStatuses(finalStatuses);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.maxStalenessNanos = maxStaleness.toNanos();
        if (maxStalenessNanos <= 0) {
            this.copies = null;
            this.refresher = null;
            return;
        }
        this.refresher = refreshExecutor.orElseGet(() -> RefreshThreads.start("gatehouse-session-store-refresh"));
        this.copies = Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(maxCached)
                .expireAfter(new BoundedStaleness())
                .refreshAfterWrite(Duration.ofNanos(Math.max(1, maxStalenessNanos / 2)))
                .ticker(ticker::getAsLong)
                .build(new Reloader());
    }

    @Override
    public Optional<ProcessState> find(UUID processId) {
        Objects.requireNonNull(processId, "processId");
        if (copies == null) {
            return read(processId);
        }
        Copy copy = copies.getIfPresent(processId);
        if (copy != null) {
            return copy.state;
        }
        long version = writes.get();
        long started = ticker.getAsLong();
        Optional<ProcessState> loaded = read(processId);
        if (loaded.isPresent()) {
            keep(processId, new Copy(loaded, started, version));
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
        try {
            Jdbc.inTransaction(dataSource, BACKEND, "register process " + process.id(), c -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO gh_session_processes (" + COLUMNS
                        + ", updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                    s.setObject(1, process.id());
                    s.setString(2, process.org());
                    s.setString(3, process.project().orElse(null));
                    s.setString(4, state.status());
                    s.setObject(5, currentUserId);
                    s.setTimestamp(6, Timestamp.from(clock.instant()));
                    return s.executeUpdate();
                }
            });
        } catch (Jdbc.ConstraintViolation e) {
            if (e.isUniqueViolation()) {
                throw new IllegalStateException("process " + process.id() + " is already registered", e);
            }
            throw e;
        }
        wrote(process.id(), Optional.of(state));
    }

    @Override
    public boolean updateStatus(UUID processId, String status) {
        String next = FinalStatuses.requireStatus(status);
        return update(processId, "update the status of process ", current -> {
            finalStatuses.checkTransition(processId, current.status(), next);
            return new ProcessState(current.process(), next, current.currentUserId());
        });
    }

    @Override
    public boolean updateCurrentUser(UUID processId, UUID userId) {
        Objects.requireNonNull(userId, "userId");
        return update(processId, "update the user of process ",
                current -> new ProcessState(current.process(), current.status(), userId));
    }

    @Override
    public boolean remove(UUID processId) {
        Objects.requireNonNull(processId, "processId");
        int n = Jdbc.inTransaction(dataSource, BACKEND, "remove process " + processId, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM gh_session_processes WHERE id = ?")) {
                s.setObject(1, processId);
                return s.executeUpdate();
            }
        });
        wrote(processId, Optional.empty());
        return n > 0;
    }

    /** Reads the row under a lock, applies {@code change}, writes it back, then updates the local copy. */
    private boolean update(UUID processId, String what, UnaryOperator<ProcessState> change) {
        Objects.requireNonNull(processId, "processId");
        Optional<ProcessState> next = Jdbc.inTransaction(dataSource, BACKEND, what + processId, c -> {
            Optional<ProcessState> current = select(c, processId, true);
            if (current.isEmpty()) {
                return current;
            }
            ProcessState changed = change.apply(current.get()); // may refuse: rolled back
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE gh_session_processes SET status = ?, current_user_id = ?, updated_at = ? WHERE id = ?")) {
                s.setString(1, changed.status());
                s.setObject(2, changed.currentUserId());
                s.setTimestamp(3, Timestamp.from(clock.instant()));
                s.setObject(4, processId);
                s.executeUpdate();
            }
            return Optional.of(changed);
        });
        wrote(processId, next);
        return next.isPresent();
    }

    private Optional<ProcessState> read(UUID processId) {
        return Jdbc.withConnection(dataSource, BACKEND, "read process " + processId, c -> select(c, processId, false));
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

    /** Records a committed local write so that this node sees it at once, and no older read can hide it. */
    private void wrote(UUID processId, Optional<ProcessState> state) {
        long version = writes.incrementAndGet();
        keep(processId, new Copy(state, ticker.getAsLong(), version));
    }

    private void keep(UUID processId, Copy copy) {
        if (copies != null) {
            copies.asMap().compute(processId, (id, old) -> old != null && old.version > copy.version ? old : copy);
        }
    }

    private boolean isFinal(Copy copy) {
        return copy.state.isPresent() && finalStatuses.isFinal(copy.state.get().status());
    }

    /** Copies are only ever put by lookups and writes; re-reads run on the refresher. */
    private final class Reloader implements CacheLoader<UUID, Copy> {
        @Override
        public Copy load(UUID key) {
            throw new UnsupportedOperationException("process copies are put by lookups, never loaded");
        }

        @Override
        public CompletableFuture<Copy> asyncReload(UUID processId, Copy old, Executor executor) {
            if (isFinal(old)) {
                return CompletableFuture.completedFuture(old); // permanent: nothing to read
            }
            try {
                return CompletableFuture.supplyAsync(() -> {
                    long version = writes.get();
                    long started = ticker.getAsLong();
                    try {
                        return new Copy(read(processId), started, version);
                    } catch (BackendUnavailableException e) {
                        LOG.warn("{}: background re-read of process {} failed: {}", BACKEND, processId, e.getMessage());
                        return old; // expires on time: an outage never stretches the bound
                    }
                }, refresher);
            } catch (RejectedExecutionException e) {
                return CompletableFuture.completedFuture(old);
            }
        }
    }

    /** A copy lives {@code maxStaleness} from the start of its read; a final one as long as it is kept. */
    private final class BoundedStaleness implements Expiry<UUID, Copy> {
        private long remaining(Copy copy, long now) {
            return isFinal(copy) ? Long.MAX_VALUE : Math.max(0, maxStalenessNanos - (now - copy.readAtNanos));
        }

        @Override
        public long expireAfterCreate(UUID key, Copy value, long currentTime) {
            return remaining(value, currentTime);
        }

        @Override
        public long expireAfterUpdate(UUID key, Copy value, long currentTime, long currentDuration) {
            return remaining(value, currentTime);
        }

        @Override
        public long expireAfterRead(UUID key, Copy value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    @Override
    public String toString() {
        return "JdbcProcessStore[maxStaleness=" + Duration.ofNanos(maxStalenessNanos) + ", "
                + (copies == null ? 0 : copies.estimatedSize()) + " cached]";
    }
}
