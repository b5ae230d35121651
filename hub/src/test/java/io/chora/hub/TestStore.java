package io.chora.hub;

import io.chora.hub.testing.PgCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The stores the protocol tests run against: each test class runs once per store. */
enum TestStore {
  SQLITE,
  POSTGRESQL;

  /** A test's PostgreSQL database, by its data directory: a restarted hub finds its log again. */
  private static final Map<Path, String> DATABASES = new ConcurrentHashMap<>();

  HubConfig apply(HubConfig config) {
    if (this == SQLITE) {
      return config;
    }
    return config.withStore(new StoreUrl(database(config.dataDir()), null));
  }

  static String database(Path dataDir) {
    return DATABASES.computeIfAbsent(
        dataDir,
        dir -> {
          try {
            return PgCluster.shared().newDatabase();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database", e);
          }
        });
  }
}
