package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.seq;
import static io.chora.jdbc.testing.Db.transactions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.jdbc.testing.Db;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way of writing that the driver issue names is recorded, and nothing else. */
class CaptureTest {
  @TempDir Path dir;
  Connection c;

  @BeforeEach
  void open() throws SQLException {
    c = Db.chora(dir, "a.db");
    exec(c, "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER)");
  }

  @AfterEach
  void close() throws SQLException {
    c.close();
  }

  @Test
  void autocommitStatementIsOneTransaction() throws SQLException {
    exec(c, "INSERT INTO item VALUES (1, 'a', 1), (2, 'b', 2)");
    assertThat(transactions(c))
        .containsExactly(
            List.of(
                "insert item[1] {id=1, name='a', qty=1}",
                "insert item[2] {id=2, name='b', qty=2}"));
  }

  @Test
  void explicitTransactionCommitsOnceAndRollbackRecordsNothing() throws SQLException {
    c.setAutoCommit(false);
    exec(c, "INSERT INTO item VALUES (1, 'a', 1)", "UPDATE item SET qty = 5 WHERE id = 1");
    c.rollback();
    assertThat(transactions(c)).isEmpty();
    exec(c, "INSERT INTO item VALUES (2, 'b', 2)", "UPDATE item SET qty = 7 WHERE id = 2");
    c.commit();
    c.setAutoCommit(true);
    assertThat(transactions(c)).containsExactly(List.of("insert item[2] {id=2, name='b', qty=7}"));
    assertThat(seq(c)).isEqualTo(1);
  }

  @Test
  void batchInOneTransaction() throws SQLException {
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO item(name, qty) VALUES (?, ?)")) {
      for (int i = 0; i < 100; i++) {
        ps.setString(1, "n" + i);
        ps.setInt(2, i);
        ps.addBatch();
      }
      assertThat(ps.executeBatch()).hasSize(100).containsOnly(1);
    }
    c.commit();
    assertThat(Db.changes(c)).hasSize(100);
    assertThat(seq(c)).isEqualTo(1);
  }

  @Test
  void autocommitBatchKeepsTheRowsBeforeAFailure() throws SQLException {
    exec(c, "INSERT INTO item VALUES (3, 'taken', 0)");
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO item(id, name) VALUES (?, ?)")) {
      for (int id : new int[] {1, 2, 3, 4}) {
        ps.setInt(1, id);
        ps.setString(2, "x");
        ps.addBatch();
      }
      assertThatThrownBy(ps::executeBatch).isInstanceOf(SQLException.class);
    }
    // like plain autocommit, the entries before the failing one stay, and are captured
    assertThat(Db.scalar(c, "SELECT count(*) FROM item")).isEqualTo(3);
    assertThat(transactions(c).get(1))
        .containsExactly(
            "insert item[1] {id=1, name='x', qty=null}",
            "insert item[2] {id=2, name='x', qty=null}");
  }

  @Test
  void generatedKeysAndLastInsertRowid() throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO item(name) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, "k");
      assertThat(ps.executeUpdate()).isEqualTo(1);
      long key;
      try (ResultSet keys = ps.getGeneratedKeys()) {
        assertThat(keys.next()).isTrue();
        key = keys.getLong(1);
      }
      assertThat(Db.scalar(c, "SELECT id FROM item")).isEqualTo(key);
      assertThat(Db.scalar(c, "SELECT last_insert_rowid()")).isEqualTo(key);
      assertThat(transactions(c))
          .containsExactly(
              List.of("insert item[" + key + "] {id=" + key + ", name='k', qty=null}"));
    }
  }

  @Test
  void updateWhereManyRowsRecordsOnlyChangedColumns() throws SQLException {
    exec(
        c,
        "WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s WHERE v < 50)"
            + " INSERT INTO item SELECT v, 'n' || v, 0 FROM s");
    exec(c, "UPDATE item SET qty = 9 WHERE id > 40");
    List<List<String>> txs = transactions(c);
    assertThat(txs).hasSize(2);
    assertThat(txs.get(1))
        .hasSize(10)
        .allMatch(s -> s.startsWith("update item[") && s.endsWith("{qty=9}"));
  }

  @Test
  void insertSelectUpsertAndReplace() throws SQLException {
    exec(c, "CREATE TABLE src(id INTEGER PRIMARY KEY, name TEXT)");
    exec(c, "INSERT INTO src VALUES (1, 'a'), (2, 'b')");
    exec(c, "INSERT INTO item(id, name, qty) SELECT id, name, 0 FROM src");
    exec(
        c,
        "INSERT INTO item VALUES (1, 'a2', 1) ON CONFLICT(id) DO UPDATE SET name = excluded.name");
    exec(c, "INSERT OR REPLACE INTO item VALUES (2, 'b2', 2)");
    exec(c, "REPLACE INTO item VALUES (3, 'c', 3)");
    List<List<String>> txs = transactions(c);
    assertThat(txs.get(txs.size() - 3)).containsExactly("update item[1] {name='a2'}");
    assertThat(txs.get(txs.size() - 2)).containsExactly("insert item[2] {id=2, name='b2', qty=2}");
    assertThat(txs.get(txs.size() - 1)).containsExactly("insert item[3] {id=3, name='c', qty=3}");
  }

  @Test
  void replaceThroughAUniqueColumnRecordsTheRowItDeleted() throws SQLException {
    exec(c, "CREATE TABLE person(id INTEGER PRIMARY KEY, email TEXT UNIQUE, name TEXT)");
    exec(c, "INSERT INTO person VALUES (1, 'a@x', 'Ann')");
    exec(c, "INSERT OR REPLACE INTO person VALUES (2, 'a@x', 'Ann B')");
    exec(c, "INSERT OR IGNORE INTO person VALUES (3, 'a@x', 'ignored')");
    assertThat(Db.scalar(c, "SELECT count(*) FROM person")).isEqualTo(1);
    List<List<String>> txs = transactions(c);
    assertThat(txs.get(1))
        .containsExactly("delete person[1]", "insert person[2] {id=2, email='a@x', name='Ann B'}");
    assertThat(txs).hasSize(2); // the ignored insert changed nothing
  }

  @Test
  void cascadeDeletesAndApplicationTriggersAreCaptured() throws SQLException {
    exec(
        c,
        "PRAGMA foreign_keys = ON",
        "CREATE TABLE parent(id INTEGER PRIMARY KEY)",
        "CREATE TABLE child(id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent(id) ON DELETE CASCADE)",
        "CREATE TABLE audit(id INTEGER PRIMARY KEY, what TEXT)",
        "CREATE TRIGGER parent_audit AFTER DELETE ON parent BEGIN INSERT INTO audit(what) VALUES ('gone ' || OLD.id); END",
        "INSERT INTO parent VALUES (1)",
        "INSERT INTO child VALUES (10, 1), (11, 1)");
    exec(c, "DELETE FROM parent WHERE id = 1");
    List<String> last = transactions(c).get(transactions(c).size() - 1);
    assertThat(last)
        .containsExactlyInAnyOrder(
            "delete parent[1]",
            "delete child[10]",
            "delete child[11]",
            "insert audit[1] {id=1, what='gone 1'}");
  }

  @Test
  void rollbackToSavepointDiscardsWhatItUndid() throws SQLException {
    c.setAutoCommit(false);
    exec(c, "INSERT INTO item VALUES (1, 'kept', 1)");
    Savepoint sp = c.setSavepoint("sp");
    exec(c, "INSERT INTO item VALUES (2, 'undone', 2)");
    c.rollback(sp);
    exec(
        c,
        "SAVEPOINT inner",
        "INSERT INTO item VALUES (3, 'also undone', 3)",
        "ROLLBACK TO inner",
        "RELEASE inner");
    c.commit();
    assertThat(transactions(c))
        .containsExactly(List.of("insert item[1] {id=1, name='kept', qty=1}"));
  }

  @Test
  void jdbcSavepointStartedInAutocommitModeCommitsWithAMarker() throws SQLException {
    Savepoint sp = c.setSavepoint(); // SQLite: a SAVEPOINT outside a transaction starts one
    exec(c, "INSERT INTO item VALUES (1, 'a', 1)");
    c.releaseSavepoint(sp); // ... and releasing it commits
    assertThat(transactions(c)).containsExactly(List.of("insert item[1] {id=1, name='a', qty=1}"));
    assertThat(seq(c)).isEqualTo(1);
  }

  @Test
  void sqlBeginCommitAndSavepointTransactionsInAutocommitMode() throws SQLException {
    exec(
        c,
        "BEGIN",
        "INSERT INTO item VALUES (1, 'a', 1)",
        "INSERT INTO item VALUES (2, 'b', 2)",
        "COMMIT");
    exec(c, "SAVEPOINT outer_sp", "INSERT INTO item VALUES (3, 'c', 3)", "RELEASE outer_sp");
    exec(c, "BEGIN IMMEDIATE", "INSERT INTO item VALUES (4, 'd', 4)", "ROLLBACK");
    assertThat(transactions(c)).hasSize(2);
    assertThat(transactions(c).get(0)).hasSize(2);
    assertThat(seq(c)).isEqualTo(2);
  }

  @Test
  void valuesComeBackBitExact() throws SQLException {
    exec(c, "CREATE TABLE v(id INTEGER PRIMARY KEY, n, i, r, t, b)");
    byte[] blob = new byte[256];
    for (int i = 0; i < blob.length; i++) {
      blob[i] = (byte) i;
    }
    String text = "naïve 日本語 🚀 'quoted' \u0000 nul";
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO v VALUES (1, ?, ?, ?, ?, ?)")) {
      ps.setObject(1, null);
      ps.setLong(2, Long.MIN_VALUE);
      ps.setDouble(3, 0.1 + 0.2);
      ps.setString(4, text);
      ps.setBytes(5, blob);
      ps.executeUpdate();
    }
    var values = Db.changes(c).get(0).values();
    assertThat(values.get("n")).isNull();
    assertThat(values.get("i")).isEqualTo(Long.MIN_VALUE);
    assertThat(values.get("r")).isEqualTo(0.1 + 0.2);
    assertThat(values.get("t")).isEqualTo(text);
    assertThat((byte[]) values.get("b")).isEqualTo(blob);
  }

  @Test
  void compositeTextAndBlobKeys() throws SQLException {
    exec(
        c,
        "CREATE TABLE pair(a TEXT, b BLOB, r REAL, v TEXT, PRIMARY KEY (a, b, r)) WITHOUT ROWID");
    exec(c, "CREATE TABLE tag(code TEXT PRIMARY KEY, label TEXT)");
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO pair VALUES (?, ?, ?, 'x')")) {
      ps.setString(1, "it's, a \"key\"");
      ps.setBytes(2, new byte[] {0, (byte) 0xff});
      ps.setDouble(3, 1.0 / 3);
      ps.executeUpdate();
    }
    exec(c, "INSERT INTO tag VALUES ('é', 'accent')", "DELETE FROM pair");
    List<io.chora.sync.Change> changes = Db.changes(c);
    assertThat(changes).hasSize(2);
    assertThat(changes.get(0).toString()).isEqualTo("insert tag['é'] {code='é', label='accent'}");
    List<Object> key = changes.get(1).key();
    assertThat(key.get(0)).isEqualTo("it's, a \"key\"");
    assertThat((byte[]) key.get(1)).containsExactly(0, 0xff);
    assertThat(key.get(2)).isEqualTo(1.0 / 3);
  }

  @Test
  void returningReadThroughAnOpenCursorIsCommittedWhenTheConnectionCloses() throws SQLException {
    Statement st = c.createStatement();
    ResultSet rs = st.executeQuery("INSERT INTO item VALUES (1, 'a', 1), (2, 'b', 2) RETURNING id");
    assertThat(rs.next()).isTrue(); // the cursor stays open: SQLite cannot commit yet
    c.close();
    c = Db.chora(dir, "a.db");
    assertThat(Db.scalar(c, "SELECT count(*) FROM item")).isEqualTo(2);
    assertThat(transactions(c)).hasSize(1);
  }

  @Test
  void oddIdentifiersAreQuotedEverywhere() throws SQLException {
    exec(
        c,
        "CREATE TABLE \"we\"\"ird; DROP TABLE item;--\"(\"k e y\" TEXT PRIMARY KEY,"
            + " \"va'l\" TEXT, \"ünï\" INTEGER)");
    exec(c, "INSERT INTO \"we\"\"ird; DROP TABLE item;--\" VALUES ('k', 'v', 1)");
    exec(c, "UPDATE \"we\"\"ird; DROP TABLE item;--\" SET \"ünï\" = 2");
    assertThat(transactions(c))
        .containsExactly(
            List.of("insert we\"ird; DROP TABLE item;--['k'] {k e y='k', va'l='v', ünï=2}"),
            List.of("update we\"ird; DROP TABLE item;--['k'] {ünï=2}"));
    assertThat(Db.scalar(c, "SELECT count(*) FROM sqlite_schema WHERE name = 'item'")).isEqualTo(1);
  }

  @Test
  void keyChangeIsDeleteThenInsert() throws SQLException {
    exec(c, "INSERT INTO item VALUES (1, 'a', 1)");
    exec(c, "UPDATE item SET id = 5 WHERE id = 1");
    assertThat(transactions(c).get(1))
        .containsExactly("delete item[1]", "insert item[5] {id=5, name='a', qty=1}");
  }

  @Test
  void readsUntrackedTablesAndNoOpUpdatesDoNotMoveTheClock() throws SQLException {
    exec(c, "CREATE TABLE nokey(a, b)", "INSERT INTO item VALUES (1, 'a', 1)");
    long before = seq(c);
    exec(
        c,
        "INSERT INTO nokey VALUES (1, 2)",
        "SELECT * FROM item",
        "UPDATE item SET qty = 1 WHERE id = 1");
    exec(c, "UPDATE item SET qty = 2 WHERE id = 99");
    assertThat(seq(c)).isEqualTo(before);
  }

  @Test
  void ddlKeepsCaptureCurrent() throws SQLException {
    exec(c, "INSERT INTO item VALUES (1, 'a', 1)");
    exec(c, "ALTER TABLE item ADD COLUMN note TEXT");
    exec(c, "UPDATE item SET note = 'hello' WHERE id = 1");
    exec(c, "ALTER TABLE item RENAME TO thing");
    exec(c, "UPDATE thing SET qty = 3 WHERE id = 1");
    exec(c, "CREATE TABLE later(id TEXT PRIMARY KEY, v)", "INSERT INTO later VALUES ('k', 1)");
    exec(
        c,
        "DROP TABLE later",
        "CREATE TABLE later(id TEXT PRIMARY KEY, w)",
        "INSERT INTO later VALUES ('z', 2)");
    List<List<String>> txs = transactions(c);
    assertThat(txs.get(1)).containsExactly("update thing[1] {note='hello'}");
    assertThat(txs.get(2)).containsExactly("update thing[1] {qty=3}");
    assertThat(txs.get(txs.size() - 1)).containsExactly("insert later['z'] {id='z', w=2}");
  }

  @Test
  void tablesWithoutPrimaryKeyAreSkippedAndCreateTableAsWorks() throws SQLException {
    exec(c, "INSERT INTO item VALUES (1, 'a', 1)");
    exec(c, "CREATE TABLE copy AS SELECT * FROM item", "INSERT INTO copy VALUES (2, 'b', 2)");
    assertThat(Db.scalar(c, "SELECT count(*) FROM copy")).isEqualTo(2);
    assertThat(transactions(c)).hasSize(1);
  }

  @Test
  void multiStatementStringsAreCapturedStatementByStatementWithTheirTransactionControl()
      throws SQLException {
    try (Statement st = c.createStatement()) {
      // as sqlite3_exec runs them: each statement in autocommit, unless the string opens a
      // transaction
      st.executeUpdate("INSERT INTO item VALUES (1, 'a', 1); INSERT INTO item VALUES (2, 'b', 2)");
      st.executeUpdate(
          "BEGIN; INSERT INTO item VALUES (3, 'c', 3); UPDATE item SET qty = 4 WHERE id = 3;"
              + " COMMIT");
    }
    assertThat(transactions(c))
        .containsExactly(
            List.of("insert item[1] {id=1, name='a', qty=1}"),
            List.of("insert item[2] {id=2, name='b', qty=2}"),
            List.of("insert item[3] {id=3, name='c', qty=4}")); // one transaction, folded
    exec(
        c,
        "CREATE TRIGGER t AFTER INSERT ON item BEGIN UPDATE item SET qty = 0 WHERE id = NEW.id; END");
    exec(c, "INSERT INTO item VALUES (4, 'd', 4)");
    assertThat(transactions(c).get(3)).containsExactly("insert item[4] {id=4, name='d', qty=0}");
  }

  @Test
  void trackedTablesAndLogSizeAreReported() throws SQLException {
    exec(
        c,
        "CREATE TABLE tag(name TEXT PRIMARY KEY)",
        "CREATE TABLE scratch(x)", // no primary key: not tracked
        "INSERT INTO item VALUES (1, 'a', 1), (2, 'b', 2)",
        "UPDATE item SET qty = 5 WHERE id = 1",
        "INSERT OR IGNORE INTO tag VALUES ('x')");
    assertThat(Db.of(c).trackedTables()).containsExactly("item", "tag");
    assertThat(Db.of(c).logSize()).isEqualTo(4);
  }
}
