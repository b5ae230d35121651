package io.chora.crsqlite;

import static io.chora.crsqlite.Databases.execute;
import static io.chora.crsqlite.Databases.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

class CrSqliteLoadTest {

  @TempDir static Path cache;
  @TempDir Path dir;

  @BeforeAll
  static void privateCacheDirectory() {
    System.setProperty(CrSqlite.CACHE_DIR_PROPERTY, cache.toString());
  }

  @AfterAll
  static void restore() {
    System.clearProperty(CrSqlite.CACHE_DIR_PROPERTY);
  }

  @Test
  void isAvailableOnThisPlatformAndReportsTheSourceVersion() throws SQLException {
    assertThat(CrSqlite.isAvailable()).isTrue();
    assertThat(CrSqlite.version()).isEqualTo("0.16.3");
    assertThat(CrSqlite.libraryPath()).startsWith(cache);
  }

  @Test
  void anInsertIntoACrrShowsUpInCrsqlChanges() throws SQLException {
    try (Connection c = Databases.open(dir.resolve("a.db"))) {
      CrSqlite.load(c);
      execute(c, "CREATE TABLE t (id INTEGER PRIMARY KEY NOT NULL, v TEXT)");
      assertThat(text(c, "SELECT crsql_as_crr('t')")).isEqualTo("OK");
      execute(c, "INSERT INTO t (id, v) VALUES (1, 'hello')");

      try (Statement s = c.createStatement();
          ResultSet rows =
              s.executeQuery("SELECT \"table\", cid, val, col_version FROM crsql_changes")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString("table")).isEqualTo("t");
        assertThat(rows.getString("cid")).isEqualTo("v");
        assertThat(rows.getString("val")).isEqualTo("hello");
        assertThat(rows.getLong("col_version")).isEqualTo(1);
        assertThat(rows.next()).isFalse();
      }
      Databases.finalizeAndClose(c);
    }
  }

  @Test
  void loadsTheBinaryThatBuildShBuiltAndLoadingTwiceIsHarmless() throws SQLException {
    try (Connection c = Databases.open(dir.resolve("d.db"))) {
      CrSqlite.load(c);
      CrSqlite.load(c);
      // build.sh stamps the source package into crsql_sha(): this is the recipe's binary.
      assertThat(text(c, "SELECT crsql_sha()")).isEqualTo("npm:@vlcn.io/crsqlite@0.16.3");
      execute(c, "CREATE TABLE t (id INTEGER PRIMARY KEY NOT NULL, v TEXT)");
      assertThat(text(c, "SELECT crsql_as_crr('t')")).isEqualTo("OK");
      Databases.finalizeAndClose(c);
    }
  }

  @Test
  void switchesExtensionLoadingOffAgainAfterLoading() throws SQLException {
    try (Connection c = Databases.open(dir.resolve("b.db"))) {
      CrSqlite.load(c);
      assertThat(text(c, "SELECT hex(crsql_site_id())")).hasSize(32);
      assertThatThrownBy(() -> text(c, "SELECT load_extension('nothing-here')"))
          .hasMessageContaining("not authorized");
      Databases.finalizeAndClose(c);
    }
  }

  @Test
  void leavesExtensionLoadingOnWhenTheConnectionWasOpenedWithIt() throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.enableLoadExtension(true);
    Properties properties = config.toProperties();
    try (Connection c =
        DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("c.db"), properties)) {
      CrSqlite.load(c);
      assertThatThrownBy(() -> text(c, "SELECT load_extension('nothing-here')"))
          .hasMessageNotContaining("not authorized");
      Databases.finalizeAndClose(c);
    }
  }
}
