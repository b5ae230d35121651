package io.chora.hub;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * The PostgreSQL store's device tokens, in {@code chora_hub.device_token} beside the logs: every
 * instance reads the same rows, so a token added or revoked through any of them (or by {@code chora
 * hub token --store}) holds on all within one poll.
 */
final class PgTokens implements TokenStore {
  /** Opens a connection to the store's database, its schema current (the pool's, or the CLI's). */
  interface Connections {
    Connection get() throws SQLException;
  }

  private final Connections connections;
  private final String description;
  private final AutoCloseable owned; // what close() ends: the CLI's own pool; nothing for the hub

  PgTokens(Connections connections, String description, AutoCloseable owned) {
    this.connections = connections;
    this.description = description;
    this.owned = owned;
  }

  /** The tokens of {@code store}, on a pool of their own (upgrading its schema as a hub would). */
  static PgTokens open(StoreUrl store) throws SQLException {
    var pool = PgDatabase.pool(store, 1);
    try (Connection db = pool.getConnection()) {
      PgSchema.upgrade(db);
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw e;
    }
    return new PgTokens(pool::getConnection, store.toString(), pool);
  }

  /**
   * Rows are never deleted, so the number of rows and of revoked rows together change with every
   * add and every revoke, in whatever order concurrent transactions commit (a highest id would not:
   * a smaller one may commit after it).
   */
  @Override
  public Object version() throws SQLException {
    try (Connection db = connections.get();
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*), count(revoked_at) FROM device_token")) {
      rs.next();
      return rs.getLong(1) + "/" + rs.getLong(2);
    }
  }

  @Override
  public List<Row> rows() throws SQLException {
    try (Connection db = connections.get()) {
      return TokenRows.rows(db);
    }
  }

  @Override
  public boolean add(String workspace, String name, byte[] digest, long now) throws SQLException {
    try (Connection db = connections.get()) {
      return TokenRows.add(db, workspace, name, digest, now);
    }
  }

  @Override
  public boolean revoke(String workspace, String name, long now) throws SQLException {
    try (Connection db = connections.get()) {
      return TokenRows.revoke(db, workspace, name, now);
    }
  }

  @Override
  public Map<String, String> bindings(String workspace) throws SQLException {
    try (Connection db = connections.get()) {
      return LogQueries.scopedTo(workspace).loadBindings(db);
    }
  }

  @Override
  public String describe() {
    return "the device tokens in " + description;
  }

  @Override
  public void close() throws SQLException {
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception e) {
        throw new SQLException("cannot close " + description + ": " + e.getMessage(), e);
      }
    }
  }
}
