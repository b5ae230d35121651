package io.chora.it.conformance;

import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;

/**
 * Multi-statement strings. sqlite-jdbc runs all of one through {@code executeUpdate} (SQLite's
 * {@code sqlite3_exec}, each statement in autocommit unless the string opens a transaction) and
 * counts the rows they changed together; {@code execute}, {@code executeQuery}, a prepared
 * statement and a batch entry run its first statement only.
 */
final class ScriptScenarios {
  private ScriptScenarios() {}

  private static final String T = StatementScenarios.T;

  /** The script through executeUpdate, with listeners on, then what it left. */
  private static Scenario.Body script(String... setupThenScript) {
    return r -> {
      for (int i = 0; i < setupThenScript.length - 1; i++) {
        r.setup(setupThenScript[i]);
      }
      Events events = Events.on(r);
      r.fails("script", () -> r.update(setupThenScript[setupThenScript.length - 1]));
      events.stop();
      r.note("autocommit", r.conn.getAutoCommit());
      r.fails("a write after it", () -> r.update("INSERT INTO t(name) VALUES ('after')"));
    };
  }

  static List<Scenario> all() {
    return new Scenarios("script")
        .add(
            "inserts",
            script(T, "INSERT INTO t(name) VALUES ('a'); INSERT INTO t(name) VALUES ('b'), ('c');"))
        .add(
            "writes of each kind",
            script(
                T,
                "INSERT INTO t(id, name, n) VALUES (1, 'a', 1), (2, 'b', 2);"
                    + " UPDATE t SET n = n + 1; DELETE FROM t WHERE id = 1;"
                    + " INSERT INTO t(id, name) VALUES (2, 'x') ON CONFLICT(id) DO UPDATE SET"
                    + " name = 'upserted'"))
        .add(
            "create table then insert",
            script(
                T,
                "CREATE TABLE s(id INTEGER PRIMARY KEY, v TEXT);"
                    + " INSERT INTO s(v) VALUES ('one'), ('two');"
                    + " CREATE INDEX s_v ON s(v); INSERT INTO t(name) SELECT v FROM s"))
        .add(
            "a migration",
            script(
                T,
                "INSERT INTO t(id, name, n) VALUES (1, 'a', 1);"
                    + " ALTER TABLE t ADD COLUMN note TEXT DEFAULT 'n';"
                    + " UPDATE t SET note = name || '!';"
                    + " ALTER TABLE t RENAME COLUMN note TO remark;"
                    + " INSERT INTO t(id, name, remark) VALUES (2, 'b', 'r');"
                    + " CREATE TABLE t2(id INTEGER PRIMARY KEY, name TEXT, n INTEGER, remark TEXT);"
                    + " INSERT INTO t2 SELECT * FROM t; DROP TABLE t; ALTER TABLE t2 RENAME TO t;"
                    + " UPDATE t SET n = 5"))
        .add(
            "begin and commit inside",
            script(
                T,
                "BEGIN; INSERT INTO t(name) VALUES ('a'); INSERT INTO t(name) VALUES ('b');"
                    + " COMMIT; INSERT INTO t(name) VALUES ('c')"))
        .add(
            "begin and rollback inside",
            script(
                T,
                "INSERT INTO t(name) VALUES ('kept'); BEGIN; INSERT INTO t(name) VALUES ('gone');"
                    + " ROLLBACK; INSERT INTO t(name) VALUES ('kept too')"))
        .add(
            "savepoints inside",
            script(
                T,
                "SAVEPOINT a; INSERT INTO t(id, name) VALUES (1, 'a'); SAVEPOINT b;"
                    + " INSERT INTO t(id, name) VALUES (2, 'b'); ROLLBACK TO b; RELEASE b;"
                    + " INSERT INTO t(id, name) VALUES (3, 'c'); RELEASE a"))
        .add(
            "DDL inside a transaction inside",
            script(
                T,
                "BEGIN IMMEDIATE; CREATE TABLE s(id INTEGER PRIMARY KEY, v);"
                    + " INSERT INTO s(v) VALUES (1); ALTER TABLE s ADD COLUMN w DEFAULT 2;"
                    + " INSERT INTO s(v, w) VALUES (3, 4); END"))
        .add(
            "a transaction left open",
            r -> {
              r.setup(T);
              Events events = Events.on(r);
              r.update("BEGIN; INSERT INTO t(name) VALUES ('open')");
              r.note("autocommit", r.conn.getAutoCommit());
              r.update("INSERT INTO t(name) VALUES ('inside')");
              r.execute("COMMIT");
              events.stop();
            })
        .add(
            "a transaction left open, rolled back",
            r -> {
              r.setup(T);
              r.update("BEGIN; INSERT INTO t(name) VALUES ('open')");
              r.execute("ROLLBACK");
            })
        .add(
            "inside a JDBC transaction",
            r -> {
              r.setup(T);
              Events events = Events.on(r);
              r.conn.setAutoCommit(false);
              r.update(
                  "INSERT INTO t(name) VALUES ('a'); CREATE TABLE s(id INTEGER PRIMARY KEY);"
                      + " INSERT INTO s VALUES (1)");
              r.update("SAVEPOINT x; INSERT INTO t(name) VALUES ('b'); ROLLBACK TO x; RELEASE x");
              r.conn.commit();
              r.conn.setAutoCommit(true);
              events.stop();
            })
        .add(
            "inside a JDBC transaction, rolled back",
            r -> {
              r.setup(T);
              r.conn.setAutoCommit(false);
              r.update("INSERT INTO t(name) VALUES ('a'); CREATE TABLE s(id INTEGER PRIMARY KEY)");
              r.conn.rollback();
              r.conn.setAutoCommit(true);
            })
        .add(
            "a failing statement halfway",
            script(
                T,
                "INSERT INTO t(id, name) VALUES (1, 'a'); INSERT INTO t(id, name) VALUES (1, 'dup');"
                    + " INSERT INTO t(id, name) VALUES (3, 'c')"))
        .add(
            "a syntax error halfway",
            script(T, "INSERT INTO t(name) VALUES ('a'); INSRT INTO t(name) VALUES ('b')"))
        .add(
            "a failure inside its transaction",
            script(
                T,
                "BEGIN; INSERT INTO t(id, name) VALUES (1, 'a'); INSERT INTO t(id) VALUES (1);"
                    + " COMMIT"))
        .add(
            "a failure after DDL",
            script(
                T,
                "CREATE TABLE s(id INTEGER PRIMARY KEY, v NOT NULL); INSERT INTO s(v) VALUES (1);"
                    + " INSERT INTO s(v) VALUES (NULL); INSERT INTO s(v) VALUES (2)"))
        .add("reads only", script(T, "SELECT 1; SELECT * FROM t; PRAGMA user_version"))
        .add(
            "reads and writes",
            script(T, "SELECT 1; INSERT INTO t(name) VALUES ('a'); SELECT count(*) FROM t"))
        .add(
            "triggers with semicolons",
            script(
                T,
                "CREATE TABLE log(id INTEGER PRIMARY KEY, what TEXT);"
                    + " CREATE TRIGGER t_log AFTER INSERT ON t BEGIN"
                    + " INSERT INTO log(what) VALUES (new.name); UPDATE log SET what = what || ';';"
                    + " END; INSERT INTO t(name) VALUES ('a;b'), ('c')"))
        .add(
            "comments, quotes and empty statements",
            script(
                T,
                "-- first\n INSERT INTO t(name) VALUES ('x;y'); ;; /* ; */"
                    + " INSERT INTO \"t\"(name) VALUES ('--'); -- last;"))
        .add(
            "drop and recreate",
            script(
                T,
                "INSERT INTO t(name) VALUES ('a'); DROP TABLE t;"
                    + " CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, n INTEGER);"
                    + " INSERT INTO t(name) VALUES ('b')"))
        .add(
            "pragma and attach inside",
            r -> {
              r.setup(T);
              String other = r.url("").replaceFirst("^jdbc:[a-z]+:", "") + ".other";
              r.update(
                  "PRAGMA user_version = 3; ATTACH '"
                      + other
                      + "' AS o;"
                      + " CREATE TABLE o.x(v); INSERT INTO o.x VALUES (1); DETACH o;"
                      + " INSERT INTO t(name) VALUES ('a')");
              r.query("PRAGMA user_version");
            })
        .add(
            "generated keys after a script",
            r -> {
              r.setup(T);
              Statement s = r.conn.createStatement();
              s.executeUpdate("INSERT INTO t(name) VALUES ('a'); INSERT INTO t(name) VALUES ('b')");
              r.keys(s, "t");
              r.note("last", r.rowOf("t", r.scalar("SELECT last_insert_rowid()")));
              s.close();
            })
        .add(
            "execute runs the first statement",
            r -> {
              r.setup(T);
              r.execute("INSERT INTO t(name) VALUES ('a'); INSERT INTO t(name) VALUES ('b')");
              r.execute("SELECT name FROM t; INSERT INTO t(name) VALUES ('c')");
              r.execute("CREATE TABLE s(id INTEGER PRIMARY KEY); INSERT INTO s VALUES (1)");
              r.execute("BEGIN; INSERT INTO t(name) VALUES ('d'); COMMIT");
              r.note("autocommit", r.conn.getAutoCommit());
              r.execute("COMMIT; INSERT INTO t(name) VALUES ('e')");
            })
        .add(
            "executeQuery runs the first statement",
            r -> {
              r.setup(T);
              r.query("SELECT 1 AS one; INSERT INTO t(name) VALUES ('a')");
              r.fails(
                  "write first",
                  () -> r.st().executeQuery("INSERT INTO t(name) VALUES ('b'); SELECT 2"));
            })
        .add(
            "prepared statement of a script",
            r -> {
              r.setup(T);
              try (PreparedStatement ps =
                  r.conn.prepareStatement(
                      "INSERT INTO t(name) VALUES (?); INSERT INTO t(name) VALUES ('tail')")) {
                ps.setString(1, "a");
                r.note("update", ps.executeUpdate());
              }
              try (PreparedStatement ps =
                  r.conn.prepareStatement("CREATE TABLE s(id INTEGER PRIMARY KEY); BEGIN")) {
                r.note("update", ps.executeUpdate());
              }
              r.note("autocommit", r.conn.getAutoCommit());
            })
        .list();
  }
}
