package io.chora.hub;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A PostgreSQL database holding every workspace's log, shared by any number of hub instances: a
 * HikariCP pool for storing and reading, and a {@link PgNotifier} that tells this instance what the
 * others stored.
 */
final class PgDatabase implements LogStores {
  /** Enough for the store threads' commits and catch-up reads, and /health beside them. */
  private static final int POOL_SIZE = 8;

  /** How long a starting hub waits for its listening connection (and the running lock). */
  private static final java.time.Duration START_WAIT = java.time.Duration.ofSeconds(10);

  private final HikariDataSource pool;
  private final PgNotifier notifier;

  private PgDatabase(HikariDataSource pool, PgNotifier notifier) {
    this.pool = pool;
    this.notifier = notifier;
  }

  static PgDatabase open(StoreUrl store) throws SQLException {
    HikariDataSource pool = pool(store, POOL_SIZE);
    try (Connection db = pool.getConnection()) {
      PgSchema.upgrade(db);
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw e;
    }
    PgNotifier notifier = PgNotifier.start(store);
    boolean listening;
    try {
      // before any clock is loaded: a purge either ran before this or waits for this to stop
      listening = notifier.awaitListening(START_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      listening = false;
    }
    if (!listening) {
      String why = notifier.problem();
      notifier.close();
      pool.close();
      throw new SQLException("cannot listen on the store: " + why);
    }
    return new PgDatabase(pool, notifier);
  }

  /** A pool of {@code size} connections to {@code store}, in the hub's schema. */
  static HikariDataSource pool(StoreUrl store, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(store.url());
    if (store.password() != null) {
      config.setPassword(store.password());
    }
    config.setPoolName("chora-hub-store");
    config.setMaximumPoolSize(size);
    config.setConnectionTimeout(5_000);
    // start even when PostgreSQL is down: the hub reports it on /health and acks nothing meanwhile
    config.setInitializationFailTimeout(-1);
    config.setSchema(PgSchema.SCHEMA);
    return new HikariDataSource(config);
  }

  @Override
  public TokenStore tokens(boolean create) {
    return new PgTokens(pool::getConnection, "the PostgreSQL store", null);
  }

  @Override
  public LogStore open(String workspace) throws SQLException {
    try (Connection db = pool.getConnection();
        PreparedStatement ps =
            db.prepareStatement(
                "INSERT INTO workspace(ws, last_id) VALUES (?, 0) ON CONFLICT DO NOTHING")) {
      ps.setString(1, workspace);
      ps.executeUpdate();
    }
    return new PgStore(workspace, pool, notifier);
  }

  @Override
  public boolean exists(String workspace) throws SQLException {
    try (Connection db = pool.getConnection();
        PreparedStatement ps = db.prepareStatement("SELECT 1 FROM workspace WHERE ws = ?")) {
      ps.setString(1, workspace);
      try (ResultSet rows = ps.executeQuery()) {
        return rows.next();
      }
    }
  }

  /**
   * The listening connection's state first: it notices a lost server within a fraction of a second,
   * whereas the pool would wait its whole connection timeout, longer than a request to {@code
   * /health} may take.
   */
  @Override
  public String problem() {
    String listening = notifier.problem();
    if (listening != null) {
      return listening;
    }
    try (Connection db = pool.getConnection()) {
      return db.isValid(2) ? null : "the PostgreSQL store does not answer";
    } catch (SQLException e) {
      return "the PostgreSQL store is unreachable: " + e.getMessage();
    }
  }

  @Override
  public void close() {
    notifier.close();
    pool.close();
  }
}
