package dev.gatehouse.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.testing.ClosedPort;
import dev.gatehouse.core.testing.H2Database;
import dev.gatehouse.core.testing.PostgresSchema;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

/** The one JDBC helper: commit or roll back, and the two shapes every database failure takes. */
class JdbcTest {

    private final List<PostgresSchema> schemas = new ArrayList<>();

    @AfterEach
    void drop() {
        schemas.forEach(PostgresSchema::close);
    }

    private DataSource database(String kind) throws SQLException {
        DataSource ds;
        if (kind.equals("postgresql")) {
            PostgresSchema schema = PostgresSchema.create("jdbc");
            schemas.add(schema);
            ds = schema.dataSource();
        } else {
            ds = H2Database.create();
        }
        SchemaMigrationsTest.execute(ds, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)");
        return ds;
    }

    private static int insert(Connection c, int id, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (id, name) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, name);
            return ps.executeUpdate();
        }
    }

    private static int rows(DataSource ds) throws SQLException {
        return SchemaMigrationsTest.count(ds, "SELECT COUNT(*) FROM items");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void inTransactionCommitsBeforeItReturns(String kind) throws Exception {
        DataSource ds = database(kind);

        int result = Jdbc.inTransaction(ds, "item store", "insert items", c -> insert(c, 1, "a") + insert(c, 2, "b"));

        assertThat(result).isEqualTo(2);
        assertThat(rows(ds)).as("visible on another connection: committed").isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aFailureInTheWorkRollsBackEveryStatementAndIsRethrownAsItWas(String kind) throws Exception {
        DataSource ds = database(kind);
        IllegalArgumentException bug = new IllegalArgumentException("caller's own failure");

        assertThatThrownBy(() -> Jdbc.inTransaction(ds, "item store", "insert items", c -> {
            insert(c, 1, "a");
            throw bug;
        })).isSameAs(bug);

        assertThat(rows(ds)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aDuplicateKeyIsAConstraintViolationAndRollsBackTheWholeTransaction(String kind) throws Exception {
        DataSource ds = database(kind);
        Jdbc.inTransaction(ds, "item store", "insert item", c -> insert(c, 1, "a"));

        assertThatThrownBy(() -> Jdbc.inTransaction(ds, "item store", "insert items", c -> insert(c, 2, "b")
                + insert(c, 1, "again")))
                .isInstanceOfSatisfying(Jdbc.ConstraintViolation.class, e -> {
                    assertThat(e.isUniqueViolation()).isTrue();
                    assertThat(e.sqlState()).isEqualTo("23505");
                    assertThat(Jdbc.isUniqueViolation(e)).isTrue();
                    assertThat(e.getMessage()).contains("item store").contains("insert items").doesNotContain("again");
                });
        assertThat(rows(ds)).as("the statement before the violation is rolled back too").isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aNotNullViolationIsAConstraintViolationButNotAUniqueOne(String kind) throws Exception {
        DataSource ds = database(kind);

        assertThatThrownBy(() -> Jdbc.withConnection(ds, "item store", "insert item", c -> insert(c, 1, null)))
                .isInstanceOfSatisfying(Jdbc.ConstraintViolation.class, e -> {
                    assertThat(e.sqlState()).startsWith("23");
                    assertThat(e.isUniqueViolation()).isFalse();
                    assertThat(Jdbc.isUniqueViolation(e)).isFalse();
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void anyOtherDatabaseFailureIsABackendOutage(String kind) throws Exception {
        DataSource ds = database(kind);

        assertThatThrownBy(() -> Jdbc.withConnection(ds, "item store", "read items", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT nope FROM no_such_table")) {
                return ps.executeQuery().next();
            }
        })).isInstanceOfSatisfying(BackendUnavailableException.class, e -> {
            assertThat(e.backend()).isEqualTo("item store");
            assertThat(e.getMessage()).startsWith("item store: cannot read items");
            assertThat(e.toResult().retryAfter()).isEqualTo(BackendUnavailableException.DEFAULT_RETRY_AFTER);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"inTransaction", "withConnection"})
    void aDatabaseOnAClosedPortIsABackendOutageNamingTheBackendAndTheOperation(String how) {
        PGSimpleDataSource closed = new PGSimpleDataSource();
        closed.setServerNames(new String[] {"127.0.0.1"});
        closed.setPortNumbers(new int[] {ClosedPort.find()});
        closed.setConnectTimeout(2);
        AtomicBoolean ran = new AtomicBoolean();
        Jdbc.Work<Integer> work = c -> {
            ran.set(true);
            return insert(c, 1, "value-never-logged");
        };

        assertThatThrownBy(() -> {
            if (how.equals("inTransaction")) {
                Jdbc.inTransaction(closed, "item store", "insert item", work);
            } else {
                Jdbc.withConnection(closed, "item store", "insert item", work);
            }
        }).isInstanceOfSatisfying(BackendUnavailableException.class, e -> {
            assertThat(e.backend()).isEqualTo("item store");
            assertThat(e.getMessage()).contains("cannot insert item").contains("SQLSTATE 08")
                    .doesNotContain("value-never-logged");
            assertThat(Jdbc.isUniqueViolation(e)).isFalse();
        });
        assertThat(ran).as("no connection, no work").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aFailedCommitIsAnOutageAndTheResultIsNeverReturned(String kind) throws Exception {
        DataSource ds = database(kind);
        DataSource failingCommit = sharedConnection(ds, true);

        assertThatThrownBy(() -> Jdbc.inTransaction(failingCommit, "item store", "insert item", c -> insert(c, 1, "a")))
                .isInstanceOf(BackendUnavailableException.class).hasMessageContaining("cannot insert item");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aPooledConnectionGoesBackInAutoCommitMode(String kind) throws Exception {
        DataSource ds = database(kind);
        DataSource shared = sharedConnection(ds, false);

        Jdbc.inTransaction(shared, "item store", "insert item", c -> insert(c, 1, "a"));
        assertThatThrownBy(() -> Jdbc.inTransaction(shared, "item store", "insert item", c -> insert(c, 1, "a")))
                .isInstanceOf(Jdbc.ConstraintViolation.class);

        try (Connection c = shared.getConnection()) {
            assertThat(c.getAutoCommit()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2"})
    void uniqueViolationsAreRecognisedThroughCauses(String kind) {
        SQLException duplicate = new SQLException("duplicate", "23505");
        assertThat(Jdbc.isUniqueViolation(new RuntimeException(new IllegalStateException(duplicate)))).isTrue();
        assertThat(Jdbc.isUniqueViolation(new SQLException("fk", "23503"))).isFalse();
        assertThat(Jdbc.isUniqueViolation(null)).isFalse();
        assertThat(Jdbc.failure("store", "do it", duplicate)).isInstanceOf(Jdbc.ConstraintViolation.class);
        SQLException wrapped = new SQLException("batch failed", (String) null);
        wrapped.setNextException(duplicate);
        assertThat(Jdbc.failure("store", "do it", wrapped)).as("the state of a chained exception counts")
                .isInstanceOf(Jdbc.ConstraintViolation.class);
        assertThat(Jdbc.failure("store", "do it", new SQLException("reset", "08006")))
                .isInstanceOf(BackendUnavailableException.class);
    }

    /**
     * A data source that hands out one physical connection again and again, as a pool does, whose
     * {@code close()} returns it rather than closing it; optionally its commit fails as a dropped
     * connection's does.
     */
    private static DataSource sharedConnection(DataSource ds, boolean failCommit) throws SQLException {
        Connection physical = ds.getConnection();
        Connection pooled = (Connection) Proxy.newProxyInstance(JdbcTest.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    if (failCommit && method.getName().equals("commit")) {
                        throw new SQLException("connection reset during commit", "08006");
                    }
                    try {
                        return method.invoke(physical, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return (DataSource) Proxy.newProxyInstance(JdbcTest.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return pooled;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
