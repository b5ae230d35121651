package io.chora.jdbc;

import static io.chora.jdbc.testing.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.testing.Db;
import io.chora.sync.VectorClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteUpdateListener;

/**
 * What sqlite-jdbc's listeners hear of chora's own transactions: an apply of remote changes is a
 * real transaction of the application's tables, so they hear its rows and its commit (native mode
 * has no commit listener). The application's own statements are in {@link ParityTest}.
 */
class ListenerTest {
  @TempDir Path dir;

  private static final class Heard implements SQLiteUpdateListener, SQLiteCommitListener {
    final List<String> events = new ArrayList<>();

    @Override
    public synchronized void onUpdate(Type type, String database, String table, long rowId) {
      events.add(type + " " + table);
    }

    @Override
    public synchronized void onCommit() {
      events.add("commit");
    }

    @Override
    public synchronized void onRollback() {
      events.add("rollback");
    }
  }

  private static Heard listen(Connection c, boolean commits) throws SQLException {
    Heard heard = new Heard();
    SQLiteConnection sqlite = c.unwrap(SQLiteConnection.class);
    sqlite.addUpdateListener(heard);
    if (commits) {
      sqlite.addCommitListener(heard);
    }
    return heard;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"java", "crsqlite"})
  void anApplyOfRemoteChangesIsHeardAsOneTransactionOfTheApplicationsTables(String mode)
      throws SQLException {
    String schema = "CREATE TABLE t(id INTEGER PRIMARY KEY NOT NULL, name TEXT)";
    try (Connection a = Db.chora(dir, "a.db", "chora.mode=" + mode);
        Connection b = Db.chora(dir, "b.db", "chora.mode=" + mode)) {
      exec(a, schema);
      exec(b, schema);
      exec(a, "INSERT INTO t VALUES (1, 'x'), (2, 'y')", "UPDATE t SET name = 'z' WHERE id = 2");
      Heard heard = listen(b, mode.equals("java"));
      Db.of(b).apply(Db.of(a).changesSince(VectorClock.of(java.util.Map.of())));
      // java mode replays the transactions row by row; cr-sqlite writes each row's merged state
      assertThat(heard.events)
          .containsExactlyElementsOf(
              mode.equals("java")
                  ? List.of("INSERT t", "INSERT t", "UPDATE t", "commit")
                  : List.of("INSERT t", "INSERT t"));
    }
  }

  /**
   * A known limit: sqlite-jdbc commits each entry of an autocommit batch, chora the batch as one
   * transaction (one commit marker), so a commit listener hears one commit.
   */
  @Test
  void anAutocommitBatchIsOneTransaction() throws SQLException {
    List<List<String>> heardBy = new ArrayList<>();
    for (String url : List.of("sqlite", "chora")) {
      try (Connection c = url.equals("sqlite") ? Db.sqlite(dir, "p.db") : Db.chora(dir, "c.db")) {
        exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY NOT NULL, name TEXT)");
        Heard heard = listen(c, true);
        try (Statement st = c.createStatement()) {
          st.addBatch("INSERT INTO t VALUES (1, 'x')");
          st.addBatch("INSERT INTO t VALUES (2, 'y')");
          st.executeBatch();
        }
        heardBy.add(heard.events);
      }
    }
    assertThat(heardBy)
        .containsExactly(
            List.of("INSERT t", "commit", "INSERT t", "commit"),
            List.of("INSERT t", "INSERT t", "commit"));
  }

  /**
   * The first generated key of a table claims a block of keys, a write to chora's own table. In a
   * batch it is taken when the batch runs, inside its one transaction: taken at {@code addBatch} in
   * autocommit mode, the claim committed on its own and the listener heard a commit the application
   * never made.
   */
  @Test
  void anAutocommitBatchOfGeneratedKeysCommitsOnce() throws SQLException {
    try (Connection c = Db.chora(dir, "c.db")) {
      exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)");
      Heard heard = listen(c, true);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t(name) VALUES (?)")) {
        ps.setString(1, "x");
        ps.addBatch();
        ps.setString(1, "y");
        ps.addBatch();
        ps.executeBatch();
      }
      assertThat(heard.events).containsExactly("INSERT t", "INSERT t", "commit");
      assertThat(Db.scalar(c, "SELECT count(DISTINCT id) FROM t WHERE id >= 1024")).isEqualTo(2);
    }
  }

  /**
   * A known limit: SQLite empties a table without triggers by a {@code DELETE} without {@code
   * WHERE} at once and reports no row to the update hook; a synced table has capture triggers (and
   * cr-sqlite's), so the rows are deleted one by one and each is heard. Counts are the same.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sqlite", "java", "crsqlite"})
  void aDeleteOfEveryRowIsHeardRowByRowOnASyncedTable(String mode) throws SQLException {
    try (Connection c =
        mode.equals("sqlite")
            ? Db.sqlite(dir, "p.db")
            : Db.chora(dir, "c.db", "chora.mode=" + mode)) {
      exec(
          c,
          "CREATE TABLE t(id INTEGER PRIMARY KEY NOT NULL, name TEXT)",
          "INSERT INTO t VALUES (1, 'x'), (2, 'y')");
      Heard heard = listen(c, false);
      try (Statement st = c.createStatement()) {
        assertThat(st.executeUpdate("DELETE FROM t")).isEqualTo(2);
      }
      assertThat(Db.scalar(c, "SELECT total_changes()")).isEqualTo(4);
      assertThat(heard.events)
          .containsExactlyElementsOf(
              mode.equals("sqlite") ? List.of() : List.of("DELETE t", "DELETE t"));
    }
  }
}
