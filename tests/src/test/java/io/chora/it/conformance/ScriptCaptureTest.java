package io.chora.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripts keep capture exact (issue 17 part 4): a multi-statement string through {@code
 * executeUpdate} on replica A advances A's clock by the transactions it commits, exactly as its
 * statements sent one by one on replica C do, returns plain sqlite-jdbc's count, and a sync brings
 * the same rows to B.
 */
class ScriptCaptureTest {
  @TempDir Path dir;

  private static final String T = "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, n INTEGER)";
  private static final String S = "CREATE TABLE s(id INTEGER PRIMARY KEY, v, w DEFAULT 2)";

  /** A script, the transactions it commits, and whether it fails at the end. */
  private record Script(int commits, boolean fails, String... statements) {}

  private static final List<Script> SCRIPTS =
      List.of(
          new Script(
              2, false, "INSERT INTO t(name) VALUES ('a')", "INSERT INTO t(name) VALUES ('b')"),
          new Script(
              2,
              false,
              "BEGIN",
              "INSERT INTO t(name, n) VALUES ('c', 1)",
              "UPDATE t SET n = 2 WHERE name = 'a'",
              "COMMIT",
              "INSERT INTO t(name) VALUES ('d')"),
          new Script(
              1,
              false,
              "BEGIN IMMEDIATE",
              "INSERT INTO t(name) VALUES ('gone')",
              "ROLLBACK",
              "DELETE FROM t WHERE name = 'b'"),
          new Script(
              1,
              false,
              "SAVEPOINT outer_sp",
              "INSERT INTO t(id, name) VALUES (101, 'e')",
              "SAVEPOINT inner_sp",
              "INSERT INTO t(id, name) VALUES (102, 'rolled back')",
              "ROLLBACK TO inner_sp",
              "RELEASE inner_sp",
              "UPDATE t SET n = 9 WHERE id = 101",
              "RELEASE outer_sp"),
          new Script(
              3,
              false,
              "CREATE TABLE s(id INTEGER PRIMARY KEY, v)",
              "INSERT INTO s(v) VALUES (1), (2)",
              "ALTER TABLE s ADD COLUMN w DEFAULT 2",
              "UPDATE s SET w = 3 WHERE v = 1",
              "CREATE INDEX s_v ON s(v)",
              "INSERT INTO s(v, w) VALUES (5, 5)"),
          new Script(
              1,
              false,
              "BEGIN",
              "INSERT INTO s(v) VALUES (6)",
              "CREATE TABLE scratch(id INTEGER PRIMARY KEY)",
              "DROP TABLE scratch",
              "UPDATE s SET v = v + 10 WHERE v = 6",
              "END"),
          new Script(
              1,
              true,
              "INSERT INTO t(id, name) VALUES (103, 'f')",
              "INSERT INTO t(id, name) VALUES (103, 'duplicate')",
              "INSERT INTO t(id, name) VALUES (104, 'never')"));

  @Test
  void eachScriptCommitsWhatItsStatementsCommitOneByOne() throws SQLException {
    try (Connection a = Db.chora(dir, "a.db");
        Connection b = Db.chora(dir, "b.db");
        Connection c = Db.chora(dir, "c.db");
        Connection plain = Db.sqlite(dir, "plain.db")) {
      Db.exec(a, T);
      Db.exec(b, T, S);
      Db.exec(c, T);
      Db.exec(plain, T);
      for (Script script : SCRIPTS) {
        String text = String.join("; ", script.statements());
        long aBefore = Db.seq(a);
        long cBefore = Db.seq(c);
        Object count = run(a, text);
        Object plainCount = run(plain, text);
        for (String statement : script.statements()) {
          if (run(c, statement) instanceof String) {
            break; // sqlite3_exec stops at the first failure
          }
        }
        assertThat(count).as("count of %s", text).isEqualTo(plainCount);
        assertThat(Db.seq(a) - aBefore).as("dots of %s", text).isEqualTo(script.commits());
        assertThat(Db.seq(c) - cBefore)
            .as("dots one by one of %s", text)
            .isEqualTo(script.commits());
        assertThat(a.getAutoCommit()).isTrue();
      }
      ChoraConnection ca = Db.of(a);
      ca.syncWith(Db.of(b));
      for (String table : List.of("t", "s")) {
        assertThat(Db.typedRows(b, table)).as(table).isEqualTo(Db.typedRows(a, table));
      }
      // C generates keys from its own key space (docs/keys.md): compare it without them
      for (String rows :
          List.of("SELECT name, n FROM t ORDER BY 1, 2", "SELECT v, w FROM s ORDER BY 1, 2")) {
        assertThat(Db.rows(a, rows)).as(rows).isEqualTo(Db.rows(c, rows));
      }
      assertThat(Db.of(b).clock()).isEqualTo(ca.clock());
      assertThat(Db.rows(a, "SELECT name FROM t ORDER BY name"))
          .isEqualTo(Db.rows(plain, "SELECT name FROM t ORDER BY name"));
    }
  }

  /** The script's count, or the message of the error it ends with. */
  private static Object run(Connection conn, String sql) {
    Object[] out = new Object[1];
    Throwable e =
        catchThrowable(
            () -> {
              try (Statement st = conn.createStatement()) {
                out[0] = st.executeUpdate(sql);
              }
            });
    return e == null ? out[0] : e.getMessage();
  }
}
