package io.chora.hub;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's open workspaces, their logs in {@link LogStores}. A workspace's log is created only
 * when a client that presented its token connects, so a refused request leaves nothing on disk;
 * logs already on disk are opened at start, so metrics count them and a damaged file is reported at
 * once.
 */
final class Workspaces implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Workspaces.class);

  private final LogStores stores;
  private final Executor storeWork;
  private final SnapshotPolicy snapshots;
  private final Map<String, Workspace> open = new ConcurrentHashMap<>();

  Workspaces(LogStores stores, Executor storeWork, SnapshotPolicy snapshots) {
    this.stores = stores;
    this.storeWork = storeWork;
    this.snapshots = snapshots;
  }

  /** Whether the store answers, for {@code /health}: null if so, else why not. */
  String storeProblem() {
    return stores.problem();
  }

  /** The log file of {@code workspace} (a checked name: no path separators). */
  static Path logFile(Path dataDir, String workspace) {
    return dataDir.resolve(workspace + ".db");
  }

  void openExisting(Collection<String> names) throws SQLException, IOException {
    for (String name : names) {
      if (stores.exists(name)) {
        get(name);
      }
    }
  }

  /** The workspace, its log opened (and created) if this is its first client. */
  synchronized Workspace get(String name) throws SQLException, IOException {
    Workspace workspace = open.get(name);
    if (workspace == null) {
      LogStore store = stores.open(name);
      try {
        workspace = new Workspace(name, store, storeWork, snapshots);
      } catch (SQLException e) {
        store.close();
        throw e;
      }
      open.put(name, workspace);
    }
    return workspace;
  }

  List<Workspace> all() {
    return new ArrayList<>(open.values());
  }

  @Override
  public synchronized void close() {
    for (Workspace workspace : open.values()) {
      try {
        workspace.close();
      } catch (SQLException e) {
        LOG.warn("workspace {}: could not close its log", workspace.name(), e);
      }
    }
    open.clear();
    stores.close();
  }
}
