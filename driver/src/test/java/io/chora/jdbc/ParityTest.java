package io.chora.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.chora.jdbc.testing.Db;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteException;

/**
 * A differential test: the same JDBC calls against jdbc:sqlite: and jdbc:chora: must give the same
 * answers (update counts, generated keys, last_insert_rowid, results, SQLite errors).
 */
class ParityTest {
  @TempDir Path dir;

  /**
   * Runs a fixed script of JDBC calls and records everything the application can observe. Keys are
   * shown as the name of their row: java mode takes generated keys from the replica's own block
   * (GeneratedKeysTest), so their values differ from plain SQLite's, what they point at does not.
   */
  private static List<String> script(Connection c) throws SQLException {
    List<String> seen = new ArrayList<>();
    try (Statement st = c.createStatement()) {
      // NOT NULL and no UNIQUE: what native mode (cr-sqlite) accepts, so both modes run it
      st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY NOT NULL, name TEXT, n INTEGER)");
      seen.add(
          "update count " + st.executeUpdate("INSERT INTO t(name, n) VALUES ('a', 1), ('b', 2)"));
      seen.add("rowid " + nameOf(st, one(st, "SELECT last_insert_rowid()")));
      seen.add("get update count " + st.getUpdateCount());
      seen.add("changes() after autocommit write " + one(st, "SELECT changes()"));
      seen.add("execute " + st.execute("UPDATE t SET n = n + 1") + " " + st.getUpdateCount());
      seen.add("changes() after update " + one(st, "SELECT changes()"));
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO t(name, n) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, "c");
        ps.setInt(2, 3);
        seen.add("prepared " + ps.executeUpdate());
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          seen.add("key " + nameOf(st, keys.getLong(1)));
        }
      }
      seen.add("rowid after prepared " + nameOf(st, one(st, "SELECT last_insert_rowid()")));
      try (ResultSet rs =
          st.executeQuery("INSERT INTO t(name, n) VALUES ('r', 9) RETURNING id, n")) {
        rs.next();
        long returned = rs.getLong(1);
        seen.add("returning " + rs.getLong(2));
        rs.close();
        seen.add("returned " + nameOf(st, returned));
      }
      SQLiteException dup =
          catchThrowableOfType(
              SQLiteException.class,
              () ->
                  st.executeUpdate("INSERT INTO t(id, name) VALUES (" + idOf(st, "a") + ", 'a')"));
      seen.add("error " + dup.getResultCode() + " " + dup.getErrorCode() + " " + dup.getMessage());
      SQLiteException syntax =
          catchThrowableOfType(SQLiteException.class, () -> st.executeQuery("SELEC 1"));
      seen.add("syntax " + syntax.getResultCode() + " " + syntax.getMessage());
      c.setAutoCommit(false);
      seen.add("in tx " + st.executeUpdate("DELETE FROM t WHERE n > 2"));
      seen.add("changes() in tx " + one(st, "SELECT changes()"));
      c.rollback();
      st.executeUpdate("UPDATE t SET n = 0 WHERE n < 3");
      c.commit();
      seen.add("changes() after commit " + one(st, "SELECT changes()"));
      c.setAutoCommit(true);
      int[] batch;
      try (PreparedStatement ps = c.prepareStatement("UPDATE t SET n = ? WHERE id = ?")) {
        for (int i = 1; i <= 3; i++) {
          ps.setInt(1, i * 10);
          ps.setLong(2, idOf(st, "abc".substring(i - 1, i)));
          ps.addBatch();
        }
        batch = ps.executeBatch();
      }
      seen.add("batch " + java.util.Arrays.toString(batch));
      st.addBatch("UPDATE t SET n = n + 1 WHERE name IN ('a', 'b')");
      st.addBatch("INSERT INTO t(name, n) VALUES ('s', 1)");
      seen.add("statement batch " + java.util.Arrays.toString(st.executeBatch()));
      seen.add("delete " + st.executeUpdate("DELETE FROM t WHERE name = 's'"));
      try (ResultSet rs = st.executeQuery("SELECT name, n FROM t ORDER BY name")) {
        while (rs.next()) {
          seen.add("row " + rs.getString(1) + " " + rs.getLong(2));
        }
      }
    }
    return seen;
  }

  private static String nameOf(Statement st, long id) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT name FROM t WHERE id = " + id)) {
      return rs.next() ? rs.getString(1) : "no row";
    }
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

  /** Both modes: native mode's cr-sqlite triggers must not show in update counts either. */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"java", "crsqlite"})
  void sameCallsSameAnswers(String mode) throws SQLException {
    boolean noClock = onChora(mode, ParityTest::script, c -> Db.of(c).clock().isEmpty());
    assertThat(noClock).isFalse();
  }

  /**
   * Runs {@code seen} on plain sqlite-jdbc and on a chora replica in {@code mode}, checks they saw
   * the same, and returns what {@code more} finds on the replica afterwards.
   */
  private <T> T onChora(String mode, Script seen, Check<T> more) throws SQLException {
    return onChoraWith("chora.mode=" + mode, seen, more);
  }

  private <T> T onChoraWith(String query, Script seen, Check<T> more) throws SQLException {
    List<String> plain;
    try (Connection c = Db.sqlite(dir, "plain.db")) {
      plain = seen.run(c);
    }
    try (Connection c = Db.chora(dir, "chora.db", query)) {
      assertThat(seen.run(c)).containsExactlyElementsOf(plain);
      return more.on(c);
    }
  }

  /**
   * Update listeners hear the application's tables only, as many events and in the order plain
   * sqlite-jdbc gives; commit listeners hear each user transaction once; {@code total_changes()}
   * counts the user's rows. Java mode with a counting column ({@code SET n = n + 1} captured as an
   * increment) and generated keys from the replica's block.
   */
  @org.junit.jupiter.api.Test
  void listenersAndTotalChangesSeeTheApplicationsRowsOnly() throws SQLException {
    onChoraWith("chora.counters=t.n", c -> HookScenarios.events(c, true, true), c -> null);
  }

  /**
   * Native mode: cr-sqlite's tables ({@code t__crsql_pks}, its clock tables) stay out of update
   * events, and out of {@code total_changes()}, except after a RETURNING or the app's own trigger
   * (known-limits.md). Commit listeners are refused there.
   */
  @org.junit.jupiter.api.Test
  void nativeModesUpdateListenersSeeTheApplicationsRowsOnly() throws SQLException {
    onChora("crsqlite", c -> HookScenarios.events(c, false, false), c -> null);
  }

  private interface Script {
    List<String> run(Connection c) throws SQLException;
  }

  private interface Check<T> {
    T on(Connection c) throws SQLException;
  }

  /**
   * The metadata lists of a replica are those of the same schema under sqlite-jdbc: chora's own
   * tables, views and their automatic indexes (cr-sqlite's too, in native mode) are left out.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"java", "crsqlite"})
  void metadataShowsTheApplicationsSchemaOnly(String mode) throws SQLException {
    List<String> everything =
        onChora(
            mode,
            ParityTest::metadata,
            c -> { // sqlite-jdbc's own view, unfiltered, is one unwrap away
              try (ResultSet rs =
                  c.unwrap(org.sqlite.SQLiteConnection.class)
                      .getSQLiteDatabaseMetaData()
                      .getTables(null, null, "%", null)) {
                return rows(rs, "TABLE_NAME");
              }
            });
    assertThat(everything)
        .contains("note", "tag")
        .anyMatch(t -> t.startsWith(mode.equals("java") ? "chora_" : "crsql_"));
  }

  /** What a schema browser reads: tables, columns, keys and indexes of every table it lists. */
  private static List<String> metadata(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE note(id INTEGER PRIMARY KEY NOT NULL, title TEXT, stars REAL)");
      st.execute(
          // no REFERENCES: native mode (cr-sqlite) refuses checked foreign keys
          "CREATE TABLE tag(note INTEGER NOT NULL, label TEXT NOT NULL, PRIMARY KEY (note, label))");
      st.execute("CREATE INDEX note_title ON note(title)");
      st.execute("CREATE VIEW starred AS SELECT * FROM note WHERE stars > 0");
      st.execute("INSERT INTO note(title) VALUES ('a')");
    }
    java.sql.DatabaseMetaData meta = c.getMetaData();
    List<String> seen = new ArrayList<>();
    List<String> tables;
    try (ResultSet rs = meta.getTables(null, null, null, null)) {
      tables = rows(rs, "TABLE_NAME", "TABLE_TYPE");
    }
    seen.addAll(tables);
    try (ResultSet rs = meta.getTables(null, null, "%", new String[] {"TABLE", "VIEW"})) {
      seen.addAll(rows(rs, "TABLE_NAME"));
    }
    try (ResultSet rs = meta.getColumns(null, null, "%", "%")) {
      seen.addAll(rows(rs, "TABLE_NAME", "COLUMN_NAME", "TYPE_NAME", "NULLABLE"));
    }
    for (String table : List.of("note", "tag")) {
      try (ResultSet rs = meta.getPrimaryKeys(null, null, table)) {
        seen.addAll(rows(rs, "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ"));
      }
      try (ResultSet rs = meta.getIndexInfo(null, null, table, false, false)) {
        seen.addAll(rows(rs, "TABLE_NAME", "INDEX_NAME", "COLUMN_NAME"));
      }
    }
    return seen;
  }

  private static List<String> rows(ResultSet rs, String... columns) throws SQLException {
    List<String> rows = new ArrayList<>();
    while (rs.next()) {
      List<String> row = new ArrayList<>();
      for (String column : columns) {
        row.add(rs.getString(column));
      }
      rows.add(String.join("|", row));
    }
    return rows;
  }
}
