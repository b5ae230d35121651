package io.chora.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What the hub benchmarks read of a workspace's SQLite log file: counts and bytes on disk. */
final class HubLogFile {
  private HubLogFile() {}

  /** The single number {@code sql} answers on the log at {@code log} (plain sqlite-jdbc). */
  static long count(Path log, String sql) throws SQLException {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + log);
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The log's bytes on disk, its write-ahead log included. */
  static long bytes(Path log) throws IOException {
    Path wal = Path.of(log + "-wal");
    return Files.size(log) + (Files.exists(wal) ? Files.size(wal) : 0);
  }
}
