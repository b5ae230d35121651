package io.chora.spring.boot;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Small JDBC and waiting helpers for the tests. */
final class Sql {
  static final String NOTE = "CREATE TABLE IF NOT EXISTS note(id INTEGER PRIMARY KEY, title TEXT)";

  private Sql() {}

  static String choraUrl(Path file) {
    return "jdbc:chora:" + file + "?busy_timeout=10000";
  }

  static void exec(Connection c, String... sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String each : sql) {
        s.executeUpdate(each);
      }
    }
  }

  /** Runs {@code sql} on a connection of its own to {@code url}. */
  static void exec(String url, String... sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url)) {
      exec(c, sql);
    }
  }

  static List<String> column(Connection c, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  /** Waits for {@code condition}, at most 30 s, then fails naming {@code what}. */
  static void await(String what, Callable<Boolean> condition) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!condition.call()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("waited 30 s for " + what);
      }
      Thread.sleep(50);
    }
  }
}
