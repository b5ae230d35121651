package io.chora.hub;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Where a hub's device tokens live: beside its logs, so that every instance serving a workspace
 * sees the same tokens and a revoke on one is a revoke on all. {@link TokenFile} is the SQLite
 * store's ({@code DATA/tokens.sqlite}), {@link PgTokens} the PostgreSQL store's. Per workspace, a
 * name and the SHA-256 of its token (never the token), when it was added and when revoked; one
 * active token per name; revoked rows stay, so {@code list} shows them.
 */
interface TokenStore extends AutoCloseable {
  /** One token as stored. */
  record Row(String workspace, String name, byte[] digest, long addedAt, Long revokedAt) {}

  /**
   * Changes whenever a token was added or revoked since the last call, by this process or another,
   * so the hub re-reads the rows only then.
   */
  Object version() throws SQLException;

  /** Every token, revoked ones too, by workspace and name. */
  List<Row> rows() throws SQLException;

  /**
   * @return false, adding nothing, if {@code name} already has an active token
   */
  boolean add(String workspace, String name, byte[] digest, long now) throws SQLException;

  /**
   * @return false if {@code name} has no active token
   */
  boolean revoke(String workspace, String name, long now) throws SQLException;

  /** The sites bound in {@code workspace}'s log: site → credential id (a device's name). */
  Map<String, String> bindings(String workspace) throws SQLException;

  /** What the store is, for messages. */
  String describe();

  @Override
  void close() throws SQLException;

  /**
   * The tokens of a hub with the data directory {@code dataDir} and the store {@code store} (null:
   * the default SQLite files), opened apart from a running hub (for {@code chora hub token}).
   *
   * @return null if there is no token file yet and {@code create} is false
   */
  static TokenStore open(Path dataDir, StoreUrl store, boolean create)
      throws SQLException, IOException {
    return store == null ? TokenFile.open(dataDir, create) : PgTokens.open(store);
  }
}
