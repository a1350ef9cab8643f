package dev.gatehouse.session;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.session.internal.InMemoryProcessStore;
import dev.gatehouse.session.internal.JdbcProcessStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * A {@link ProcessRegistry} that Gatehouse keeps for the host: the host records its processes
 * here (start, status changes, change of user) and the session realm reads them. Two
 * implementations: {@link #inMemory()} for one node and tests, and {@link #jdbc(DataSource)} for H2
 * and PostgreSQL, shared by every node of a host; {@link #builder()} tunes either.
 *
 * <p><b>Schema.</b> The JDBC store creates no tables. Apply them once at start-up with
 * {@code SchemaMigrations.apply(dataSource, "session")} (a configured session realm does this
 * itself unless {@code applySchema=false}), or run the scripts under
 * {@code META-INF/gatehouse/session/schema/<h2|postgresql>/} with the host's own migration tool.
 *
 * <p>A final status is final: once a process reached one, {@link #updateStatus} refuses to move
 * it to a status that is not final, so a revoked session token can never come back to life.
 *
 * <p><b>Failures.</b> A database that does not answer is a {@link BackendUnavailableException}
 * from every method (the realm answers 503); nothing is cached from a failed read, so the store
 * works again as soon as the database does. Thread-safe.
 */
public interface ProcessStore extends ProcessRegistry {

    /**
     * Records a new process.
     *
     * @param status its first status, e.g. {@code NEW} or {@code RUNNING}
     * @throws IllegalStateException if a process with that id is already recorded
     * @throws IllegalArgumentException if {@code status} is blank or longer than 64 characters
     * @throws BackendUnavailableException if the database does not answer; the process was not
     *     recorded
     */
    void register(ProcessRef process, UUID currentUserId, String status);

    /**
     * Sets the status of a process. Setting a final status revokes the process's session tokens:
     * at once on this node, and within {@link Builder#maxStaleness(Duration)} on other nodes.
     *
     * @return false if no such process is recorded
     * @throws IllegalStateException if the process is in a final status and {@code status} is a
     *     different one
     * @throws BackendUnavailableException if the database does not answer; nothing changed
     */
    boolean updateStatus(UUID processId, String status);

    /**
     * Changes the user the process runs on behalf of; session-token requests act for the new user
     * from now on (on other nodes within the staleness bound).
     *
     * @return false if no such process is recorded
     * @throws BackendUnavailableException if the database does not answer; nothing changed
     */
    boolean updateCurrentUser(UUID processId, UUID userId);

    /**
     * Forgets a process; its session tokens are refused from now on, as for a final status.
     *
     * @return false if no such process was recorded
     * @throws BackendUnavailableException if the database does not answer; nothing changed
     */
    boolean remove(UUID processId);

    /** A store in this JVM only, with the default final statuses: {@code builder().inMemory()}. */
    static ProcessStore inMemory() {
        return builder().inMemory();
    }

    /**
     * A store in table {@code gh_session_processes} of {@code dataSource} (H2 or PostgreSQL) with
     * the defaults of {@link #builder()}: {@code builder().jdbc(dataSource)}. The table must
     * exist (see "Schema" above).
     */
    static ProcessStore jdbc(DataSource dataSource) {
        return builder().jdbc(dataSource);
    }

    /** A builder with the default final statuses, the UTC clock and a staleness bound of 1 s. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Configures and builds a {@link ProcessStore}. Not thread-safe; every setter fails fast with an
     * {@link IllegalArgumentException} whose message starts with the setting's name.
     */
    final class Builder {

        /** How stale a JDBC store's view of a process written on another node may be, by default. */
        public static final Duration DEFAULT_MAX_STALENESS = Duration.ofSeconds(1);

        private final Set<String> finalStatuses = new LinkedHashSet<>(DEFAULT_FINAL_STATUSES);
        private Clock clock = Clock.systemUTC();
        private LongSupplier ticker = System::nanoTime;
        private Duration maxStaleness = DEFAULT_MAX_STALENESS;
        private int maxCachedProcesses = 100_000;
        private Executor refreshExecutor;

        private Builder() {}

        /**
         * Adds host-specific final statuses to {@link ProcessRegistry#DEFAULT_FINAL_STATUSES}
         * (compared case-insensitively).
         */
        public Builder additionalFinalStatuses(String... statuses) {
            for (String s : statuses) {
                if (s == null || s.isBlank()) {
                    throw new IllegalArgumentException("additionalFinalStatuses: a status must not be blank");
                }
                finalStatuses.add(s.strip().toUpperCase(Locale.ROOT));
            }
            return this;
        }

        /** The clock that timestamps rows ({@code updated_at}); defaults to {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The monotonic time source (nanoseconds) that ages the JDBC store's local copies; default
         * {@link System#nanoTime()}. Tests pass a fake one to step past the staleness bound.
         */
        public Builder ticker(LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * How long the JDBC store may answer from its local copy of a process before reading the
         * database again: the bound within which a final status written on another node revokes
         * tokens on this one. A copy in use is re-read in the background once it is half that old,
         * so lookups of running processes do not wait for the database while it answers.
         * {@link Duration#ZERO} reads the database on every lookup. Defaults to
         * {@link #DEFAULT_MAX_STALENESS}. Writes made through this store take effect on this node at
         * once whatever the bound; a final status, being permanent, is kept as long as the copy is.
         *
         * @throws IllegalArgumentException if negative or longer than one minute
         */
        public Builder maxStaleness(Duration maxStaleness) {
            if (maxStaleness == null || maxStaleness.isNegative() || maxStaleness.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("maxStaleness must be between 0 and 1 minute, was " + maxStaleness);
            }
            this.maxStaleness = maxStaleness;
            return this;
        }

        /**
         * How many processes the JDBC store keeps a local copy of; defaults to 100,000. When full,
         * the copies least likely to be used again are evicted (and read again when needed).
         */
        public Builder maxCachedProcesses(int maxCachedProcesses) {
            if (maxCachedProcesses < 1) {
                throw new IllegalArgumentException("maxCachedProcesses must be at least 1, was " + maxCachedProcesses);
            }
            this.maxCachedProcesses = maxCachedProcesses;
            return this;
        }

        /**
         * Where the JDBC store's background re-reads run; default two daemon threads of its own,
         * which end when idle. A re-read the executor refuses leaves the copy to expire on time.
         */
        public Builder refreshExecutor(Executor executor) {
            this.refreshExecutor = Objects.requireNonNull(executor, "refreshExecutor");
            return this;
        }

        /** A store that lives in this JVM only. */
        public ProcessStore inMemory() {
            return new InMemoryProcessStore(finalStatuses);
        }

        /**
         * A store in table {@code gh_session_processes} of {@code dataSource} (H2 or PostgreSQL).
         * Touches no database here: the table must exist before the store is used.
         */
        public ProcessStore jdbc(DataSource dataSource) {
            Objects.requireNonNull(dataSource, "dataSource");
            return new JdbcProcessStore(dataSource, finalStatuses, clock, ticker, maxStaleness, maxCachedProcesses,
                    Optional.ofNullable(refreshExecutor));
        }
    }
}
