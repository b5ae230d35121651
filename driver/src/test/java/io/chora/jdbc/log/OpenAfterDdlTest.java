package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.testing.Db;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Opening a connection writes nothing while the schema is as chora last saw it, also after DDL that
 * leaves the tables alone (an index, a view, a trigger) made through chora. Pools open connections
 * while the application works: Spring Boot's Flyway creates its history index, then migrates in a
 * transaction that reads first, while HikariCP fills the pool; had an open written, the migration's
 * first write failed with SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out.
 */
class OpenAfterDdlTest {
  private static final String OPTIONS = "chora.site=a&journal_mode=WAL&busy_timeout=10000";

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "CREATE INDEX t_v ON t(v)",
        "CREATE UNIQUE INDEX t_v ON t(v)",
        "CREATE VIEW vs AS SELECT v FROM t",
        "CREATE TRIGGER t_upper AFTER INSERT ON t BEGIN SELECT upper(NEW.v); END",
        "DROP INDEX t_old"
      })
  void aConnectionOpenedAfterOtherDdlLeavesAReadingTransactionFreeToWrite(String ddl)
      throws Exception {
    try (Connection app = Db.chora(dir, "a.db", OPTIONS)) {
      exec(app, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "CREATE INDEX t_old ON t(v)");
      exec(app, ddl);
      app.setAutoCommit(false);
      assertThat(rows(app, "SELECT count(*) FROM t")).containsExactly("0"); // a snapshot
      try (Connection opened = Db.chora(dir, "a.db", OPTIONS)) {
        exec(app, "INSERT INTO t(v) VALUES ('x')"); // SQLITE_BUSY_SNAPSHOT had the open written
        app.commit();
        assertThat(rows(opened, "SELECT v FROM t")).containsExactly("x");
      }
      // and the DDL's connection still captures
      assertThat(Db.of(app).changesSince(new io.chora.sync.VectorClock()).size()).isEqualTo(1);
    }
  }
}
