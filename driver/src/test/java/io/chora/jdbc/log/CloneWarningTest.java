package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A clone made by cloneTo is not reported as a stray copy of its source ("may still write"). */
class CloneWarningTest {
  @TempDir Path dir;

  @Test
  void cloningWithoutASiteNameWarnsAboutNoCopy() throws Exception {
    List<String> warnings = new CopyOnWriteArrayList<>();
    Logger logger = Logger.getLogger("io.chora.jdbc");
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
              warnings.add(r.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(handler);
    try (Connection a = Db.chora(dir, "a.db", "chora.site=hostA")) {
      exec(a, "CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
      exec(a, "INSERT INTO note VALUES (1, 'x')");
      String site = a.unwrap(ChoraConnection.class).cloneTo(dir.resolve("b.db"), null);
      assertThat(site).isNotEqualTo("hostA");
      try (Connection b = Db.chora(dir, "b.db")) {
        assertThat(b.unwrap(ChoraConnection.class).siteId()).isEqualTo(site);
      }
    } finally {
      logger.removeHandler(handler);
    }
    assertThat(warnings).noneMatch(w -> w.contains("a copy, a restored backup"));
  }
}
