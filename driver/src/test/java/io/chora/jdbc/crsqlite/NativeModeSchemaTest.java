package io.chora.jdbc.crsqlite;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static io.chora.jdbc.testing.Db.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.ChoraDataSource;
import io.chora.jdbc.testing.Db;
import io.chora.jdbc.testing.SyncMode;
import io.chora.sync.VectorClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * chora.mode=crsqlite and the schema: tables created through the driver become CRRs, tables that
 * break cr-sqlite's rules are refused by name and rule (and not left behind), existing tables
 * become CRRs when the file is opened, and ALTER, DROP and renames keep cr-sqlite's bookkeeping
 * right.
 */
class NativeModeSchemaTest {
  @TempDir Path dir;

  private Connection open(String name, String... query) throws SQLException {
    return SyncMode.CRSQLITE.open(dir, name, query);
  }

  private static boolean isCrr(Connection c, String table) throws SQLException {
    return scalar(c, "SELECT count(*) FROM sqlite_schema WHERE name = '" + table + "__crsql_clock'")
        == 1;
  }

  @Test
  void aTableCreatedThroughTheDriverBecomesACrr() throws SQLException {
    try (Connection c = open("a")) {
      exec(c, "CREATE TABLE note(id INTEGER PRIMARY KEY NOT NULL, title TEXT)");
      try (var ps = c.prepareStatement("CREATE TABLE tag(k TEXT NOT NULL PRIMARY KEY, v)")) {
        ps.execute();
      }
      exec(c, "CREATE TEMP TABLE scratch(id INTEGER PRIMARY KEY NOT NULL)");
      assertThat(isCrr(c, "note")).isTrue();
      assertThat(isCrr(c, "tag")).isTrue();
      assertThat(SyncMode.chora(c).trackedTables()).containsExactly("note", "tag");
      exec(c, "INSERT INTO note VALUES (1, 'hello')");
      assertThat(rows(c, "SELECT cid, val FROM crsql_changes")).containsExactly("title|hello");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no primary key | CREATE TABLE t(a, b) | it has no primary key",
        "nullable key | CREATE TABLE t(id INTEGER PRIMARY KEY, v) | primary key column 'id' may be NULL",
        "UNIQUE column | CREATE TABLE t(id INTEGER PRIMARY KEY NOT NULL, e TEXT UNIQUE)"
            + " | UNIQUE constraint or index besides its primary key (on e)",
        "foreign key | CREATE TABLE t(id INTEGER PRIMARY KEY NOT NULL, p INTEGER REFERENCES note(id))"
            + " | FOREIGN KEY (p REFERENCES note)",
        "NOT NULL without default | CREATE TABLE t(id INTEGER PRIMARY KEY NOT NULL, v TEXT NOT NULL)"
            + " | NOT NULL column 'v' has no DEFAULT",
        "reserved column name | CREATE TABLE t(id INTEGER PRIMARY KEY NOT NULL, __crsql_seq)"
            + " | '__crsql_seq' has a name that cr-sqlite",
      })
  void aTableThatBreaksACrSqliteRuleIsRefusedByNameAndRuleAndNotCreated(
      String rule, String ddl, String message) throws SQLException {
    try (Connection c = open("a")) {
      exec(c, "CREATE TABLE note(id INTEGER PRIMARY KEY NOT NULL, title TEXT)");
      assertThatThrownBy(() -> exec(c, ddl))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("table 't' cannot sync: ")
          .hasMessageContaining(message)
          .hasMessageContaining("chora.tables");
      assertThat(scalar(c, "SELECT count(*) FROM sqlite_schema WHERE tbl_name = 't'")).isZero();
      assertThat(c.getAutoCommit()).isTrue();
    }
  }

  @Test
  void aUniqueIndexOnACrrIsRefusedAndUndone() throws SQLException {
    try (Connection c = open("a")) {
      exec(c, "CREATE TABLE person(id INTEGER PRIMARY KEY NOT NULL, email TEXT)");
      assertThatThrownBy(() -> exec(c, "CREATE UNIQUE INDEX person_email ON person(email)"))
          .hasMessageContaining("table 'person' cannot sync")
          .hasMessageContaining("UNIQUE constraint or index besides its primary key (on email)");
      assertThat(scalar(c, "SELECT count(*) FROM sqlite_schema WHERE name = 'person_email'"))
          .isZero();
      exec(c, "CREATE INDEX person_email ON person(email)"); // a plain index is fine
    }
  }

  @Test
  void chosenTablesSyncAndTheOthersStayLocalWhateverTheirShape() throws SQLException {
    try (Connection c = open("a", "chora.tables=note")) {
      exec(c, "CREATE TABLE note(id INTEGER PRIMARY KEY NOT NULL, title TEXT)");
      exec(c, "CREATE TABLE audit(at INTEGER, what TEXT UNIQUE)"); // no key, a UNIQUE: local
      assertThat(isCrr(c, "note")).isTrue();
      assertThat(isCrr(c, "audit")).isFalse();
      exec(c, "INSERT INTO audit VALUES (1, 'x')");
      assertThat(SyncMode.chora(c).logSize()).isZero();
    }
  }

  @Test
  void tablesThatExistWhenTheFileIsOpenedBecomeCrrsWithTheirRows() throws SQLException {
    try (Connection plain = Db.sqlite(dir, "old.db")) {
      exec(
          plain,
          "CREATE TABLE note(id INTEGER PRIMARY KEY NOT NULL, title TEXT)",
          "INSERT INTO note VALUES (1, 'from before'), (2, 'also')");
    }
    try (Connection c = open("old");
        Connection other = open("other")) {
      assertThat(isCrr(c, "note")).isTrue();
      exec(other, "CREATE TABLE note(id INTEGER PRIMARY KEY NOT NULL, title TEXT)");
      SyncMode.chora(c).syncWith(SyncMode.chora(other));
      assertThat(rows(other, "SELECT * FROM note ORDER BY id"))
          .containsExactly("1|from before", "2|also");
    }
  }

  @Test
  void anExistingTableThatBreaksARuleFailsTheOpenByNameUnlessLeftOut() throws SQLException {
    try (Connection plain = Db.sqlite(dir, "old.db")) {
      exec(plain, "CREATE TABLE events(at INTEGER, what TEXT)");
    }
    assertThatThrownBy(() -> open("old"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("table 'events' cannot sync: it has no primary key");
    try (Connection c = open("old", "chora.tables=nothing_yet")) {
      assertThat(isCrr(c, "events")).isFalse();
    }
  }

  @Test
  void alterTableThroughTheDriverKeepsTheCrrSyncing() throws SQLException {
    try (Connection a = open("a");
        Connection b = open("b")) {
      for (Connection c : new Connection[] {a, b}) {
        exec(c, "CREATE TABLE note(id INTEGER PRIMARY KEY NOT NULL, title TEXT)");
        exec(c, "ALTER TABLE note ADD COLUMN stars INTEGER DEFAULT 0");
      }
      exec(a, "INSERT INTO note VALUES (1, 'x', 0)", "UPDATE note SET stars = 5 WHERE id = 1");
      SyncMode.chora(a).syncWith(SyncMode.chora(b));
      assertThat(rows(b, "SELECT * FROM note")).containsExactly("1|x|5");
      exec(a, "ALTER TABLE note DROP COLUMN stars");
      exec(a, "UPDATE note SET title = 'y' WHERE id = 1");
      assertThat(rows(a, "SELECT * FROM note")).containsExactly("1|y");
    }
  }

  @Test
  void renamingASyncedTableIsRefusedAndUndone() throws SQLException {
    try (Connection c = open("a")) {
      exec(c, "CREATE TABLE note(id INTEGER PRIMARY KEY NOT NULL, title TEXT)");
      assertThatThrownBy(() -> exec(c, "ALTER TABLE note RENAME TO notes"))
          .isInstanceOf(SQLFeatureNotSupportedException.class)
          .hasMessageContaining("cannot rename a synced table");
      assertThat(isCrr(c, "note")).isTrue();
      exec(c, "INSERT INTO note VALUES (1, 'still here')");
    }
  }

  /** A script's statements run one by one (as sqlite3_exec runs them): cr-sqlite is told each. */
  @Test
  void alterTableInsideAScriptRunsAsAStatementOfItsOwn() throws SQLException {
    try (Connection c = open("a");
        java.sql.Statement st = c.createStatement()) {
      exec(c, "CREATE TABLE note(id INTEGER PRIMARY KEY NOT NULL, title TEXT)");
      assertThat(
              st.executeUpdate(
                  "ALTER TABLE note ADD COLUMN x DEFAULT 0 NOT NULL;"
                      + " INSERT INTO note VALUES (1, 'a', 1)"))
          .isOne();
      assertThat(isCrr(c, "note")).isTrue();
      assertThat(scalar(c, "SELECT x FROM note WHERE id = 1")).isOne();
    }
  }

  @Test
  void droppingASyncedTableRemovesItsClockAndTheVersionNeverGoesBack() throws SQLException {
    try (Connection c = open("a")) {
      ChoraConnection chora = SyncMode.chora(c);
      exec(c, "CREATE TABLE keep(id INTEGER PRIMARY KEY NOT NULL, v)");
      exec(c, "INSERT INTO keep VALUES (1, 1)");
      exec(c, "CREATE TABLE gone(id INTEGER PRIMARY KEY NOT NULL, v)");
      exec(c, "INSERT INTO gone VALUES (1, 1)", "INSERT INTO gone VALUES (2, 2)");
      VectorClock before = chora.clock();
      exec(c, "DROP TABLE gone");
      assertThat(scalar(c, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'gone%'")).isZero();
      assertThat(chora.clock()).isEqualTo(before); // the newest version was in gone's clock
      exec(c, "INSERT INTO keep VALUES (2, 2)");
      assertThat(chora.clock().get(chora.siteId())).isGreaterThan(before.get(chora.siteId()));
      assertThat(chora.changesSince(before).size()).isEqualTo(1);
    }
  }

  @Test
  void changingAPrimaryKeyIsRefusedBecauseCrSqliteWouldNotSyncIt() throws SQLException {
    try (Connection c = open("a")) {
      exec(c, "CREATE TABLE note(id INTEGER PRIMARY KEY NOT NULL, title TEXT)");
      exec(c, "INSERT INTO note VALUES (1, 'x')");
      assertThatThrownBy(() -> exec(c, "UPDATE note SET id = 2 WHERE id = 1"))
          .hasMessageContaining("a row of note cannot change its primary key")
          .hasMessageContaining("delete the row and insert it with the new key");
      exec(c, "UPDATE note SET title = 'y' WHERE id = 1"); // other columns are fine
      assertThat(rows(c, "SELECT * FROM note")).containsExactly("1|y");
    }
  }

  @Test
  void optionsThatDoNotApplyToNativeModeAreRefused() {
    String url = "jdbc:chora:" + dir.resolve("x.db") + "?chora.mode=crsqlite";
    assertThatThrownBy(() -> DriverManager.getConnection(url + "&chora.site=laptop"))
        .hasMessageContaining("chora.site cannot be chosen with chora.mode=crsqlite");
    assertThatThrownBy(
            () ->
                DriverManager.getConnection(
                    url + "&chora.hub=ws://localhost:1/w&chora.hub.token=t"))
        .hasMessageContaining("chora.hub is not supported with chora.mode=crsqlite");
    assertThatThrownBy(() -> DriverManager.getConnection("jdbc:chora:x.db?chora.mode=native"))
        .hasMessageContaining("chora.mode must be java or crsqlite, not 'native'");
  }

  @Test
  void theDataSourceOpensNativeModeFromAProperty() throws SQLException {
    ChoraDataSource ds = new ChoraDataSource("jdbc:chora:" + dir.resolve("ds.db"));
    ds.setProperty("chora.mode", "crsqlite");
    try (Connection c = ds.getConnection()) {
      assertThat(SyncMode.chora(c).siteId()).endsWith("@crsqlite");
      assertThat(c.toString()).contains("mode=crsqlite");
    }
  }
}
