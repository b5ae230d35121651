package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.testing.Db;
import io.chora.sync.SyncResult;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another program (the sqlite3 shell, a migration run on {@code jdbc:sqlite:}) adds a column to a
 * synced table and writes it before chora opens the file again. The update trigger that fired was
 * made for the old columns and did not record the writes; before the open logged them, the values
 * stayed on this replica alone and the divergence check reported equal clocks with different rows.
 */
class ColumnsAddedBehindChoraTest {
  @TempDir Path dir;

  @Test
  void valuesWrittenToAColumnAddedBehindChoraSyncAtTheNextOpen() throws Exception {
    try (Connection a = Db.chora(dir, "a.db", "chora.site=a");
        Connection b = Db.chora(dir, "b.db", "chora.site=b")) {
      exec(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)");
      exec(a, "INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three')");
      exec(b, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)");
      Db.of(b).syncWith(Db.of(a));
      exec(b, "ALTER TABLE t ADD COLUMN note TEXT DEFAULT 'none'");
    }
    try (Connection plain = Db.sqlite(dir, "a.db")) {
      exec(
          plain,
          "ALTER TABLE t ADD COLUMN note TEXT DEFAULT 'none'",
          "UPDATE t SET note = 'by the shell' WHERE id = 1",
          "UPDATE t SET note = 'none' WHERE id = 2", // back to the default: nothing to send
          "UPDATE t SET name = 'THREE' WHERE id = 3"); // the old trigger records this one
    }
    try (Connection a = Db.chora(dir, "a.db", "chora.site=a");
        Connection b = Db.chora(dir, "b.db", "chora.site=b")) {
      SyncResult result = Db.of(a).syncWith(Db.of(b));
      assertThat(result.divergence()).isNull();
      String rows = "SELECT id, name, note FROM t ORDER BY id";
      assertThat(rows(b, rows))
          .containsExactly("1|one|by the shell", "2|two|none", "3|THREE|none")
          .isEqualTo(rows(a, rows));
    }
  }

  /**
   * A renamed last column is not an added one: neither a rename through chora nor one behind it
   * makes the open write the column's values again (they would come back as new local writes and
   * beat other replicas' concurrent ones).
   */
  @Test
  void aRenamedColumnIsNotLoggedAgain() throws Exception {
    long before;
    try (Connection a = Db.chora(dir, "a.db", "chora.site=a")) {
      exec(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)");
      exec(a, "INSERT INTO t VALUES (1, 'one'), (2, 'two')");
      before = Db.seq(a);
      exec(a, "ALTER TABLE t RENAME COLUMN name TO title");
      assertThat(Db.seq(a)).isEqualTo(before);
    }
    try (Connection plain = Db.sqlite(dir, "a.db")) {
      exec(plain, "ALTER TABLE t RENAME COLUMN title TO label");
    }
    try (Connection a = Db.chora(dir, "a.db", "chora.site=a")) {
      assertThat(Db.seq(a)).isEqualTo(before);
      assertThat(rows(a, "SELECT label FROM t ORDER BY id")).containsExactly("one", "two");
    }
  }
}
