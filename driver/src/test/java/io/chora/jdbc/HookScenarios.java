package io.chora.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteUpdateListener;

/**
 * What sqlite-jdbc's hooks and {@code total_changes()} show an application, step by step, for
 * {@link ParityTest}: every update event (rows as the order they were inserted in, since java
 * mode's generated keys differ from plain SQLite's), every commit and rollback event, and {@code
 * total_changes()} after each step.
 */
final class HookScenarios {
  private HookScenarios() {}

  /** Records events as lines; its rowids are numbered per table in order of appearance. */
  private static final class Recorder implements SQLiteUpdateListener, SQLiteCommitListener {
    final List<String> seen = new ArrayList<>();
    private final Map<String, Map<Long, Integer>> rows = new HashMap<>();
    private int inserted;

    @Override
    public synchronized void onUpdate(Type type, String database, String table, long rowId) {
      Map<Long, Integer> numbers = rows.computeIfAbsent(table, t -> new HashMap<>());
      if (type
          == Type.INSERT) { // a new row, also where SQLite gives a rolled back row's rowid again
        numbers.put(rowId, inserted++);
      }
      seen.add(type + " " + table + " #" + numbers.get(rowId));
    }

    @Override
    public synchronized void onCommit() {
      seen.add("commit");
    }

    @Override
    public synchronized void onRollback() {
      seen.add("rollback");
    }

    private boolean totals = true;

    synchronized void step(String name, Statement st) throws SQLException {
      seen.add(
          "-- " + name + (totals ? ": total_changes " + one(st, "SELECT total_changes()") : ""));
    }
  }

  /**
   * The listeners' view of autocommit writes, multi-row statements, transactions committed and
   * rolled back, savepoints, batches, generated keys, RETURNING, a counter's increment, the app's
   * own trigger and a failed write. {@code commits}: register a commit listener too (native mode
   * refuses one: cr-sqlite needs SQLite's commit hook); {@code allTotals}: note {@code
   * total_changes()} after the RETURNING and the app's trigger too (native mode cannot count their
   * rows: known-limits.md).
   */
  static List<String> events(Connection c, boolean commits, boolean allTotals) throws SQLException {
    Recorder r = new Recorder();
    SQLiteConnection sqlite = c.unwrap(SQLiteConnection.class);
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY NOT NULL, name TEXT, n INTEGER DEFAULT 0)");
      st.execute("CREATE TABLE audit(id INTEGER PRIMARY KEY NOT NULL, what TEXT)");
      r.step("schema", st);
      sqlite.addUpdateListener(r);
      if (commits) {
        sqlite.addCommitListener(r);
      }
      st.executeUpdate("INSERT INTO t(name) VALUES ('a')");
      r.step("autocommit insert", st);
      // explicit keys from here on where a statement visits several rows: java mode's generated
      // keys come from the replica's block, so their order is not plain SQLite's
      st.executeUpdate("INSERT INTO t(id, name) VALUES (10, 'b'), (20, 'c'), (30, 'd')");
      r.step("multi-row insert", st);
      st.execute("UPDATE t SET name = name || '!' WHERE name IN ('b', 'c')");
      r.step("update through execute", st);
      st.executeUpdate("DELETE FROM t WHERE name = 'd'");
      r.step("delete", st);
      st.executeUpdate("UPDATE t SET n = n + 1 WHERE id IN (10, 20, 30)");
      r.step("increment", st);
      c.setAutoCommit(false);
      st.executeUpdate("INSERT INTO t(name) VALUES ('e')");
      st.executeUpdate("UPDATE t SET n = n + 1 WHERE name = 'e'");
      c.commit();
      r.step("transaction committed", st);
      st.executeUpdate("INSERT INTO t(name) VALUES ('f')");
      c.rollback();
      r.step("transaction rolled back", st);
      st.addBatch("UPDATE t SET n = n + 1 WHERE id IN (10, 20)");
      st.addBatch("INSERT INTO t(id, name) VALUES (40, 'n')");
      st.executeBatch();
      c.commit();
      r.step("statement batch in a transaction", st);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t(id, name) VALUES (?, ?)")) {
        for (int id = 50; id <= 52; id++) {
          ps.setInt(1, id);
          ps.setString(2, "k" + id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
      r.step("prepared batch in a transaction", st);
      c.setAutoCommit(true);
      st.execute("BEGIN");
      st.executeUpdate("INSERT INTO t(name) VALUES ('g')");
      st.execute("SAVEPOINT inner_one");
      st.executeUpdate("INSERT INTO t(name) VALUES ('h')");
      st.execute("ROLLBACK TO inner_one");
      st.execute("RELEASE inner_one");
      st.execute("COMMIT");
      r.step("savepoint rolled back inside BEGIN ... COMMIT", st);
      st.execute("SAVEPOINT outer_one");
      st.executeUpdate("INSERT INTO t(name) VALUES ('i')");
      st.execute("RELEASE outer_one");
      r.step("savepoint as the transaction", st);
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO t(name) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, "j");
        ps.executeUpdate();
        r.step("prepared insert with generated keys", st);
      }
      try {
        st.executeUpdate("INSERT INTO t(id, name) VALUES (" + idOf(st, "a") + ", 'dup')");
      } catch (SQLException expected) {
        r.seen.add("refused " + expected.getErrorCode());
      }
      r.step("failed autocommit insert", st);
      try {
        st.execute("CREATE TABLE t(x)");
      } catch (SQLException expected) {
        r.seen.add("refused " + expected.getErrorCode());
      }
      r.step("failed table DDL", st);
      st.executeUpdate("DELETE FROM t WHERE id IN (10, 20, 30, 40, 50, 51, 52) AND n >= 1");
      r.step("delete several", st);
      r.totals = allTotals; // native mode's total leaves out the rows of what follows
      try (ResultSet rs = st.executeQuery("INSERT INTO t(name) VALUES ('o') RETURNING id")) {
        rs.next();
      }
      r.step("insert returning", st);
      st.execute(
          "CREATE TRIGGER t_audit AFTER UPDATE OF name ON t"
              + " BEGIN INSERT INTO audit(what) VALUES (new.name); END");
      st.executeUpdate("UPDATE t SET name = name || '?' WHERE id IN (50, 51)");
      r.step("the app's own trigger", st);
      sqlite.removeUpdateListener(r);
      if (commits) {
        sqlite.removeCommitListener(r);
      }
      st.executeUpdate("INSERT INTO t(name) VALUES ('unheard')");
      r.step("listeners removed", st);
    }
    return r.seen;
  }

  private static long idOf(Statement st, String name) throws SQLException {
    return one(st, "SELECT id FROM t WHERE name = '" + name + "'");
  }

  private static long one(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
