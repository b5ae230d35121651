package io.chora.jdbc.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The fold of a fresh replica's history in one statement: when the merge state is empty and the
 * unfolded log holds only whole-row inserts, each of a different row, {@link MergeState#fold} would
 * give every inserted row a first life (causal length 1) begun by its own transaction, and nothing
 * else. The state it writes row by row is computed here by SQL instead, each log row finding its
 * transaction's commit marker by a running minimum over the log in reverse. Whatever else the log
 * holds (an update, a delete, a REPLACE, a relayed life, a counting column, an open conflict, two
 * inserts of one row) leaves the fold to the row-by-row rules, so the two ways never differ; a
 * read-only connection, which folds into TEMP shadows, always takes the rules.
 */
final class BulkFold {
  private BulkFold() {}

  /**
   * Folds the log after {@code from} up to its last commit marker when it can, and returns that
   * marker's id; -1, with nothing changed, when it could not. Rows after the marker belong to a
   * transaction still open, which a later fold takes.
   */
  static long tryFold(Connection conn, Map<Long, TableInfo> tables, long from) throws SQLException {
    if (tables.isEmpty() || conn.isReadOnly() || !stateEmpty(conn)) {
      return -1;
    }
    long lastMarker = lastMarker(conn, from);
    if (lastMarker < 0) {
      return -1;
    }
    String tracked = tables.keySet().stream().map(String::valueOf).collect(Collectors.joining(","));
    long inserts;
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT count(*) FILTER (WHERE op = "
                + LogOp.INSERT
                + " AND tbl IN ("
                + tracked
                + ")), count(*) FILTER (WHERE op NOT IN ("
                + LogOp.COMMIT
                + ", "
                + LogOp.INSERT
                + ") OR (op = "
                + LogOp.INSERT
                + " AND site IS NOT NULL)) FROM chora_log WHERE id > ? AND id <= ?")) {
      ps.setLong(1, from);
      ps.setLong(2, lastMarker);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        inserts = rs.getLong(1);
        if (rs.getLong(2) > 0) {
          return -1; // more than fresh rows: the rules decide
        }
      }
    }
    int written;
    try (PreparedStatement ps =
        conn.prepareStatement(
            // OR IGNORE: a second insert of one row (a REPLACE of it) is not written, so the count
            // below tells it, and the rules fold instead
            "INSERT OR IGNORE INTO chora_rows(tbl, pk, cl, site, seq, hlc, life_site, life_seq)"
                + " SELECT l.tbl, l.pk, 1, m.site, coalesce(m.seq, 0), coalesce(m.hlc, 0), m.site,"
                + " coalesce(m.seq, 0) FROM (SELECT id, tbl, op, pk, min(CASE WHEN op = "
                + LogOp.COMMIT
                + " THEN id END) OVER (ORDER BY id DESC ROWS UNBOUNDED PRECEDING) AS marker FROM"
                + " chora_log WHERE id > ? AND id <= ?) l JOIN chora_log m ON m.id = l.marker"
                + " WHERE l.op = "
                + LogOp.INSERT
                + " AND l.tbl IN ("
                + tracked
                + ")")) {
      ps.setLong(1, from);
      ps.setLong(2, lastMarker);
      written = ps.executeUpdate();
    }
    if (written != inserts) {
      try (Statement st = conn.createStatement()) {
        st.executeUpdate("DELETE FROM chora_rows"); // it was empty: as it was
      }
      return -1;
    }
    return lastMarker;
  }

  private static long lastMarker(Connection conn, long from) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT max(id) FROM chora_log WHERE id > ? AND op = " + LogOp.COMMIT)) {
      ps.setLong(1, from);
      try (ResultSet rs = ps.executeQuery()) {
        long id = rs.next() ? rs.getLong(1) : 0;
        return rs.wasNull() || id == 0 ? -1 : id;
      }
    }
  }

  /** No row state, no cell state, no conflict: what a replica that never merged holds. */
  private static boolean stateEmpty(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT NOT EXISTS (SELECT 1 FROM chora_rows) AND NOT EXISTS (SELECT 1 FROM"
                    + " chora_cells) AND NOT EXISTS (SELECT 1 FROM chora_conflicts)")) {
      return rs.next() && rs.getBoolean(1);
    }
  }
}
