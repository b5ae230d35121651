package io.chora.jdbc;

import static io.chora.jdbc.testing.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.jdbc.testing.Db;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/** The driver's URL handling, options, data source, and JDBC identity rules. */
class DriverTest {
  @TempDir Path dir;

  @Test
  void registeredThroughServiceLoaderForChoraUrlsOnly() throws SQLException {
    Driver driver = DriverManager.getDriver("jdbc:chora::memory:");
    assertThat(driver).isInstanceOf(ChoraDriver.class);
    assertThat(driver.acceptsURL("jdbc:chora:app.db")).isTrue();
    assertThat(driver.acceptsURL("jdbc:sqlite:app.db")).isFalse();
    assertThat(driver.connect("jdbc:sqlite:app.db", new Properties())).isNull();
    assertThat(DriverManager.getDriver("jdbc:sqlite::memory:")).isNotInstanceOf(ChoraDriver.class);
  }

  @Test
  void unknownChoraOptionsAreErrorsNamingTheKey() {
    assertThatThrownBy(() -> Db.chora(dir, "a.db", "chora.sight=x"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("chora.sight");
    Properties props = new Properties();
    props.setProperty("chora.tabels", "t");
    assertThatThrownBy(
            () -> DriverManager.getConnection("jdbc:chora:" + dir.resolve("b.db"), props))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("chora.tabels");
    assertThatThrownBy(() -> Db.chora(dir, "c.db", "chora.mode=magic"))
        .hasMessageContaining("chora.mode");
    assertThatThrownBy(() -> Db.chora(dir, "c.db", "chora.site=has space"))
        .hasMessageContaining("chora.site");
  }

  @Test
  void optionsComeFromPropertiesAndOtherParametersReachSqlite() throws SQLException {
    Properties props = new Properties();
    props.setProperty("chora.site", "from-props");
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:chora:" + dir.resolve("a.db") + "?journal_mode=WAL&chora.tables=t", props)) {
      assertThat(Db.of(c).siteId()).isEqualTo("from-props");
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
      }
    }
  }

  @Test
  void propertyInfoListsTheChoraOptions() throws SQLException {
    DriverPropertyInfo[] info =
        new ChoraDriver().getPropertyInfo("jdbc:chora:x.db", new Properties());
    assertThat(Arrays.stream(info).map(p -> p.name))
        .containsExactly(
            "chora.site",
            "chora.mode",
            "chora.tables",
            "chora.maxValueBytes",
            "chora.hub",
            "chora.hub.token",
            "chora.encrypt",
            "chora.recipients",
            "chora.sign",
            "chora.counters");
    assertThat(info).allSatisfy(p -> assertThat(p.description).isNotBlank());
  }

  @Test
  void dataSourceOpensChoraConnections() throws SQLException {
    ChoraDataSource ds = new ChoraDataSource("jdbc:chora:" + dir.resolve("ds.db"));
    ds.setProperty("chora.site", "ds-site");
    try (Connection c = ds.getConnection()) {
      assertThat(c.unwrap(ChoraConnection.class).siteId()).isEqualTo("ds-site");
    }
    assertThatThrownBy(() -> new ChoraDataSource("jdbc:sqlite:x.db"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChoraDataSource().getConnection()).hasMessageContaining("URL");
  }

  @Test
  void identityRulesAndUnwrap() throws SQLException {
    try (Connection c = Db.chora(dir, "a.db")) {
      exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v)");
      assertThat(c.unwrap(ChoraConnection.class)).isSameAs(c);
      assertThat(c.unwrap(Connection.class)).isSameAs(c);
      assertThat(c.isWrapperFor(SQLiteConnection.class)).isTrue();
      assertThat(c.unwrap(SQLiteConnection.class)).isSameAs(c);
      try (Statement st = c.createStatement()) {
        assertThat(st.getConnection()).isSameAs(c);
        st.executeUpdate("INSERT INTO t(v) VALUES ('a')", Statement.RETURN_GENERATED_KEYS);
        try (ResultSet rs = st.executeQuery("SELECT * FROM t")) {
          assertThat(rs.getStatement()).isSameAs(st);
        }
      }
      try (PreparedStatement write = c.prepareStatement("INSERT INTO t(v) VALUES (?)");
          PreparedStatement read = c.prepareStatement("SELECT v FROM t WHERE id = ?")) {
        assertThat(write.getConnection()).isSameAs(c);
        assertThat(read.getConnection()).isSameAs(c);
        read.setInt(1, 1);
        try (ResultSet rs = read.executeQuery()) {
          assertThat(rs.getStatement()).isSameAs(read);
        }
      }
      DatabaseMetaData meta = c.getMetaData();
      assertThat(meta.getConnection()).isSameAs(c);
    }
  }

  @Test
  void sqliteJdbcStaticApisKeepWorking() throws SQLException {
    try (Connection c = Db.chora(dir, "a.db")) {
      Function.create(
          c,
          "twice",
          new Function() {
            @Override
            protected void xFunc() throws SQLException {
              result(value_int(0) * 2);
            }
          });
      exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v)", "INSERT INTO t VALUES (1, twice(21))");
      assertThat(Db.scalar(c, "SELECT v FROM t")).isEqualTo(42);
      assertThat(Db.changes(c)).hasSize(1);
    }
  }
}
