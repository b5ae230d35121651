package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.seq;
import static io.chora.jdbc.testing.Db.transactions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.jdbc.testing.Db;
import io.chora.sync.VectorClock;
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

/** Corners of transactions, DDL and keys where capture once went wrong. */
class EdgeCaseTest {
  @TempDir Path dir;
  Connection c;

  @BeforeEach
  void open() throws SQLException {
    c = Db.chora(dir, "a.db", "journal_mode=WAL&busy_timeout=2000");
    exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
  }

  @AfterEach
  void close() throws SQLException {
    c.close();
  }

  @Test
  void returningThroughExecuteCommitsWhenTheStatementCloses() throws SQLException {
    try (Statement st = c.createStatement()) {
      assertThat(st.execute("INSERT INTO t(v) VALUES ('a') RETURNING id")).isTrue();
      try (ResultSet rs = st.getResultSet()) {
        assertThat(rs.next()).isTrue();
      }
    }
    try (Connection other = Db.chora(dir, "a.db")) {
      assertThat(Db.scalar(other, "SELECT count(*) FROM t")).isEqualTo(1);
    }
    assertThat(seq(c)).isEqualTo(1);
  }

  @Test
  void preparedReadsFinishAReturningWritesCommit() throws SQLException {
    PreparedStatement returning = c.prepareStatement("INSERT INTO t(v) VALUES (?) RETURNING id");
    returning.setString(1, "a");
    try (ResultSet rs = returning.executeQuery()) {
      while (rs.next()) {}
    }
    try (PreparedStatement read = c.prepareStatement("SELECT count(*) FROM t");
        ResultSet rs = read.executeQuery()) {
      rs.next();
    }
    try (Connection other = Db.chora(dir, "a.db", "busy_timeout=200")) {
      exec(other, "INSERT INTO t(v) VALUES ('from the other connection')");
      assertThat(Db.scalar(other, "SELECT count(*) FROM t")).isEqualTo(2);
    }
    returning.close();
  }

  @Test
  void statementBatchWithDdlRunsEntryByEntry() throws SQLException {
    try (Statement st = c.createStatement()) {
      st.addBatch("CREATE TABLE x(id INTEGER PRIMARY KEY, v)");
      st.addBatch("INSERT INTO x VALUES (1, 'a')");
      assertThat(st.executeBatch()).containsExactly(0, 1);
    }
    assertThat(transactions(c)).containsExactly(List.of("insert x[1] {id=1, v='a'}"));
  }

  @Test
  void aTransactionSqliteAbortsItselfDoesNotLeaveCaptureStuck() throws SQLException {
    exec(c, "INSERT INTO t VALUES (1, 'one')");
    try (Statement st = c.createStatement()) {
      st.execute("BEGIN");
      st.execute("INSERT INTO t VALUES (2, 'two')");
      assertThatThrownBy(() -> st.execute("INSERT OR ROLLBACK INTO t VALUES (1, 'dup')"))
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> st.execute("ROLLBACK")).isInstanceOf(SQLException.class);
    }
    exec(c, "INSERT INTO t VALUES (3, 'three')");
    assertThat(seq(c)).isEqualTo(2);
    assertThat(transactions(c).get(1)).containsExactly("insert t[3] {id=3, v='three'}");
  }

  @Test
  void committingAReadOnlyTransactionTakesNoWriteLock() throws SQLException {
    exec(c, "INSERT INTO t VALUES (1, 'one')");
    c.setAutoCommit(false);
    Db.scalar(c, "SELECT count(*) FROM t");
    try (Connection other = Db.chora(dir, "a.db")) {
      exec(other, "INSERT INTO t VALUES (2, 'two')");
    }
    c.commit(); // plain sqlite-jdbc commits a read-only snapshot here without trouble
    c.setAutoCommit(true);
    assertThat(seq(c)).isEqualTo(2);
  }

  @Test
  void uniqueIndexesCreatedLaterAndPartialOnesStillCaptureReplaceDeletes() throws SQLException {
    exec(c, "CREATE UNIQUE INDEX t_v ON t(v)", "INSERT INTO t VALUES (1, 'x')");
    exec(c, "INSERT OR REPLACE INTO t VALUES (2, 'x')");
    assertThat(transactions(c).get(1)).containsExactly("delete t[1]", "insert t[2] {id=2, v='x'}");
    exec(
        c,
        "CREATE TABLE p(id INTEGER PRIMARY KEY, u TEXT, active INTEGER)",
        "CREATE UNIQUE INDEX p_u ON p(u) WHERE active = 1",
        "INSERT INTO p VALUES (1, 'k', 1), (2, 'k', 0)");
    exec(c, "INSERT OR REPLACE INTO p VALUES (3, 'k', 1)");
    List<List<String>> txs = transactions(c);
    assertThat(txs.get(txs.size() - 1))
        .containsExactly("delete p[1]", "insert p[3] {id=3, u='k', active=1}");
  }

  @Test
  void dropColumnWorksAndCaptureGoesOn() throws SQLException {
    exec(c, "ALTER TABLE t ADD COLUMN extra TEXT", "INSERT INTO t VALUES (1, 'a', 'e')");
    exec(c, "ALTER TABLE t DROP COLUMN extra");
    exec(c, "UPDATE t SET v = 'b' WHERE id = 1");
    List<List<String>> txs = transactions(c);
    assertThat(txs.get(txs.size() - 1)).containsExactly("update t[1] {v='b'}");
  }

  /** Each statement of a script is followed on its own: the update after the DDL is captured. */
  @Test
  void scriptsMixingTableDdlWithOtherStatementsRunStatementByStatement() throws SQLException {
    exec(c, "INSERT INTO t VALUES (1, 'a')");
    try (Statement st = c.createStatement()) {
      assertThat(st.executeUpdate("ALTER TABLE t ADD COLUMN b; UPDATE t SET b = 'B'")).isOne();
    }
    assertThat(Db.scalar(c, "SELECT count(*) FROM pragma_table_info('t')")).isEqualTo(3);
    List<List<String>> txs = transactions(c);
    assertThat(txs.get(txs.size() - 1)).containsExactly("update t[1] {b='B'}");
  }

  @Test
  void compositeTextKeysWithNulCharactersSurvive() throws SQLException {
    exec(c, "CREATE TABLE k(a TEXT, b INTEGER, v, PRIMARY KEY (a, b))");
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO k VALUES (?, 1, 'v')")) {
      ps.setString(1, "x\u0000y, 'z'");
      ps.executeUpdate();
    }
    List<Object> key = Db.changes(c).get(0).key();
    assertThat(key).containsExactly("x\u0000y, 'z'", 1L);
  }

  @Test
  void transactionControlThroughExecuteUpdateCountsLikeSqliteJdbc() throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("BEGIN");
      st.executeUpdate("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
      st.execute("SAVEPOINT s");
      st.executeUpdate("INSERT INTO t VALUES (3, 'c')");
      assertThat(st.executeUpdate("ROLLBACK TO s")).isZero();
      assertThat(st.executeUpdate("ROLLBACK")).isZero();
    }
  }

  @Test
  void aJdbcSavepointInsideASqlTransactionDoesNotCommitIt() throws SQLException {
    exec(c, "BEGIN", "INSERT INTO t VALUES (1, 'a')");
    Savepoint sp = c.setSavepoint();
    exec(c, "INSERT INTO t VALUES (2, 'b')");
    c.releaseSavepoint(sp);
    exec(c, "INSERT INTO t VALUES (3, 'c')", "COMMIT");
    assertThat(seq(c)).isEqualTo(1);
    assertThat(transactions(c).get(0)).hasSize(3);
  }

  @Test
  void nestedSavepointsWithOneNameMakeOneDot() throws SQLException {
    exec(c, "INSERT INTO t VALUES (1, 'a')");
    exec(c, "SAVEPOINT a", "INSERT INTO t VALUES (4, 'd')", "SAVEPOINT a");
    exec(c, "INSERT INTO t VALUES (5, 'e')", "RELEASE a", "INSERT INTO t VALUES (6, 'f')");
    exec(c, "RELEASE a");
    assertThat(seq(c)).isEqualTo(2);
    assertThat(transactions(c).get(1)).hasSize(3);
  }

  @Test
  void sqlitesOwnErrorMessagesReachTheCaller() throws SQLException {
    exec(
        c,
        "PRAGMA foreign_keys = ON",
        "CREATE TABLE parent(id INTEGER PRIMARY KEY)",
        "CREATE TABLE child(id INTEGER PRIMARY KEY,"
            + " p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)");
    assertThatThrownBy(() -> exec(c, "INSERT INTO child VALUES (1, 99)"))
        .hasMessageContaining("FOREIGN KEY constraint failed");
    assertThat(Db.scalar(c, "SELECT count(*) FROM child")).isZero();
  }

  @Test
  void readOnlyOpensWork() throws SQLException {
    exec(c, "INSERT INTO t VALUES (1, 'a')");
    try (Connection ro = Db.chora(dir, "a.db", "open_mode=1")) {
      assertThat(Db.scalar(ro, "SELECT count(*) FROM t")).isEqualTo(1);
      assertThat(seq(ro)).isEqualTo(1);
    }
    try (Connection plain = Db.sqlite(dir, "never.db")) {
      exec(plain, "CREATE TABLE n(id INTEGER PRIMARY KEY)");
    }
    try (Connection ro = Db.chora(dir, "never.db", "open_mode=1")) {
      assertThat(Db.scalar(ro, "SELECT count(*) FROM n")).isZero();
      assertThatThrownBy(() -> Db.of(ro).clock()).hasMessageContaining("read-only");
    }
  }

  @Test
  void applicationObjectsNamedChoraAreLeftAlone() throws SQLException {
    exec(
        c,
        "CREATE TABLE chora_users(id INTEGER PRIMARY KEY, name TEXT)",
        "CREATE TABLE audit(id INTEGER PRIMARY KEY, what TEXT)",
        "CREATE TRIGGER chora_2fa_audit AFTER INSERT ON chora_users"
            + " BEGIN INSERT INTO audit(what) VALUES (NEW.name); END");
    exec(c, "CREATE TABLE later(id INTEGER PRIMARY KEY)");
    exec(c, "INSERT INTO chora_users VALUES (1, 'ann')");
    assertThat(transactions(c).get(0))
        .containsExactlyInAnyOrder(
            "insert chora_users[1] {id=1, name='ann'}", "insert audit[1] {id=1, what='ann'}");
  }

  @Test
  void openingAnUpToDateDatabaseTakesNoWriteLock() throws SQLException {
    exec(c, "BEGIN IMMEDIATE", "INSERT INTO t VALUES (1, 'held')");
    try (Connection second = Db.chora(dir, "a.db", "busy_timeout=50")) {
      assertThat(Db.scalar(second, "SELECT count(*) FROM t")).isZero();
    }
    exec(c, "COMMIT");
  }

  /**
   * A peer that holds everything costs no write lock, as a set or streamed (chora sync, a hub
   * catching up): another connection's open write transaction does not make it wait or fail.
   */
  @Test
  void changesForAPeerThatHoldsEverythingTakeNoWriteLock() throws Exception {
    exec(c, "INSERT INTO t VALUES (1, 'synced')");
    VectorClock peer = Db.of(c).clock();
    try (Connection writer = Db.chora(dir, "a.db")) {
      exec(writer, "BEGIN IMMEDIATE", "INSERT INTO t VALUES (2, 'not committed')");
      try (Connection reader = Db.chora(dir, "a.db", "busy_timeout=50")) {
        assertThat(Db.of(reader).changesSince(peer).transactions()).isEmpty();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        assertThat(Db.of(reader).changesSince(peer, out)).isZero();
        io.chora.sync.ChangeSet streamed =
            io.chora.sync.ChangeSet.readFrom(new java.io.ByteArrayInputStream(out.toByteArray()));
        assertThat(streamed.transactions()).isEmpty();
        assertThat(streamed.clock()).isEqualTo(peer);
      }
      exec(writer, "COMMIT");
    }
  }

  /** Found through Hibernate: a NULL key (allowed by SQLite off the rowid) broke sync for good. */
  @Test
  void aRowWithoutAKeyIsRefusedAndSyncGoesOn() throws Exception {
    try (Connection c = Db.chora(dir, "nullkey.db")) {
      exec(c, "CREATE TABLE t(id, v TEXT, PRIMARY KEY (id))");
      assertThatThrownBy(() -> exec(c, "INSERT INTO t(v) VALUES ('x')"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("needs a primary key value to be synced");
      exec(c, "INSERT INTO t VALUES (1, 'y')");
      assertThatThrownBy(() -> exec(c, "UPDATE t SET id = NULL WHERE id = 1"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("needs a primary key value");
      assertThat(Db.rows(c, "SELECT * FROM t")).containsExactly("1|y");
      assertThat(Db.of(c).changesSince(new VectorClock()).transactions()).hasSize(1);
    }
  }
}
