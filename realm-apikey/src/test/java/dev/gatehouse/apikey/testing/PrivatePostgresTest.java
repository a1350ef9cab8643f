package dev.gatehouse.apikey.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The helper itself: a kill breaks connections and refuses new ones; a restart keeps what was committed. */
class PrivatePostgresTest {

    @Test
    void killBreaksTheServerAndRestartRecoversWhatWasCommitted() throws SQLException {
        try (PrivatePostgres pg = PrivatePostgres.start()) {
            DataSource ds = pg.dataSource();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (n INT)");
                s.execute("INSERT INTO t VALUES (1)");
            }
            Connection open = ds.getConnection();
            pg.kill();
            assertThat(pg.isRunning()).isFalse();
            assertThatThrownBy(() -> open.createStatement().execute("SELECT 1")).isInstanceOf(SQLException.class);
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);
            pg.restart();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            pg.kill();
            pg.restart();
            try (Connection c = ds.getConnection()) {
                assertThat(c.isValid(2)).isTrue();
            }
        }
    }
}
