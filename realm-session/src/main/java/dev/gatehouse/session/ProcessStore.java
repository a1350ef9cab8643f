package dev.gatehouse.session;

import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.session.internal.InMemoryProcessStore;
import dev.gatehouse.session.internal.JdbcProcessStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A {@link ProcessRegistry} that Gatehouse keeps for the host: the host records its processes
 * here (start, status changes, change of user) and the session realm reads them. Two
 * implementations: {@link Builder#inMemory()} for one node and tests, and
 * {@link Builder#jdbc(DataSource)} for H2 and PostgreSQL, shared by every node of a host.
 *
 * <p>A final status is final: once a process reached one, {@link #updateStatus} refuses to move
 * it to a status that is not final, so a revoked session token can never come back to life.
 *
 * <p>Thread-safe.
 */
public interface ProcessStore extends ProcessRegistry {

    /**
     * Records a new process.
     *
     * @param status its first status, e.g. {@code NEW} or {@code RUNNING}
     * @throws IllegalStateException if a process with that id is already recorded
     * @throws RuntimeException if the backing database fails
     */
    void register(ProcessRef process, UUID currentUserId, String status);

    /**
     * Sets the status of a process. Setting a final status revokes the process's session tokens:
     * at once on this node, and within {@link Builder#maxStaleness(Duration)} on other nodes.
     *
     * @return false if no such process is recorded
     * @throws IllegalStateException if the process is in a final status and {@code status} is a
     *     different one
     */
    boolean updateStatus(UUID processId, String status);

    /**
     * Changes the user the process runs on behalf of; session-token requests act for the new user
     * from now on (on other nodes within the staleness bound).
     *
     * @return false if no such process is recorded
     */
    boolean updateCurrentUser(UUID processId, UUID userId);

    /**
     * Forgets a process; its session tokens are refused from now on, as for a final status.
     *
     * @return false if no such process was recorded
     */
    boolean remove(UUID processId);

    /** A builder with the default final statuses, the UTC clock and a staleness bound of 1 s. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Configures and builds a {@link ProcessStore}. Not thread-safe; every setter fails fast with a
     * message that names the setting.
     */
    final class Builder {

        /** How stale a JDBC store's view of a process written on another node may be, by default. */
        public static final Duration DEFAULT_MAX_STALENESS = Duration.ofSeconds(1);

        private final Set<String> finalStatuses = new LinkedHashSet<>(DEFAULT_FINAL_STATUSES);
        private Clock clock = Clock.systemUTC();
        private Duration maxStaleness = DEFAULT_MAX_STALENESS;
        private int maxCachedProcesses = 100_000;
        private boolean migrateSchema = true;

        private Builder() {}

        /**
         * Adds host-specific final statuses to {@link ProcessRegistry#DEFAULT_FINAL_STATUSES}
         * (compared case-insensitively).
         */
        public Builder additionalFinalStatuses(String... statuses) {
            for (String s : statuses) {
                Objects.requireNonNull(s, "status");
                if (s.isBlank()) {
                    throw new IllegalArgumentException("additionalFinalStatuses: a status must not be blank");
                }
                finalStatuses.add(s.strip().toUpperCase(Locale.ROOT));
            }
            return this;
        }

        /** The clock the JDBC store measures staleness with; defaults to {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long the JDBC store may answer from its local copy of a process before reading the
         * database again: the bound within which a final status written on another node revokes
         * tokens on this one. {@link Duration#ZERO} reads the database on every lookup. Defaults to
         * {@link #DEFAULT_MAX_STALENESS}. Writes made through this store take effect on this node at
         * once whatever the bound.
         *
         * @throws IllegalArgumentException if negative or longer than one minute
         */
        public Builder maxStaleness(Duration maxStaleness) {
            Objects.requireNonNull(maxStaleness, "maxStaleness");
            if (maxStaleness.isNegative() || maxStaleness.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("maxStaleness must be between 0 and 1 minute, was " + maxStaleness);
            }
            this.maxStaleness = maxStaleness;
            return this;
        }

        /** How many processes the JDBC store keeps a local copy of; defaults to 100,000. */
        public Builder maxCachedProcesses(int maxCachedProcesses) {
            if (maxCachedProcesses < 1) {
                throw new IllegalArgumentException("maxCachedProcesses must be at least 1, was " + maxCachedProcesses);
            }
            this.maxCachedProcesses = maxCachedProcesses;
            return this;
        }

        /**
         * Whether {@link #jdbc(DataSource)} creates or upgrades its table with
         * {@link dev.gatehouse.core.jdbc.SchemaMigrations}; defaults to true. Hosts that run their
         * own migration tool apply the scripts under {@code META-INF/gatehouse/realm-session/schema/<dialect>/} instead.
         */
        public Builder migrateSchema(boolean migrateSchema) {
            this.migrateSchema = migrateSchema;
            return this;
        }

        /** A store that lives in this JVM only. */
        public ProcessStore inMemory() {
            return new InMemoryProcessStore(finalStatuses);
        }

        /**
         * A store in table {@code gh_session_processes} of {@code dataSource} (H2 or PostgreSQL).
         *
         * @throws IllegalStateException if the schema cannot be applied
         */
        public ProcessStore jdbc(DataSource dataSource) {
            Objects.requireNonNull(dataSource, "dataSource");
            return new JdbcProcessStore(dataSource, finalStatuses, clock, maxStaleness, maxCachedProcesses,
                    migrateSchema);
        }
    }
}
