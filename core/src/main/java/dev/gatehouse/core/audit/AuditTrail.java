package dev.gatehouse.core.audit;

import dev.gatehouse.core.AuthenticationListener;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.audit.internal.AuditingAuthenticationListener;
import dev.gatehouse.core.audit.internal.InMemoryAuditTrail;
import dev.gatehouse.core.audit.internal.JdbcAuditTrail;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The audit trail: an append-only record of who did what (logins, API-key and user changes,
 * secret reads and changes, decryptions by processes), for the question "who read this secret".
 * Gatehouse ships {@link #inMemory()} and {@link #jdbc(DataSource)}; a host may write its own.
 *
 * <p>{@link #record} is called on request threads and must never block or throw: the JDBC trail
 * queues the event in a bounded queue and writes queued events in one batch on its own thread,
 * so that recording adds no database round trip to a request. A full queue or a database that
 * does not answer loses events rather than holding requests up; that is logged (WARN, under
 * {@code dev.gatehouse.audit}) and counted ({@link #dropped()}). Implementations are thread-safe.
 */
public interface AuditTrail extends AutoCloseable {

    /** Records {@code event}, or queues it for writing. Never blocks, never throws. */
    void record(AuditEvent event);

    /**
     * The events that {@code query} selects, newest first. Events recorded before the call are
     * included (a trail that queues writes them first).
     *
     * @throws BackendUnavailableException if the database did not answer
     */
    AuditPage query(AuditQuery query);

    /**
     * Deletes the events older than {@code cutoff} (retention); the only deletion there is.
     *
     * @return how many were deleted
     * @throws BackendUnavailableException if the database did not answer
     */
    int purgeBefore(Instant cutoff);

    /**
     * Writes every queued event now.
     *
     * @throws BackendUnavailableException if the database did not answer; the events stay queued
     */
    void flush();

    /** How many events were lost since start (queue full, or the database refused them for long). */
    long dropped();

    /** Writes what is queued (as far as the database answers) and stops the writer. */
    @Override
    void close();

    /** A trail in this JVM's memory, of at most 100,000 events (the oldest go first). */
    static AuditTrail inMemory() {
        return new InMemoryAuditTrail(100_000, Clock.systemUTC());
    }

    /** A trail that keeps nothing: auditing off. */
    static AuditTrail disabled() {
        return DisabledAuditTrail.INSTANCE;
    }

    /**
     * A JDBC trail over table {@code gh_audit_events} (H2 or PostgreSQL): apply the schema first
     * with {@code SchemaMigrations.apply(dataSource, "audit")}. Tune it with the builder's methods.
     */
    static Builder jdbc(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * An {@link AuthenticationListener} that records failed and throttled logins of every realm,
     * and successful ones of {@code loginRealms} only (realms whose every request is a login, such
     * as a password realm; not an API-key realm, whose every request would be one), then hands
     * every event to {@code next} (say, {@link AuthenticationListener#logging()}). The engine does
     * not even build success events of the other realms, so the API-key hot path costs the same
     * with and without the trail.
     */
    static AuthenticationListener listener(AuditTrail trail, Set<String> loginRealms, AuthenticationListener next) {
        return new AuditingAuthenticationListener(trail, loginRealms, next);
    }

    /** Builds a JDBC trail. Every method fails fast with a message that starts with its name. Not thread-safe. */
    final class Builder {
        private final DataSource dataSource;
        private int queueCapacity = 10_000;
        private int batchSize = 500;
        private Duration flushInterval = Duration.ofMillis(200);
        private Optional<Duration> retention = Optional.empty();
        private Duration purgeInterval = Duration.ofHours(1);
        private Clock clock = Clock.systemUTC();

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /** Events queued at most before new ones are dropped (and counted); default 10,000. */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1 || capacity > 10_000_000) {
                throw new IllegalArgumentException("queueCapacity must be from 1 to 10000000, was " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /** Events per INSERT batch; default 500. */
        public Builder batchSize(int size) {
            if (size < 1 || size > 10_000) {
                throw new IllegalArgumentException("batchSize must be from 1 to 10000, was " + size);
            }
            this.batchSize = size;
            return this;
        }

        /** How long an event may wait in the queue before it is written; default 200 ms. */
        public Builder flushInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("flushInterval must be positive, was " + interval);
            }
            this.flushInterval = interval;
            return this;
        }

        /** Events older than this are purged every {@link #purgeInterval}; default: kept for ever. */
        public Builder retention(Duration retention) {
            if (retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("retention must be positive, was " + retention);
            }
            this.retention = Optional.of(retention);
            return this;
        }

        /** How often old events are purged when a retention is set; default 1 h. */
        public Builder purgeInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("purgeInterval must be positive, was " + interval);
            }
            this.purgeInterval = interval;
            return this;
        }

        /** The clock that retention is measured with. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Starts the trail's writer thread. */
        public AuditTrail build() {
            return new JdbcAuditTrail(dataSource, queueCapacity, batchSize, flushInterval, retention, purgeInterval,
                    clock);
        }
    }
}
