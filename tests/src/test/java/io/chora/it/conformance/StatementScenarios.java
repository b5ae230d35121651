package io.chora.it.conformance;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/** Plain {@code Statement}s: writes of every form, their counts, results and keys. */
final class StatementScenarios {
  private StatementScenarios() {}

  static final String T = "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, n INTEGER)";

  static List<Scenario> all() {
    return new Scenarios("statement")
        .add(
            "autocommit insert",
            r -> {
              r.setup(T);
              r.update("INSERT INTO t(name, n) VALUES ('a', 1)");
              r.note("update count", r.st().getUpdateCount());
              r.note("last row", r.rowOf("t", r.scalar("SELECT last_insert_rowid()")));
              r.query("SELECT changes(), total_changes()");
            })
        .add(
            "multi-row insert",
            r -> {
              r.setup(T);
              r.update("INSERT INTO t(name, n) VALUES ('a', 1), ('b', 2), ('c', 3)");
              r.note("last row", r.rowOf("t", r.scalar("SELECT last_insert_rowid()")));
              r.query("SELECT changes()");
            })
        .add(
            "insert with explicit keys",
            r -> {
              r.setup(T);
              r.update("INSERT INTO t(id, name) VALUES (5, 'a'), (7, 'b')");
              r.query("SELECT id, name, last_insert_rowid() FROM t ORDER BY id");
            })
        .add(
            "insert with a NULL key",
            r -> {
              r.setup(T);
              r.update("INSERT INTO t(id, name) VALUES (NULL, 'a')");
              r.query("SELECT count(*) FROM t WHERE id IS NOT NULL");
            })
        .add(
            "insert default values",
            r -> {
              r.setup("CREATE TABLE d(id INTEGER PRIMARY KEY, v TEXT DEFAULT 'x', w DEFAULT 3)");
              r.update("INSERT INTO d DEFAULT VALUES");
              r.update("INSERT INTO d DEFAULT VALUES");
            })
        .add(
            "update every row and none",
            r -> {
              r.setup(T, "INSERT INTO t(name, n) VALUES ('a', 1), ('b', 2)");
              r.update("UPDATE t SET n = n * 10");
              r.update("UPDATE t SET n = 0 WHERE name = 'zz'");
              r.query("SELECT changes()");
            })
        .add(
            "delete with and without where",
            r -> {
              r.setup(T, "INSERT INTO t(name, n) VALUES ('a', 1), ('b', 2), ('c', 3)");
              r.update("DELETE FROM t WHERE n = 2");
              r.update("DELETE FROM t");
              r.query("SELECT changes(), total_changes()");
            })
        .add(
            "insert select",
            r -> {
              r.setup(T, "INSERT INTO t(name, n) VALUES ('a', 1), ('b', 2)");
              r.update("INSERT INTO t(name, n) SELECT name || '2', n + 10 FROM t");
              r.query("SELECT name, n FROM t ORDER BY name");
            })
        .add(
            "replace over an existing key",
            r -> {
              r.setup(T, "INSERT INTO t(id, name) VALUES (1, 'a')");
              r.update("REPLACE INTO t(id, name) VALUES (1, 'b')");
              r.update("INSERT OR REPLACE INTO t(id, name) VALUES (2, 'c')");
              r.query("SELECT id, name FROM t ORDER BY id");
            })
        .add(
            "upsert do update and do nothing",
            r -> {
              r.setup(T, "INSERT INTO t(id, name, n) VALUES (1, 'a', 1)");
              r.update(
                  "INSERT INTO t(id, name, n) VALUES (1, 'x', 5)"
                      + " ON CONFLICT(id) DO UPDATE SET n = n + excluded.n");
              r.update("INSERT INTO t(id, name) VALUES (1, 'y') ON CONFLICT DO NOTHING");
              r.update("INSERT OR IGNORE INTO t(id, name) VALUES (1, 'z')");
              r.query("SELECT id, name, n FROM t");
            })
        .add(
            "insert returning through executeQuery",
            r -> {
              r.setup(T);
              r.query("INSERT INTO t(name, n) VALUES ('a', 1), ('b', 2) RETURNING name, n * 2");
              r.query("SELECT count(*) FROM t");
            })
        .add(
            "insert returning through execute",
            r -> {
              r.setup(T);
              r.execute("INSERT INTO t(name, n) VALUES ('a', 1) RETURNING n");
              r.query("SELECT count(*), changes() FROM t");
            })
        .add(
            "update and delete returning",
            r -> {
              r.setup(T, "INSERT INTO t(id, name, n) VALUES (1, 'a', 1), (2, 'b', 2)");
              r.query("UPDATE t SET n = n + 1 RETURNING id, n");
              r.query("DELETE FROM t WHERE id = 1 RETURNING name");
              r.query("SELECT id, n FROM t");
            })
        .add(
            "returning read halfway then closed",
            r -> {
              r.setup(T);
              try (Statement s = r.conn.createStatement();
                  ResultSet rs =
                      s.executeQuery("INSERT INTO t(name) VALUES ('a'), ('b') RETURNING name")) {
                rs.next();
                r.note("first", rs.getString(1));
              }
              r.query("SELECT name FROM t ORDER BY name");
            })
        .add(
            "execute of a select and of a write",
            r -> {
              r.setup(T, "INSERT INTO t(id, name) VALUES (1, 'a')");
              r.execute("SELECT id, name FROM t");
              r.execute("UPDATE t SET name = 'b'");
              r.execute("DELETE FROM t WHERE id = 99");
            })
        .add(
            "executeQuery of a write",
            r -> {
              r.setup(T);
              r.fails("query", () -> r.st().executeQuery("INSERT INTO t(name) VALUES ('a')"));
              r.query("SELECT count(*) FROM t");
            })
        .add(
            "executeUpdate of a select",
            r -> {
              r.setup(T, "INSERT INTO t(name) VALUES ('a')");
              r.update("SELECT * FROM t");
              r.note("update count", r.st().getUpdateCount());
            })
        .add(
            "executeLargeUpdate",
            r -> {
              r.setup(T, "INSERT INTO t(name) VALUES ('a'), ('b')");
              r.note("large", r.st().executeLargeUpdate("UPDATE t SET n = 1"));
              r.note("large count", r.st().getLargeUpdateCount());
            })
        .add(
            "with clause write",
            r -> {
              r.setup(T);
              r.update(
                  "WITH RECURSIVE k(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM k WHERE x < 5)"
                      + " INSERT INTO t(name, n) SELECT 'k' || x, x FROM k");
              r.query("SELECT sum(n), count(*) FROM t");
            })
        .add(
            "table without a primary key",
            r -> {
              r.setup("CREATE TABLE loose(a, b)");
              r.update("INSERT INTO loose VALUES (1, 'x'), (2, 'y')");
              r.update("UPDATE loose SET b = b || b");
              r.update("DELETE FROM loose WHERE a = 1");
              r.query("SELECT rowid, a, b FROM loose");
            })
        .add(
            "without rowid table",
            r -> {
              r.setup("CREATE TABLE w(k TEXT PRIMARY KEY, v) WITHOUT ROWID");
              r.update("INSERT INTO w VALUES ('a', 1), ('b', 2)");
              r.update("UPDATE w SET v = v + 1 WHERE k = 'a'");
              r.update("INSERT INTO w VALUES ('a', 9) ON CONFLICT(k) DO UPDATE SET v = 0");
              r.query("SELECT * FROM w ORDER BY k");
            })
        .add(
            "text and composite keys",
            r -> {
              r.setup(
                  "CREATE TABLE tk(k TEXT PRIMARY KEY, v)",
                  "CREATE TABLE ck(a INTEGER, b TEXT, v, PRIMARY KEY (a, b))");
              r.update("INSERT INTO tk VALUES ('x', 1), ('y', 2)");
              r.update("INSERT INTO ck VALUES (1, 'a', 1), (1, 'b', 2)");
              r.update("UPDATE ck SET v = v * 3 WHERE a = 1");
              r.update("UPDATE tk SET k = 'z' WHERE k = 'x'");
              r.query("SELECT rowid, * FROM tk ORDER BY k");
            })
        .add(
            "autoincrement table",
            r -> {
              r.setup("CREATE TABLE ai(id INTEGER PRIMARY KEY AUTOINCREMENT, v)");
              r.update("INSERT INTO ai(v) VALUES ('a'), ('b')");
              r.update("DELETE FROM ai WHERE v = 'b'");
              r.update("INSERT INTO ai(v) VALUES ('c')");
              r.query("SELECT count(*) FROM sqlite_sequence WHERE name = 'ai'");
            })
        .add(
            "the application's own trigger",
            r -> {
              r.setup(
                  T,
                  "CREATE TABLE audit(id INTEGER PRIMARY KEY, what TEXT)",
                  "CREATE TRIGGER t_audit AFTER INSERT ON t BEGIN"
                      + " INSERT INTO audit(what) VALUES ('added ' || new.name); END");
              r.update("INSERT INTO t(name) VALUES ('a'), ('b')");
              r.query("SELECT changes(), total_changes()");
              r.query("SELECT what FROM audit ORDER BY what");
            })
        .add(
            "foreign key cascade",
            r -> {
              r.setup(
                  "PRAGMA foreign_keys = ON",
                  "CREATE TABLE p(id INTEGER PRIMARY KEY, v)",
                  "CREATE TABLE c(id INTEGER PRIMARY KEY,"
                      + " p INTEGER REFERENCES p(id) ON DELETE CASCADE, v)",
                  "INSERT INTO p VALUES (1, 'a'), (2, 'b')",
                  "INSERT INTO c VALUES (10, 1, 'x'), (11, 1, 'y'), (12, 2, 'z')");
              r.update("DELETE FROM p WHERE id = 1");
              r.query("SELECT changes(), total_changes()");
              r.query("SELECT id FROM c");
            })
        .add(
            "generated keys of a statement",
            r -> {
              r.setup(T);
              Statement s = r.conn.createStatement();
              r.note(
                  "update",
                  s.executeUpdate(
                      "INSERT INTO t(name) VALUES ('a')", Statement.RETURN_GENERATED_KEYS));
              r.keys(s, "t");
              s.executeUpdate("UPDATE t SET n = 5");
              r.keys(s, "t");
              s.close();
            })
        .add(
            "generated keys after execute",
            r -> {
              r.setup(T);
              Statement s = r.conn.createStatement();
              r.note("execute", s.execute("INSERT INTO t(name) VALUES ('b')"));
              r.keys(s, "t");
              s.close();
            })
        .add(
            "max rows",
            r -> {
              r.setup(T, "INSERT INTO t(id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
              r.st().setMaxRows(2);
              r.query("SELECT id FROM t ORDER BY id");
              r.note("max rows", r.st().getMaxRows());
            })
        .add(
            "a closed statement",
            r -> {
              Statement s = r.conn.createStatement();
              s.close();
              r.note("closed", s.isClosed());
              r.fails("execute", () -> s.execute("SELECT 1"));
              r.fails("update", () -> s.executeUpdate("CREATE TABLE x(a)"));
            })
        .add(
            "temporary table",
            r -> {
              r.setup("CREATE TEMP TABLE tt(id INTEGER PRIMARY KEY, v)");
              r.update("INSERT INTO tt(v) VALUES ('a'), ('b')");
              r.update("UPDATE tt SET v = 'c'");
              r.query("SELECT v FROM tt");
              r.query("SELECT count(*) FROM sqlite_temp_master WHERE name = 'tt'");
            })
        .add(
            "view, index and drops",
            r -> {
              r.setup(T, "INSERT INTO t(name, n) VALUES ('a', 1), ('b', 2)");
              r.execute("CREATE VIEW big AS SELECT name FROM t WHERE n > 1");
              r.query("SELECT * FROM big");
              r.execute("CREATE UNIQUE INDEX t_name ON t(name)");
              r.fails("duplicate", () -> r.st().executeUpdate("INSERT INTO t(name) VALUES ('a')"));
              r.execute("DROP INDEX t_name");
              r.update("INSERT INTO t(name) VALUES ('a')");
              r.execute("DROP VIEW big");
            })
        .add(
            "alter table add, rename and drop column",
            r -> {
              r.setup(T, "INSERT INTO t(name, n) VALUES ('a', 1)");
              r.update("ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'e'");
              r.update("INSERT INTO t(name, extra) VALUES ('b', 'x')");
              r.update("ALTER TABLE t RENAME COLUMN extra TO more");
              r.update("UPDATE t SET more = 'y' WHERE name = 'a'");
              r.update("ALTER TABLE t DROP COLUMN n");
              r.update("INSERT INTO t(name) VALUES ('c')");
              r.query("SELECT name, more FROM t ORDER BY name");
            })
        .add(
            "rename table",
            r -> {
              r.setup(T, "INSERT INTO t(name) VALUES ('a')");
              r.update("ALTER TABLE t RENAME TO u");
              r.update("INSERT INTO u(name) VALUES ('b')");
              r.fails("old name", () -> r.st().executeUpdate("INSERT INTO t(name) VALUES ('c')"));
            })
        .add(
            "drop table with rows",
            r -> {
              r.setup(T, "INSERT INTO t(name) VALUES ('a'), ('b')");
              r.update("DROP TABLE t");
              r.query("SELECT changes(), total_changes()");
              r.setup(T);
              r.update("INSERT INTO t(name) VALUES ('again')");
            })
        .add(
            "vacuum, analyze, reindex",
            r -> {
              r.setup(T, "INSERT INTO t(name) VALUES ('a')", "CREATE INDEX t_n ON t(n)");
              r.execute("ANALYZE");
              r.execute("REINDEX");
              r.execute("VACUUM");
              r.query("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 't'");
            })
        .add(
            "pragmas",
            r -> {
              r.setup(T);
              r.execute("PRAGMA user_version = 7");
              r.query("PRAGMA user_version");
              r.query("PRAGMA table_info(t)");
              r.query("PRAGMA foreign_keys");
              r.query("PRAGMA journal_mode");
              r.execute("PRAGMA journal_mode = WAL");
              r.update("INSERT INTO t(name) VALUES ('wal')");
            })
        .add(
            "attached database",
            r -> {
              r.setup(T);
              String other = r.url("").replaceFirst("^jdbc:[a-z]+:", "");
              r.execute("ATTACH DATABASE '" + other + ".other' AS o");
              r.execute("CREATE TABLE o.x(id INTEGER PRIMARY KEY, v)");
              r.update("INSERT INTO o.x(v) VALUES ('a'), ('b')");
              r.update("INSERT INTO t(name) SELECT v FROM o.x");
              r.query("SELECT v FROM o.x ORDER BY v");
              r.execute("DETACH DATABASE o");
            })
        .add(
            "explain and reads of functions",
            r -> {
              r.setup(T);
              r.query("EXPLAIN QUERY PLAN SELECT * FROM t WHERE id = 1");
              r.query(
                  "SELECT date('2020-02-28', '+1 day'), strftime('%Y', '2021-06-01'),"
                      + " json_object('a', 1), printf('%05d', 42), sqlite_version() IS NOT NULL");
              r.query("VALUES (1, 'a'), (2, 'b')");
            })
        .add(
            "changes() after reads",
            r -> {
              r.setup(T);
              r.update("INSERT INTO t(name) VALUES ('a'), ('b')");
              r.query("SELECT name FROM t ORDER BY name");
              r.query("SELECT changes()");
              r.execute("CREATE INDEX t_name ON t(name)");
              r.query("SELECT changes()");
            })
        .add(
            "statement properties",
            r -> {
              Statement s = r.st();
              r.note(
                  "props",
                  s.getFetchSize()
                      + " "
                      + s.getFetchDirection()
                      + " "
                      + s.getResultSetType()
                      + " "
                      + s.getResultSetConcurrency()
                      + " "
                      + s.getResultSetHoldability()
                      + " "
                      + s.getQueryTimeout()
                      + " "
                      + s.getMaxFieldSize()
                      + " "
                      + s.isPoolable()
                      + " "
                      + s.isCloseOnCompletion());
              r.note("same connection", s.getConnection() == r.conn);
              r.note("warnings", Run.warnings(s.getWarnings()));
              r.fails("escape processing off", () -> s.setEscapeProcessing(false));
              r.fails("cursor name", () -> s.setCursorName("c"));
            })
        .list();
  }
}
