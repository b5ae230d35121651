package io.chora.jdbc.log;

import io.chora.sync.Conflict;
import io.chora.sync.SqlValues;
import io.chora.sync.Stamp;
import io.chora.sync.VectorClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps the open cell conflicts what they should say, whatever order writes arrive in: for each
 * cell, one conflict per write that lost and that no later write of the cell was made knowing (the
 * cell's concurrent writes that lost), each naming the cell's winner as kept. So every replica that
 * holds the same writes holds the same open conflicts, and an open conflict's kept value is the
 * value the table holds.
 *
 * <ul>
 *   <li>A write whose writer had seen a lost write makes that conflict moot ({@code SUPERSEDED}):
 *       the lost value was overwritten, knowingly, not lost to a merge. This also drops the
 *       conflict a set's insert caused with values a later transaction of the same set wrote.
 *   <li>A write that wins becomes the kept side of the conflicts it does not supersede.
 *   <li>A local write of a cell supersedes them all (its writer has seen everything here), as does
 *       the end of the row's life (a delete, or a new life).
 * </ul>
 *
 * Cheap when the ledger has no open cell conflicts: one query per apply or fold finds that.
 */
final class OpenConflicts {
  /** The cell conflicts this class keeps: open ones, and unlisted ones of equal values. */
  static final String LIVE = "status IN ('OPEN', 'EQUAL') AND kind = 'CELL'";

  /** The partial index of the live cell conflicts by cell ({@link CaptureSchema}). */
  static final String INDEX = "chora_conflicts_live";

  private final Connection conn;
  private Set<String> cells; // open cell conflicts as table, key identity and column; lazily
  private Set<String> rows; // the rows of those cells, as table and key identity

  OpenConflicts(Connection conn) {
    this.conn = conn;
  }

  private static String cell(String table, Object storedKey, String column) {
    return table + '\0' + KeyCodec.identity(storedKey) + '\0' + column;
  }

  private static String row(String table, Object storedKey) {
    return table + '\0' + KeyCodec.identity(storedKey) + '\0';
  }

  private Set<String> cells() throws SQLException {
    if (cells == null) {
      cells = new HashSet<>();
      rows = new HashSet<>();
      try (PreparedStatement ps =
              conn.prepareStatement("SELECT tbl, pk, col FROM chora_conflicts WHERE " + LIVE);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          cells.add(cell(rs.getString(1), rs.getObject(2), rs.getString(3)));
          rows.add(row(rs.getString(1), rs.getObject(2)));
        }
      }
    }
    return cells;
  }

  private Boolean anyCellConflict; // whether the ledger holds any cell conflict at all; lazily

  /**
   * The value {@code dot} wrote into the cell, if it lost there and its conflict is open (so of the
   * row's current life, and not overwritten knowingly since), else {@link #UNKNOWN}. A change set
   * tells a cell by its current value, which is the winner's: a write that lost is told by the
   * value it really wrote, so that the receiver records the same conflict as this replica did.
   */
  Object lostValue(String table, Object storedKey, String column, io.chora.sync.Dot dot)
      throws SQLException {
    if (!any() || !cells().contains(cell(table, storedKey, column))) {
      return UNKNOWN; // one look at memory for the common cell without open conflicts
    }
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT lost FROM chora_conflicts WHERE "
                + LIVE
                + " AND tbl = ? AND pk IS ? AND col = ? AND lost_site = ? AND lost_seq = ? ORDER BY"
                + " id LIMIT 1")) {
      ps.setString(1, table);
      ps.setObject(2, storedKey);
      ps.setString(3, column);
      ps.setString(4, dot.site());
      ps.setLong(5, dot.seq());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? RowReader.normalize(rs.getObject(1)) : UNKNOWN;
      }
    }
  }

  /** Whether the ledger holds any open or unlisted cell conflict: one query, then remembered. */
  boolean any() throws SQLException {
    if (anyCellConflict == null) {
      try (PreparedStatement ps =
              conn.prepareStatement(
                  "SELECT EXISTS (SELECT 1 FROM chora_conflicts WHERE " + LIVE + ")");
          ResultSet rs = ps.executeQuery()) {
        anyCellConflict = rs.next() && rs.getInt(1) == 1;
      }
    }
    return anyCellConflict;
  }

  /** No value known: see {@link #lostValue}. */
  static final Object UNKNOWN = new Object();

  /** A conflict was just recorded for this cell. */
  void recorded(String table, Object storedKey, String column) throws SQLException {
    cells().add(cell(table, storedKey, column));
    rows.add(row(table, storedKey));
  }

  /**
   * A write of the cell by a transaction with dependencies {@code deps} arrived: {@code value} at
   * {@code stamp}, which won or lost against the cell's winner.
   */
  void written(
      String table,
      Object storedKey,
      String column,
      VectorClock deps,
      Stamp stamp,
      Object value,
      boolean wins)
      throws SQLException {
    if (!cells().contains(cell(table, storedKey, column))) {
      return;
    }
    List<Long> moot = new ArrayList<>();
    List<Long> nowKept = new ArrayList<>();
    List<Long> nowEqual = new ArrayList<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT id, lost, lost_site, lost_seq FROM chora_conflicts WHERE "
                + LIVE
                + " AND tbl = ? AND pk IS ? AND col = ?")) {
      ps.setString(1, table);
      ps.setObject(2, storedKey);
      ps.setString(3, column);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          boolean seen = deps.get(rs.getString(3)) >= rs.getLong(4);
          if (seen) {
            moot.add(rs.getLong(1));
          } else if (wins) {
            boolean equal = SqlValues.equal(RowReader.normalize(rs.getObject(2)), value);
            (equal ? nowEqual : nowKept).add(rs.getLong(1));
          }
        }
      }
    }
    for (long id : moot) {
      Ledger.setStatus(conn, id, Conflict.Status.SUPERSEDED);
    }
    if (!nowKept.isEmpty() || !nowEqual.isEmpty()) {
      try (PreparedStatement ps =
          conn.prepareStatement(
              "UPDATE chora_conflicts SET kept = ?, kept_site = ?, kept_seq = ?, kept_hlc = ?,"
                  + " status = ? WHERE id = ?")) {
        for (List<Long> ids : List.of(nowKept, nowEqual)) {
          for (long id : ids) {
            ps.setObject(1, value);
            ps.setString(2, stamp.dot().site());
            ps.setLong(3, stamp.dot().seq());
            ps.setLong(4, stamp.hlc());
            ps.setString(5, (ids == nowKept ? Conflict.Status.OPEN : Conflict.Status.EQUAL).name());
            ps.setLong(6, id);
            ps.executeUpdate();
          }
        }
      }
    }
  }

  /** The row's life ended here (deleted, or a new life began): its cell conflicts are moot. */
  void rowEnded(String table, Object storedKey) throws SQLException {
    String prefix = row(table, storedKey);
    if (cells().isEmpty() || !rows.remove(prefix)) {
      return;
    }
    supersede(" AND tbl = ? AND pk IS ?", table, storedKey);
    cells.removeIf(c -> c.startsWith(prefix));
  }

  /** A local write of these cells: its writer had seen every write of them this replica holds. */
  void writtenHere(String table, Object storedKey, Collection<String> columns) throws SQLException {
    if (cells().isEmpty()) {
      return;
    }
    for (String column : columns) {
      if (cells.remove(cell(table, storedKey, column))) {
        supersede(" AND tbl = ? AND pk IS ? AND col = ?", table, storedKey, column);
      }
    }
  }

  /** Closes the live cell conflicts {@code where} selects as moot. */
  private void supersede(String where, Object... args) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "UPDATE chora_conflicts SET status = 'SUPERSEDED' WHERE " + LIVE + where)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }
}
