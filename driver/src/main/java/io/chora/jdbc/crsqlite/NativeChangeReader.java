package io.chora.jdbc.crsqlite;

import io.chora.jdbc.seam.SqliteConnection;
import io.chora.sync.Change;
import io.chora.sync.Dot;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what a peer lacks from {@code crsql_changes}: the rows above the version of this replica
 * that the peer's clock holds, as one transaction per version of this replica, in version order.
 * Each transaction's dependency on this replica is the version before it in the set (the first's is
 * the version the set starts from), and the set always ends with a transaction at this replica's
 * current version (empty if its rows were left out): so a receiver can tell a set that starts past
 * what it holds, and one cut short. Call inside a read transaction, with {@link #clock()} first.
 */
final class NativeChangeReader {
  /** Takes each transaction as it is read. */
  interface Sink {
    void accept(Transaction transaction) throws SQLException, IOException;
  }

  private static final String SINCE =
      "SELECT "
          + NativeChanges.COLUMNS
          + ", db_version FROM crsql_changes WHERE db_version > ? ORDER BY db_version, seq";

  private final SqliteConnection conn;
  private final String site;
  private final CrrCatalog catalog;
  private VectorClock clock;

  NativeChangeReader(SqliteConnection conn, String site, CrrCatalog catalog) {
    this.conn = conn;
    this.site = site;
    this.catalog = catalog;
  }

  VectorClock clock() throws SQLException {
    clock = NativeClock.read(conn, site, catalog);
    return clock;
  }

  /**
   * Sends {@code sink} the transactions a replica at {@code peer} lacks; returns how many. Rows
   * that replica wrote itself are not left out: cr-sqlite keeps a cell's writer also after the cell
   * changed under it (a row it re-creates keeps the cells of its old life, with col_version 0), so
   * "it wrote this" does not mean "it holds this".
   */
  int read(VectorClock peer, Sink sink) throws SQLException, IOException {
    long end = clock.get(site);
    long previous = peer.get(site);
    if (end <= previous) {
      return 0;
    }
    int sent = 0;
    try (PreparedStatement ps = Sql.prepare(conn, SINCE, previous);
        ResultSet rs = ps.executeQuery()) {
      List<Change> changes = new ArrayList<>();
      long version = -1;
      while (rs.next()) {
        long rowVersion = rs.getLong(9);
        if (rowVersion != version && !changes.isEmpty()) {
          sink.accept(transaction(version, previous, changes));
          sent++;
          previous = version;
          changes = new ArrayList<>();
        }
        version = rowVersion;
        changes.add(change(rs));
      }
      if (!changes.isEmpty()) {
        sink.accept(transaction(version, previous, changes));
        sent++;
        previous = version;
      }
    }
    if (previous != end) {
      sink.accept(transaction(end, previous, List.of())); // marks where the set ends
      sent++;
    }
    return sent;
  }

  private Transaction transaction(long version, long previous, List<Change> changes) {
    return new Transaction(
        new Dot(site, version), 0, new VectorClock().with(site, previous), changes);
  }

  private static Change change(ResultSet rs) throws SQLException {
    try {
      return NativeChanges.toChange(
          rs.getString(1),
          rs.getBytes(2),
          rs.getString(3),
          Sql.value(rs, 4),
          rs.getLong(5),
          rs.getBytes(6),
          rs.getLong(7),
          rs.getLong(8));
    } catch (IllegalArgumentException e) {
      throw new SQLException("chora: unexpected row in crsql_changes: " + e.getMessage(), e);
    }
  }
}
