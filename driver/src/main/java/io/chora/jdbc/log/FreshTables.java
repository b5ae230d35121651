package io.chora.jdbc.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The rowid tables {@code chora_rows} held nothing of when an apply began, and the range of integer
 * keys {@link MergeState} wrote for each since: a key outside that range has no state, so {@link
 * MergeState#row} answers without a look-up. An empty replica's first apply writes keys in order,
 * so each of its look-ups is saved. Exact because every write of {@code chora_rows} during an apply
 * goes through that one {@link MergeState} ({@link #wrote}); a key that is not an integer (which
 * SQLite may compare equal to an integer) ends the shortcut for its table.
 */
final class FreshTables {
  /** Per fresh table: the lowest and highest key written since, {@code lo > hi} while none. */
  private final Map<Long, long[]> written = new HashMap<>();

  /** The rowid tables of {@code tables} of which {@code chora_rows} holds no row now. */
  static FreshTables of(Connection conn, Map<Long, TableInfo> tables) throws SQLException {
    FreshTables fresh = new FreshTables();
    try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM chora_rows WHERE tbl = ?")) {
      for (Map.Entry<Long, TableInfo> e : tables.entrySet()) {
        if (!e.getValue().rowidKey()) {
          continue;
        }
        ps.setLong(1, e.getKey());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            fresh.written.put(e.getKey(), new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
          }
        }
      }
    }
    return fresh;
  }

  /** Whether {@code chora_rows} certainly holds no row of this table and stored key. */
  boolean absent(long table, Object key) {
    long[] range = written.get(table);
    if (range == null || !(key instanceof Long || key instanceof Integer)) {
      return false;
    }
    long k = ((Number) key).longValue();
    return k < range[0] || k > range[1];
  }

  /** Notes a write of the row's state. */
  void wrote(long table, Object key) {
    long[] range = written.get(table);
    if (range == null) {
      return;
    }
    if (!(key instanceof Long || key instanceof Integer)) {
      written.remove(table); // 1.0 may be the row 1: look every key up from now on
      return;
    }
    long k = ((Number) key).longValue();
    range[0] = Math.min(range[0], k);
    range[1] = Math.max(range[1], k);
  }
}
