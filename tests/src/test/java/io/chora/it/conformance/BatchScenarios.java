package io.chora.it.conformance;

import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

/** Batches of prepared rows and of SQL strings: counts, keys, failures, transactions. */
final class BatchScenarios {
  private BatchScenarios() {}

  private static final String T = StatementScenarios.T;

  static List<Scenario> all() {
    return new Scenarios("batch")
        .add(
            "prepared insert batch",
            r -> {
              r.setup(T);
              try (PreparedStatement ps =
                  r.conn.prepareStatement(
                      "INSERT INTO t(name, n) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 0; i < 3; i++) {
                  ps.setString(1, "b" + i);
                  ps.setInt(2, i);
                  ps.addBatch();
                }
                r.note("counts", ps.executeBatch());
                r.keys(ps, "t");
              }
              r.query("SELECT changes(), total_changes()");
            })
        .add(
            "prepared update batch",
            r -> {
              r.setup(T, "INSERT INTO t(id, n) VALUES (1, 0), (2, 0), (3, 0)");
              try (PreparedStatement ps =
                  r.conn.prepareStatement("UPDATE t SET n = ? WHERE id > ?")) {
                for (int i = 0; i < 4; i++) {
                  ps.setInt(1, i);
                  ps.setInt(2, i);
                  ps.addBatch();
                }
                r.note("counts", ps.executeBatch());
              }
              r.query("SELECT id, n FROM t ORDER BY id");
            })
        .add(
            "prepared batch failing halfway, autocommit",
            r -> {
              r.setup(T, "INSERT INTO t(id, name) VALUES (2, 'taken')");
              try (PreparedStatement ps =
                  r.conn.prepareStatement("INSERT INTO t(id, name) VALUES (?, ?)")) {
                for (int id : new int[] {1, 2, 3}) {
                  ps.setInt(1, id);
                  ps.setString(2, "n" + id);
                  ps.addBatch();
                }
                r.fails("batch", ps::executeBatch);
                r.note("after failure", ps.executeBatch());
              }
              r.query("SELECT id, name FROM t ORDER BY id");
            })
        .add(
            "prepared batch failing in a transaction, then commit",
            r -> {
              r.setup(T, "INSERT INTO t(id, name) VALUES (2, 'taken')");
              r.conn.setAutoCommit(false);
              try (PreparedStatement ps =
                  r.conn.prepareStatement("INSERT INTO t(id, name) VALUES (?, ?)")) {
                for (int id : new int[] {1, 2, 3}) {
                  ps.setInt(1, id);
                  ps.setString(2, "n" + id);
                  ps.addBatch();
                }
                r.fails("batch", ps::executeBatch);
              }
              r.conn.commit();
              r.conn.setAutoCommit(true);
              r.query("SELECT id, name FROM t ORDER BY id");
            })
        .add(
            "prepared batch failing in a transaction, then rollback",
            r -> {
              r.setup(T);
              r.conn.setAutoCommit(false);
              try (PreparedStatement ps =
                  r.conn.prepareStatement("INSERT INTO t(id, name) VALUES (?, ?)")) {
                for (int id : new int[] {1, 1}) {
                  ps.setInt(1, id);
                  ps.setString(2, "n");
                  ps.addBatch();
                }
                r.fails("batch", ps::executeBatch);
              }
              r.conn.rollback();
              r.conn.setAutoCommit(true);
            })
        .add(
            "statement batch of mixed writes",
            r -> {
              r.setup(T, "INSERT INTO t(id, name, n) VALUES (1, 'a', 1), (2, 'b', 2)");
              Statement s = r.st();
              s.addBatch("INSERT INTO t(name, n) VALUES ('c', 3)");
              s.addBatch("UPDATE t SET n = n + 1");
              s.addBatch("DELETE FROM t WHERE id = 1");
              s.addBatch("UPDATE t SET n = 0 WHERE id = 99");
              r.note("counts", s.executeBatch());
              r.query("SELECT name, n FROM t ORDER BY name");
            })
        .add(
            "statement batch failing halfway",
            r -> {
              r.setup(T, "INSERT INTO t(id, name) VALUES (1, 'a')");
              Statement s = r.st();
              s.addBatch("INSERT INTO t(id, name) VALUES (2, 'b')");
              s.addBatch("INSERT INTO t(id, name) VALUES (1, 'dup')");
              s.addBatch("INSERT INTO t(id, name) VALUES (3, 'c')");
              r.fails("batch", s::executeBatch);
              r.note("cleared", s.executeBatch());
              r.query("SELECT id, name FROM t ORDER BY id");
            })
        .add(
            "statement batch with a syntax error",
            r -> {
              r.setup(T);
              Statement s = r.st();
              s.addBatch("INSERT INTO t(name) VALUES ('a')");
              s.addBatch("INSRT INTO t(name) VALUES ('b')");
              r.fails("batch", s::executeBatch);
              r.query("SELECT name FROM t");
            })
        .add(
            "statement batch with table DDL",
            r -> {
              Statement s = r.st();
              s.addBatch("CREATE TABLE b(id INTEGER PRIMARY KEY, v)");
              s.addBatch("INSERT INTO b(v) VALUES ('x'), ('y')");
              s.addBatch("ALTER TABLE b ADD COLUMN w DEFAULT 1");
              s.addBatch("UPDATE b SET w = 2 WHERE v = 'x'");
              r.note("counts", s.executeBatch());
            })
        .add(
            "statement batch with a select",
            r -> {
              r.setup(T);
              Statement s = r.st();
              s.addBatch("INSERT INTO t(name) VALUES ('a')");
              s.addBatch("SELECT * FROM t");
              r.fails("batch", () -> r.note("counts", s.executeBatch()));
            })
        .add(
            "statement batch with transaction control",
            r -> {
              r.setup(T);
              Statement s = r.st();
              s.addBatch("BEGIN");
              s.addBatch("INSERT INTO t(name) VALUES ('a')");
              s.addBatch("INSERT INTO t(name) VALUES ('b')");
              s.addBatch("COMMIT");
              r.fails("batch", () -> r.note("counts", s.executeBatch()));
              r.note("autocommit", r.conn.getAutoCommit());
            })
        .add(
            "statement batch with a script entry",
            r -> {
              r.setup(T);
              Statement s = r.st();
              s.addBatch("INSERT INTO t(name) VALUES ('a'); INSERT INTO t(name) VALUES ('b')");
              s.addBatch("INSERT INTO t(name) VALUES ('c')");
              r.fails("batch", () -> r.note("counts", s.executeBatch()));
              r.query("SELECT name FROM t ORDER BY name");
            })
        .add(
            "empty and cleared batches",
            r -> {
              r.setup(T);
              Statement s = r.st();
              r.note("empty", s.executeBatch());
              s.addBatch("INSERT INTO t(name) VALUES ('a')");
              s.clearBatch();
              r.note("cleared", s.executeBatch());
              try (PreparedStatement ps =
                  r.conn.prepareStatement("INSERT INTO t(name) VALUES (?)")) {
                r.note("prepared empty", ps.executeBatch());
                ps.setString(1, "x");
                ps.addBatch();
                ps.clearBatch();
                r.note("prepared cleared", ps.executeBatch());
              }
            })
        .add(
            "empty prepared batch after a write",
            r -> {
              r.setup(T);
              r.st().executeUpdate("INSERT INTO t(name) VALUES ('a'), ('b')");
              try (PreparedStatement ps =
                  r.conn.prepareStatement("UPDATE t SET n = ? WHERE id = ?")) {
                r.note("empty", ps.executeBatch());
              }
              r.query("SELECT changes(), total_changes()"); // still the INSERT's 2
            })
        .add(
            "large batch in a transaction",
            r -> {
              r.setup(T);
              r.conn.setAutoCommit(false);
              try (PreparedStatement ps =
                  r.conn.prepareStatement("INSERT INTO t(name, n) VALUES (?, ?)")) {
                for (int i = 0; i < 200; i++) {
                  ps.setString(1, "r" + (i % 7));
                  ps.setInt(2, i);
                  ps.addBatch();
                }
                long[] counts = ps.executeLargeBatch();
                r.note("rows", Arrays.stream(counts).sum() + " in " + counts.length);
              }
              r.conn.commit();
              r.conn.setAutoCommit(true);
              r.query("SELECT name, count(*), sum(n) FROM t GROUP BY name ORDER BY name");
            })
        .add(
            "statement batch then prepared batch in one transaction",
            r -> {
              r.setup(T);
              r.conn.setAutoCommit(false);
              Statement s = r.st();
              s.addBatch("INSERT INTO t(id, name) VALUES (1, 'a')");
              s.addBatch("INSERT INTO t(id, name) VALUES (2, 'b')");
              r.note("statement", s.executeBatch());
              try (PreparedStatement ps =
                  r.conn.prepareStatement("UPDATE t SET n = ? WHERE id = ?")) {
                ps.setInt(1, 10);
                ps.setInt(2, 1);
                ps.addBatch();
                ps.setInt(1, 20);
                ps.setInt(2, 2);
                ps.addBatch();
                r.note("prepared", ps.executeBatch());
              }
              r.conn.commit();
              r.conn.setAutoCommit(true);
            })
        .add(
            "prepared batch of upserts and replaces",
            r -> {
              r.setup(T, "INSERT INTO t(id, name, n) VALUES (1, 'a', 1)");
              try (PreparedStatement ps =
                  r.conn.prepareStatement(
                      "INSERT INTO t(id, name, n) VALUES (?, ?, 1) ON CONFLICT(id) DO UPDATE SET"
                          + " n = n + 1")) {
                for (int id : new int[] {1, 2, 1}) {
                  ps.setInt(1, id);
                  ps.setString(2, "u" + id);
                  ps.addBatch();
                }
                r.note("upserts", ps.executeBatch());
              }
              try (PreparedStatement ps =
                  r.conn.prepareStatement("REPLACE INTO t(id, name) VALUES (?, ?)")) {
                ps.setInt(1, 2);
                ps.setString(2, "r2");
                ps.addBatch();
                ps.setNull(1, java.sql.Types.INTEGER);
                ps.setString(2, "r-new");
                ps.addBatch();
                r.note("replaces", ps.executeBatch());
              }
            })
        .list();
  }
}
