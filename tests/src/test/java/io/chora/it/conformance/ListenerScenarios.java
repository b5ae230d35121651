package io.chora.it.conformance;

import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;

/** Update, commit and rollback listeners ({@code SQLiteConnection#addUpdateListener} etc.). */
final class ListenerScenarios {
  private ListenerScenarios() {}

  private static final String T = StatementScenarios.T;

  /** Each scenario: the setup runs unheard, then {@code body} with listeners on. */
  private static Scenario.Body heard(String[] setup, Scenario.Body body) {
    return r -> {
      r.setup(setup);
      Events events = Events.on(r);
      body.on(r);
      events.stop();
    };
  }

  private static Scenario.Body heard(Scenario.Body body) {
    return heard(
        new String[] {T, "INSERT INTO t(id, name, n) VALUES (1, 'a', 1), (2, 'b', 2)"}, body);
  }

  static List<Scenario> all() {
    return new Scenarios("listener")
        .add("autocommit insert", heard(r -> r.update("INSERT INTO t(name) VALUES ('c')")))
        .add(
            "multi-row insert, update, delete",
            heard(
                r -> {
                  r.update("INSERT INTO t(id, name) VALUES (10, 'x'), (11, 'y')");
                  r.update("UPDATE t SET n = 5 WHERE id > 1");
                  r.update("DELETE FROM t WHERE id = 10");
                }))
        .add("update of no row", heard(r -> r.update("UPDATE t SET n = 0 WHERE id = 99")))
        .add(
            "transaction committed",
            heard(
                r -> {
                  r.conn.setAutoCommit(false);
                  r.update("INSERT INTO t(name) VALUES ('c')");
                  r.update("UPDATE t SET n = 9 WHERE id = 1");
                  r.conn.commit();
                  r.conn.setAutoCommit(true);
                }))
        .add(
            "transaction rolled back",
            heard(
                r -> {
                  r.conn.setAutoCommit(false);
                  r.update("INSERT INTO t(name) VALUES ('c')");
                  r.conn.rollback();
                  r.conn.setAutoCommit(true);
                }))
        .add(
            "SQL transaction and savepoints",
            heard(
                r -> {
                  r.execute("BEGIN");
                  r.update("INSERT INTO t(id, name) VALUES (3, 'c')");
                  r.execute("SAVEPOINT s");
                  r.update("INSERT INTO t(id, name) VALUES (4, 'd')");
                  r.execute("ROLLBACK TO s");
                  r.execute("RELEASE s");
                  r.execute("COMMIT");
                  r.execute("SAVEPOINT alone");
                  r.update("DELETE FROM t WHERE id = 3");
                  r.execute("RELEASE alone");
                  r.execute("BEGIN");
                  r.update("DELETE FROM t WHERE id = 1");
                  r.execute("ROLLBACK");
                }))
        .add(
            "failed autocommit write",
            heard(r -> r.fails("dup", () -> r.st().executeUpdate("INSERT INTO t(id) VALUES (1)"))))
        .add(
            "failed write halfway through its rows",
            heard(
                r ->
                    r.fails(
                        "dup",
                        () -> r.st().executeUpdate("INSERT INTO t(id) VALUES (5), (6), (1)"))))
        .add(
            "failed table DDL",
            heard(r -> r.fails("exists", () -> r.st().execute("CREATE TABLE t(x)"))))
        .add(
            "table DDL",
            heard(
                r -> {
                  r.update("CREATE TABLE x(id INTEGER PRIMARY KEY, v)");
                  r.update("INSERT INTO x(v) VALUES ('a')");
                  r.update("ALTER TABLE x ADD COLUMN w");
                  r.update("DROP TABLE x");
                }))
        .add(
            "autocommit statement batch",
            heard(
                r -> {
                  Statement s = r.st();
                  s.addBatch("INSERT INTO t(id, name) VALUES (3, 'c')");
                  s.addBatch("UPDATE t SET n = 0");
                  r.note("counts", s.executeBatch());
                }))
        .add(
            "autocommit prepared batch",
            heard(
                r -> {
                  try (PreparedStatement ps =
                      r.conn.prepareStatement("INSERT INTO t(id, name) VALUES (?, 'p')")) {
                    ps.setInt(1, 3);
                    ps.addBatch();
                    ps.setInt(1, 4);
                    ps.addBatch();
                    r.note("counts", ps.executeBatch());
                  }
                }))
        .add(
            "batch in a transaction",
            heard(
                r -> {
                  r.conn.setAutoCommit(false);
                  try (PreparedStatement ps =
                      r.conn.prepareStatement("INSERT INTO t(id, name) VALUES (?, 'p')")) {
                    ps.setInt(1, 3);
                    ps.addBatch();
                    ps.setInt(1, 4);
                    ps.addBatch();
                    r.note("counts", ps.executeBatch());
                  }
                  r.conn.commit();
                  r.conn.setAutoCommit(true);
                }))
        .add("delete of every row", heard(r -> r.update("DELETE FROM t")))
        .add(
            "replace and upsert",
            heard(
                r -> {
                  r.update("REPLACE INTO t(id, name) VALUES (1, 'r')");
                  r.update(
                      "INSERT INTO t(id, name) VALUES (2, 'u') ON CONFLICT(id) DO UPDATE SET n = 7");
                }))
        .add(
            "returning",
            heard(
                r -> {
                  r.query("INSERT INTO t(id, name) VALUES (7, 'r') RETURNING id");
                  r.query("SELECT count(*) FROM t");
                }))
        .add(
            "the application's trigger and a cascade",
            heard(
                new String[] {
                  "PRAGMA foreign_keys = ON",
                  "CREATE TABLE p(id INTEGER PRIMARY KEY, v)",
                  "CREATE TABLE c(id INTEGER PRIMARY KEY, p REFERENCES p(id) ON DELETE CASCADE)",
                  "CREATE TABLE log(id INTEGER PRIMARY KEY, what)",
                  "CREATE TRIGGER p_log AFTER UPDATE ON p BEGIN"
                      + " INSERT INTO log(id, what) VALUES (new.id, new.v); END",
                  "INSERT INTO p VALUES (1, 'a')",
                  "INSERT INTO c VALUES (1, 1), (2, 1)"
                },
                r -> {
                  r.update("UPDATE p SET v = 'b'");
                  r.update("DELETE FROM p");
                }))
        .add(
            "table without a primary key",
            heard(
                new String[] {"CREATE TABLE loose(a, b)"},
                r -> {
                  r.update("INSERT INTO loose VALUES (1, 2)");
                  r.update("UPDATE loose SET b = 3");
                }))
        .add(
            "listener removed",
            r -> {
              r.setup(T);
              Events events = Events.on(r);
              r.update("INSERT INTO t(name) VALUES ('heard')");
              events.stop();
              r.update("INSERT INTO t(name) VALUES ('not heard')");
            })
        .add(
            "two listeners",
            r -> {
              r.setup(T);
              Events one = Events.on(r);
              Events two = Events.on(r);
              r.update("INSERT INTO t(name) VALUES ('twice')");
              one.stop();
              r.update("INSERT INTO t(name) VALUES ('once')");
              two.stop();
            })
        .add(
            "rollback of a failed deferred constraint",
            heard(
                new String[] {
                  "PRAGMA foreign_keys = ON",
                  "CREATE TABLE p(id INTEGER PRIMARY KEY)",
                  "CREATE TABLE c(id INTEGER PRIMARY KEY,"
                      + " p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)"
                },
                r -> {
                  r.fails("orphan", () -> r.st().executeUpdate("INSERT INTO c VALUES (1, 5)"));
                  r.query("SELECT count(*) FROM c");
                }))
        .list();
  }
}
