package io.chora.crsqlite;

import static io.chora.crsqlite.Databases.execute;
import static io.chora.crsqlite.Databases.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangesRoundTripTest {

  private static final String COLUMNS =
      "\"table\", pk, cid, val, col_version, db_version, site_id, cl, seq";

  @TempDir static Path cache;
  @TempDir Path dir;

  @BeforeAll
  static void privateCacheDirectory() {
    System.setProperty(CrSqlite.CACHE_DIR_PROPERTY, cache.toString());
  }

  @AfterAll
  static void restore() {
    System.clearProperty(CrSqlite.CACHE_DIR_PROPERTY);
  }

  @Test
  void rowsInsertedInOneDatabaseArriveInAnotherThroughCrsqlChanges() throws SQLException {
    try (Connection a = replica(dir.resolve("a.db"));
        Connection b = replica(dir.resolve("b.db"))) {
      execute(a, "INSERT INTO todo (id, title, done) VALUES (1, 'write tests', 0)");
      execute(a, "INSERT INTO todo (id, title, done) VALUES (2, 'ship', 1)");
      assertThat(text(b, "SELECT count(*) FROM todo")).isEqualTo("0");

      int copied = copyChanges(a, b);

      assertThat(copied).isEqualTo(4); // two rows, two columns each
      assertThat(text(b, "SELECT title || ':' || done FROM todo WHERE id = 1"))
          .isEqualTo("write tests:0");
      assertThat(text(b, "SELECT title || ':' || done FROM todo WHERE id = 2")).isEqualTo("ship:1");
      // B now knows A's changes: A's site id is in B's history with A's db_version.
      assertThat(text(b, "SELECT count(*) FROM crsql_changes WHERE site_id != crsql_site_id()"))
          .isEqualTo("4");
      Databases.finalizeAndClose(a);
      Databases.finalizeAndClose(b);
    }
  }

  private static Connection replica(Path file) throws SQLException {
    Connection c = Databases.open(file);
    CrSqlite.load(c);
    execute(c, "CREATE TABLE todo (id INTEGER PRIMARY KEY NOT NULL, title TEXT, done INTEGER)");
    execute(c, "SELECT crsql_as_crr('todo')");
    return c;
  }

  private static int copyChanges(Connection from, Connection to) throws SQLException {
    int copied = 0;
    try (Statement read = from.createStatement();
        ResultSet rows = read.executeQuery("SELECT " + COLUMNS + " FROM crsql_changes");
        PreparedStatement write =
            to.prepareStatement(
                "INSERT INTO crsql_changes (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      while (rows.next()) {
        for (int i = 1; i <= 9; i++) {
          write.setObject(i, rows.getObject(i));
        }
        copied += write.executeUpdate() >= 0 ? 1 : 0;
      }
    }
    return copied;
  }
}
