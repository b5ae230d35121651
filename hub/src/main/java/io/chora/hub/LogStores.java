package io.chora.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/** Where a hub keeps its workspaces' logs: opens one per workspace. */
interface LogStores extends AutoCloseable {
  /** Opens (creating if needed) the log of {@code workspace}, a checked name. */
  LogStore open(String workspace) throws SQLException, IOException;

  /** Whether {@code workspace} has a log already, so the hub opens it at start. */
  boolean exists(String workspace) throws SQLException;

  /**
   * The device tokens kept with these logs (for the hub, which only reads them).
   *
   * @return null if the store has no tokens yet and {@code create} is false
   */
  TokenStore tokens(boolean create) throws SQLException, IOException;

  /** Whether the stores answer now, for {@code /health}: null if so, else why not. */
  String problem();

  @Override
  void close();

  /** The default: one SQLite file per workspace in the data directory. */
  static LogStores sqlite(Path dataDir) {
    return new LogStores() {
      @Override
      public LogStore open(String workspace) throws SQLException, IOException {
        return WorkspaceStore.open(Workspaces.logFile(dataDir, workspace));
      }

      @Override
      public boolean exists(String workspace) {
        return Files.exists(Workspaces.logFile(dataDir, workspace));
      }

      @Override
      public TokenStore tokens(boolean create) throws SQLException, IOException {
        return TokenFile.open(dataDir, create);
      }

      @Override
      public String problem() {
        return null;
      }

      @Override
      public void close() {}
    };
  }
}
