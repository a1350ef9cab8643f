package dev.gatehouse.core.audit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.testing.PostgresSchema;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JDBC trail on the local PostgreSQL, in a schema of its own; there the table refuses updates. */
class PostgresAuditTrailTest extends AuditTrailContract {

    private PostgresSchema schema;

    @Override
    AuditTrail open() {
        schema = PostgresSchema.create("audit");
        SchemaMigrations.apply(schema.dataSource(), "audit");
        return AuditTrail.jdbc(schema.dataSource()).flushInterval(Duration.ofMillis(20)).build();
    }

    @AfterEach
    void drop() {
        if (schema != null) {
            trail.close();
            schema.close();
        }
    }

    @Test
    void theTableIsAppendOnly() throws Exception {
        trail.record(AuditEvent.by(alice, AuditEvent.LOGIN));
        trail.flush();
        try (Connection c = schema.dataSource().getConnection()) {
            assertThatThrownBy(() -> c.createStatement().executeUpdate("UPDATE gh_audit_events SET actor_name = 'x'"))
                    .hasMessageContaining("append-only");
        }
    }
}
