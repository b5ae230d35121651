package io.chora.crsqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Opens plain sqlite-jdbc connections on files in a test's temp directory. */
final class Databases {

  private Databases() {}

  static Connection open(Path file) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file);
  }

  static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  static String text(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        var rows = statement.executeQuery(sql)) {
      return rows.next() ? rows.getString(1) : null;
    }
  }

  /** Ends cr-sqlite's per-connection state, as cr-sqlite asks, then closes. */
  static void finalizeAndClose(Connection connection) throws SQLException {
    execute(connection, "SELECT crsql_finalize()");
    connection.close();
  }
}
