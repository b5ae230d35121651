package io.chora.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * The {@code binding} table of a workspace's log: which credential each origin site belongs to.
 * Rows are written in the transaction that stores the site's first envelope, so a site is never
 * stored unbound, and they survive restarts with the log.
 */
final class BindingTable {
  private BindingTable() {}

  static void create(Statement statement) throws SQLException {
    statement.executeUpdate(
        "CREATE TABLE IF NOT EXISTS binding("
            + " site TEXT PRIMARY KEY,"
            + " credential TEXT NOT NULL,"
            + " bound_at INTEGER NOT NULL) WITHOUT ROWID");
  }

  /** Site → credential id. */
  static Map<String, String> load(Connection connection) throws SQLException {
    return LogQueries.unscoped().loadBindings(connection);
  }

  /** Adds {@code bindings} in the connection's open transaction; the caller commits. */
  static void insert(Connection connection, Map<String, String> bindings) throws SQLException {
    if (bindings.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        connection.prepareStatement(
            "INSERT INTO binding(site, credential, bound_at) VALUES (?, ?, ?)")) {
      long now = System.currentTimeMillis();
      for (Map.Entry<String, String> binding : bindings.entrySet()) {
        ps.setString(1, binding.getKey());
        ps.setString(2, binding.getValue());
        ps.setLong(3, now);
        ps.executeUpdate();
      }
    }
  }

  /** The bindings of the log in {@code file} (read beside a running hub), empty if none. */
  static Map<String, String> read(Path file) throws SQLException {
    if (!Files.exists(file)) {
      return Map.of();
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(10_000);
    try (Connection connection = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
      try (Statement statement = connection.createStatement();
          ResultSet exists =
              statement.executeQuery(
                  "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'binding'")) {
        if (!exists.next()) {
          return Map.of();
        }
      }
      return load(connection);
    }
  }
}
