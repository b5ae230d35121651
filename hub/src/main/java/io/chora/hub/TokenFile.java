package io.chora.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite store's device tokens, in {@code DATA/tokens.sqlite}. {@code chora hub token} writes
 * it while the hub runs; the hub only reads it, noticing changes by {@code PRAGMA data_version}.
 */
final class TokenFile implements TokenStore {
  static final String FILE_NAME = "tokens.sqlite";

  private final Path dataDir;
  private final Connection connection;

  private TokenFile(Path dataDir, Connection connection) {
    this.dataDir = dataDir;
    this.connection = connection;
  }

  static Path path(Path dataDir) {
    return dataDir.resolve(FILE_NAME);
  }

  /** Opens the file, creating it (and its directory) if {@code create}; else null if missing. */
  static TokenFile open(Path dataDir, boolean create) throws SQLException, IOException {
    Path file = path(dataDir);
    if (!create && !Files.exists(file)) {
      return null;
    }
    Files.createDirectories(dataDir);
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(10_000);
    Connection connection = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate(
          "CREATE TABLE IF NOT EXISTS device_token("
              + " id INTEGER PRIMARY KEY,"
              + " workspace TEXT NOT NULL,"
              + " name TEXT NOT NULL,"
              + " digest BLOB NOT NULL UNIQUE,"
              + " added_at INTEGER NOT NULL,"
              + " revoked_at INTEGER)");
      statement.executeUpdate(
          "CREATE UNIQUE INDEX IF NOT EXISTS one_active_token_per_name"
              + " ON device_token(workspace, name) WHERE revoked_at IS NULL");
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return new TokenFile(dataDir, connection);
  }

  /** {@code PRAGMA data_version}: it changes when another connection (the CLI) committed. */
  @Override
  public Object version() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("PRAGMA data_version")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @Override
  public List<Row> rows() throws SQLException {
    return TokenRows.rows(connection);
  }

  @Override
  public boolean add(String workspace, String name, byte[] digest, long now) throws SQLException {
    return TokenRows.add(connection, workspace, name, digest, now);
  }

  @Override
  public boolean revoke(String workspace, String name, long now) throws SQLException {
    return TokenRows.revoke(connection, workspace, name, now);
  }

  @Override
  public Map<String, String> bindings(String workspace) throws SQLException {
    return BindingTable.read(Workspaces.logFile(dataDir, workspace));
  }

  @Override
  public String describe() {
    return path(dataDir).toString();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
