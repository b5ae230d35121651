package io.chora.spring.boot;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.HubStatus;
import io.chora.sync.ApplyResult;
import io.chora.sync.ChangeSet;
import io.chora.sync.Conflict;
import io.chora.sync.SyncResult;
import io.chora.sync.VectorClock;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * The merge API of the application's replica as a bean: {@code syncWith}, change sets, conflicts,
 * the hub's status. It runs on one connection of its own, opened with the pool's URL and options
 * when the application starts and closed when it stops, never on one of the pool's:
 *
 * <ul>
 *   <li>a bean that held a pooled connection would keep it from the application for ever, and one
 *       that borrowed per call would join whatever transaction Spring has bound to the calling
 *       thread (a sync would commit or roll back with the caller's work) and could wait for a free
 *       connection in a busy pool;
 *   <li>on its own connection every call is chora's own SQLite transaction, which waits for the
 *       application's writers as any writer does ({@code busy_timeout});
 *   <li>the connection keeps the replica's hub client running for as long as the application runs,
 *       even while the pool has no connection open.
 * </ul>
 *
 * <p>Calls are serialized on that connection. {@link #withConnection} reaches the rest of {@link
 * ChoraConnection}.
 */
public final class ChoraSync implements AutoCloseable {
  private final String url;
  private final Connection connection;
  private final ChoraConnection chora;
  private final SyncCounts counts = new SyncCounts();

  /** What to do with the replica's {@link ChoraConnection}. */
  @FunctionalInterface
  public interface ChoraWork<T> {
    T apply(ChoraConnection chora) throws SQLException;
  }

  ChoraSync(String url, Properties options) throws SQLException {
    if (url.contains(":memory:") || url.contains("mode=memory")) {
      // each connection to an in-memory database is a database of its own: the pool's connections
      // and this one would be different replicas
      throw new SQLException(
          "chora: "
              + url
              + " is an in-memory database, one per connection; the starter needs a database"
              + " file (jdbc:chora:app.db)");
    }
    this.url = url;
    this.connection = DriverManager.getConnection(url, options);
    this.chora = connection.unwrap(ChoraConnection.class);
  }

  /** Runs {@code work} on the replica's connection, one call at a time. */
  public synchronized <T> T withConnection(ChoraWork<T> work) throws SQLException {
    return work.apply(chora);
  }

  /** This replica's site id. */
  public String siteId() {
    return chora.siteId();
  }

  public VectorClock clock() throws SQLException {
    return withConnection(ChoraConnection::clock);
  }

  /** Sends {@code other} what it lacks and takes what this replica lacks. */
  public SyncResult syncWith(ChoraConnection other) throws SQLException {
    SyncResult result = withConnection(c -> c.syncWith(other));
    counts.add(result);
    return result;
  }

  /**
   * {@link #syncWith(ChoraConnection)} with the replica at {@code peerUrl} (a {@code jdbc:chora:}
   * URL), opened for this sync and closed after it.
   */
  public SyncResult syncWith(String peerUrl) throws SQLException {
    try (Connection peer = DriverManager.getConnection(peerUrl)) {
      return syncWith(peer.unwrap(ChoraConnection.class));
    }
  }

  public ChangeSet changesSince(VectorClock peer) throws SQLException {
    return withConnection(c -> c.changesSince(peer));
  }

  public ApplyResult apply(ChangeSet changes) throws SQLException {
    return withConnection(c -> c.apply(changes));
  }

  public HubStatus hubStatus() throws SQLException {
    return withConnection(ChoraConnection::hubStatus);
  }

  /** Open conflicts, with the value kept and the value lost. */
  public List<Conflict> conflicts() throws SQLException {
    return withConnection(ChoraConnection::conflicts);
  }

  public void restoreConflict(long id) throws SQLException {
    withConnection(
        c -> {
          c.restoreConflict(id);
          return null;
        });
  }

  public void dismissConflict(long id) throws SQLException {
    withConnection(
        c -> {
          c.dismissConflict(id);
          return null;
        });
  }

  /** The replica's JDBC URL, as the pool has it. */
  public String url() {
    return url;
  }

  /** Totals of the syncs made through this bean, for the meters. */
  SyncCounts counts() {
    return counts;
  }

  @Override
  public synchronized void close() throws SQLException {
    connection.close();
  }
}
