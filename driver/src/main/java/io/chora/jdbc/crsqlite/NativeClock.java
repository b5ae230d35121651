package io.chora.jdbc.crsqlite;

import io.chora.jdbc.seam.SqliteConnection;
import io.chora.sync.VectorClock;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A native replica's clock: for each replica, the highest of that replica's cr-sqlite versions
 * ({@code db_version}) whose state this one holds. Its own entry is its current version ({@link
 * CrrCatalog#storedVersion}); the others are kept in {@code chora_peer_versions}.
 *
 * <p>Why versions of the replica that sent them, not of the site that wrote each cell: cr-sqlite
 * 0.16 gives every merged change a new version of the receiving database (at least one past its
 * own, see its {@code crsql_next_db_version}), so a relay cannot select another site's changes by
 * that site's versions. A replica's version, in contrast, only grows, and every change it takes in,
 * local or merged, gets a version above all it had: "rows of {@code crsql_changes} with {@code
 * db_version} above v" is exactly what a replica holding its state at v lacks. Relays carry changes
 * on (A to B to C), and a set also carries the sender's clock, which the receiver merges: holding
 * the sender's state, it holds all the sender held.
 */
final class NativeClock {
  private NativeClock() {}

  static VectorClock read(SqliteConnection conn, String ownSite, CrrCatalog catalog)
      throws SQLException {
    Map<String, Long> entries = new TreeMap<>();
    for (List<Object> row : Sql.queryRows(conn, "SELECT site, version FROM chora_peer_versions")) {
      entries.put((String) row.get(0), (Long) row.get(1));
    }
    entries.put(ownSite, catalog.storedVersion(conn));
    return VectorClock.of(entries);
  }

  /** Raises the stored entries to {@code clock}'s, except this replica's own; in a transaction. */
  static void merge(SqliteConnection conn, VectorClock clock, String ownSite) throws SQLException {
    for (Map.Entry<String, Long> e : clock.entries().entrySet()) {
      if (!e.getKey().equals(ownSite)) {
        Sql.exec(
            conn,
            "INSERT INTO chora_peer_versions(site, version) VALUES (?, ?)"
                + " ON CONFLICT(site) DO UPDATE SET version = max(version, excluded.version)",
            e.getKey(),
            e.getValue());
      }
    }
  }
}
