package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.testing.Db;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An increment of a column {@code chora.counters} does not declare merges as last writer wins (two
 * replicas' {@code n = n + 1} end at one more, with no conflict): the driver says so once per
 * column, naming the option, and says nothing of declared counters, absolute writes or tables that
 * do not sync.
 */
class UndeclaredIncrementsTest {
  @TempDir Path dir;

  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Logger logger = Logger.getLogger("io.chora.jdbc");
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getMessage().contains("chora.counters")) {
            warnings.add(r.getMessage());
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void listen() {
    logger.addHandler(handler);
  }

  @AfterEach
  void stop() {
    logger.removeHandler(handler);
  }

  @Test
  void anIncrementOfAnUndeclaredColumnIsNamedOnceWithTheOptionThatCountsIt() throws Exception {
    try (Connection c = Db.chora(dir, "a.db", "chora.site=a")) {
      exec(c, "CREATE TABLE err(id INTEGER PRIMARY KEY, msg TEXT, n INTEGER NOT NULL DEFAULT 0)");
      exec(c, "INSERT INTO err(id, msg) VALUES (1, 'x')");
      exec(c, "UPDATE err SET n = 5, msg = 'y-z' WHERE id = 1"); // absolute: nothing to say
      assertThat(warnings).isEmpty();

      try (PreparedStatement ps = c.prepareStatement("UPDATE err SET n = n + ? WHERE id = ?")) {
        for (int i = 0; i < 3; i++) {
          ps.setInt(1, 1);
          ps.setInt(2, 1);
          ps.executeUpdate();
        }
      }
      exec(c, "UPDATE Err SET N = N - 1 WHERE id = 1"); // the same column, spelled otherwise

      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0))
          .contains("increments err.n")
          .contains("merge keeps one of them")
          .contains("chora.counters=err.n");
      assertThat(Db.scalar(c, "SELECT n FROM err WHERE id = 1")).isEqualTo(7);
    }
  }

  @Test
  void declaredCountersAndTablesThatDoNotSyncAreNotWarnedOf() throws Exception {
    try (Connection c =
        Db.chora(dir, "b.db", "chora.site=b&chora.counters=item.hits&chora.tables=item")) {
      exec(c, "CREATE TABLE item(id INTEGER PRIMARY KEY, hits INTEGER NOT NULL DEFAULT 0)");
      exec(c, "CREATE TABLE scratch(id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0)");
      exec(c, "INSERT INTO item(id) VALUES (1)", "INSERT INTO scratch(id) VALUES (1)");
      exec(c, "UPDATE item SET hits = hits + 1 WHERE id = 1");
      exec(c, "UPDATE scratch SET n = n + 1 WHERE id = 1");
      assertThat(warnings).isEmpty();
    }
  }
}
