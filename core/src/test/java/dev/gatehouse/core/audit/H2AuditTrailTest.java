package dev.gatehouse.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.testing.H2Database;
import dev.gatehouse.core.testing.SwitchableDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The JDBC trail on H2, and what only a queued trail does: never block, survive an outage, count what it drops. */
class H2AuditTrailTest extends AuditTrailContract {

    private SwitchableDataSource db;

    @Override
    AuditTrail open() {
        DataSource h2 = H2Database.create();
        SchemaMigrations.apply(h2, "audit");
        db = new SwitchableDataSource(h2);
        return AuditTrail.jdbc(db).flushInterval(Duration.ofMillis(20)).build();
    }

    private int rows() throws Exception {
        try (Connection c = db.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT COUNT(*) FROM gh_audit_events")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void eventsAreWrittenInTheBackgroundWithoutAFlush() throws Exception {
        trail.record(dev.gatehouse.core.audit.AuditEvent.by(alice, AuditEvent.LOGIN));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (rows() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void anOutageNeitherBlocksNorLosesRecordsThatFitTheQueue() throws Exception {
        db.down();
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            trail.record(AuditEvent.by(alice, AuditEvent.SECRET_READ).target("secret:Default/x" + i));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("recording asks no database")
                .isLessThan(Duration.ofMillis(500));
        assertThatThrownBy(trail::flush).isInstanceOf(BackendUnavailableException.class);
        assertThatThrownBy(() -> trail.query(AuditQuery.all())).isInstanceOf(BackendUnavailableException.class);
        Thread.sleep(100); // the writer tries, fails and keeps them
        db.up();
        assertThat(trail.query(AuditQuery.all().limit(1000)).records()).hasSize(100);
        assertThat(rows()).isEqualTo(100);
        assertThat(trail.dropped()).isZero();
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() {
        trail.close();
        db.down();
        trail = AuditTrail.jdbc(db).queueCapacity(10).flushInterval(Duration.ofHours(1)).build();
        for (int i = 0; i < 15; i++) {
            trail.record(AuditEvent.by(alice, AuditEvent.LOGIN));
        }
        assertThat(trail.dropped()).isEqualTo(5);
        db.up();
        trail.flush();
        assertThat(trail.query(AuditQuery.all()).records()).hasSize(10);
    }

    @Test
    void retentionPurgesOldEventsPeriodically() throws Exception {
        trail.close();
        trail = AuditTrail.jdbc(db).retention(Duration.ofDays(90)).purgeInterval(Duration.ofMillis(50)).build();
        trail.record(AuditEvent.by(alice, AuditEvent.LOGIN).at(java.time.Instant.now().minus(Duration.ofDays(91))));
        trail.record(AuditEvent.by(alice, AuditEvent.LOGIN).at(java.time.Instant.now().minus(Duration.ofDays(89))));
        trail.flush();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (rows() != 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void builderNamesTheBadSetting() {
        assertThatThrownBy(() -> AuditTrail.jdbc(db).retention(Duration.ZERO)).hasMessageStartingWith("retention");
        assertThatThrownBy(() -> AuditTrail.jdbc(db).queueCapacity(0)).hasMessageStartingWith("queueCapacity");
    }
}
