package io.chora.jdbc.log;

import io.chora.sync.Conflict;
import io.chora.sync.Dot;
import io.chora.sync.Stamp;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ledger's {@link Conflict.Kind#SAME_KEY} entries: rows that lost their rowid key to a row
 * another replica created concurrently under it ({@link SameKeyRule}). An entry is named by its
 * table, key and lost life (the transaction that created the lost row), so that later changes of
 * that life find it wherever they arrive: updates fill its row, a delete by its own replica closes
 * it as {@code SUPERSEDED}. Nothing of a lost life ever reaches the table but through a restore.
 */
final class LostLives implements AutoCloseable {
  /** An entry: its id, whether it is open, the lost life's causal length, its row. */
  record Lost(long id, boolean open, long cl, Map<String, Object> row) {}

  /** The stamp of the write that set each of a row's values. */
  @FunctionalInterface
  interface CellStamps {
    Stamp of(String column) throws SQLException;
  }

  private final Connection conn;
  private final PreparedStatement find;
  private final PreparedStatement rowOf;
  private final PreparedStatement insert;
  private final PreparedStatement putCell;
  private Boolean any; // whether the ledger holds any SAME_KEY entry; lazily

  LostLives(Connection conn) throws SQLException {
    this.conn = conn;
    find =
        conn.prepareStatement(
            "SELECT id, status, cl FROM chora_conflicts WHERE kind = 'SAME_KEY' AND tbl = ? AND pk"
                + " = ? AND lost_site = ? AND lost_seq = ?");
    rowOf = conn.prepareStatement("SELECT col, value FROM chora_conflict_rows WHERE conflict = ?");
    insert =
        conn.prepareStatement(
            "INSERT INTO chora_conflicts(tbl, pk, col, lost_site, lost_seq, lost_hlc, kept_hlc,"
                + " kind, status, cl) VALUES (?, ?, ?, ?, ?, ?, 0, 'SAME_KEY', 'OPEN', ?)");
    // a value replaces the entry's only if its write wins by the cells' rule (last writer by HLC,
    // then site id): the same value on every replica whatever order the writes arrive in
    putCell =
        conn.prepareStatement(
            "INSERT INTO chora_conflict_rows(conflict, col, value, hlc, site) VALUES (?, ?, ?, ?,"
                + " ?) ON CONFLICT (conflict, col) DO UPDATE SET value = excluded.value, hlc ="
                + " excluded.hlc, site = excluded.site WHERE excluded.hlc > hlc OR (excluded.hlc ="
                + " hlc AND coalesce(excluded.site, '') > coalesce(site, ''))");
  }

  /**
   * Names, on a logged delete, the life it ended and the causal length it gave the key, as {@link
   * #tag} does for a life that gives way: it is then sent as that life's delete.
   */
  static void nameDeleted(Connection conn, long logId, Dot life, long cl) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement("UPDATE chora_log SET site = ?, seq = ?, cols = ? WHERE id = ?")) {
      ps.setString(1, life.site());
      ps.setLong(2, life.seq());
      ps.setLong(3, cl);
      ps.setLong(4, logId);
      ps.executeUpdate();
    }
  }

  /** The entry of a lost life, or null when this life never lost its key here. */
  Lost find(String table, Object storedKey, Dot life) throws SQLException {
    if (any == null) {
      try (PreparedStatement ps =
              conn.prepareStatement(
                  "SELECT EXISTS (SELECT 1 FROM chora_conflicts WHERE kind = 'SAME_KEY')");
          ResultSet rs = ps.executeQuery()) {
        any = rs.next() && rs.getInt(1) == 1;
      }
    }
    if (!any) {
      return null;
    }
    find.setString(1, table);
    find.setObject(2, storedKey);
    find.setString(3, life.site());
    find.setLong(4, life.seq());
    long id;
    boolean open;
    long cl;
    try (ResultSet rs = find.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      id = rs.getLong(1);
      open = Conflict.Status.OPEN.name().equals(rs.getString(2));
      cl = rs.getLong(3);
    }
    Map<String, Object> row = new LinkedHashMap<>();
    rowOf.setLong(1, id);
    try (ResultSet rs = rowOf.executeQuery()) {
      while (rs.next()) {
        row.put(rs.getString(1), RowReader.normalize(rs.getObject(2)));
      }
    }
    return new Lost(id, open, cl, row);
  }

  /**
   * Records a row that lost its key, or, when its life lost here before, adds what it says to that
   * entry. Returns whether a new entry opened.
   */
  boolean record(
      TableInfo table,
      Object storedKey,
      Dot life,
      long hlc,
      long cl,
      Map<String, Object> row,
      CellStamps stamps)
      throws SQLException {
    Lost known = find(table.name(), storedKey, life);
    if (known != null) {
      if (known.open()) {
        fill(known, row, stamps);
      }
      return false;
    }
    insert.setString(1, table.name());
    insert.setObject(2, storedKey);
    insert.setString(3, table.keyColumns().get(0));
    insert.setString(4, life.site());
    insert.setLong(5, life.seq());
    insert.setLong(6, hlc);
    insert.setLong(7, cl);
    insert.executeUpdate();
    any = true;
    long id;
    try (PreparedStatement ps = conn.prepareStatement("SELECT last_insert_rowid()");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      id = rs.getLong(1);
    }
    fill(new Lost(id, true, cl, Map.of()), row, stamps);
    return true;
  }

  /**
   * Marks this replica's logged updates and deletes of a life that gives way to another life under
   * its key, so that they are still sent as that life's, not the key's: a replica that never saw
   * the other life applies them to the row they were made on. The rows after the transaction that
   * began the life are its own (earlier lives of the key ended before it began).
   */
  void tag(long tableId, Object storedKey, Dot life, long cl) throws SQLException {
    Object marker = ofMarker(life, "id");
    long from = marker == null ? 0 : ((Number) marker).longValue();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "UPDATE chora_log SET site = ?, seq = ?, cols = CASE op WHEN "
                + LogOp.DELETE
                + " THEN ? ELSE cols END WHERE tbl = ? AND pk = ? AND id > ? AND op IN ("
                + LogOp.UPDATE
                + ", "
                + LogOp.DELETE
                + ") AND site IS NULL")) {
      ps.setString(1, life.site());
      ps.setLong(2, life.seq());
      ps.setLong(3, cl % 2 == 0 ? cl : cl + 1);
      ps.setLong(4, tableId);
      ps.setObject(5, storedKey);
      ps.setLong(6, from);
      ps.executeUpdate();
    }
  }

  /**
   * Whether this replica's log holds a delete of {@code life} under the key: its own (the fold
   * names the life a local delete ended, {@link #nameDeleted}), or one received (logged with the
   * life it names). A replica that held that row ended it, so nothing of it is lost, as a delete
   * wins over a concurrent edit of any row. One scan of the log: only for an edit of a losing life
   * that has no entry here.
   */
  boolean ended(long tableId, Object storedKey, Dot life) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT EXISTS (SELECT 1 FROM chora_log WHERE op = "
                + LogOp.DELETE
                + " AND tbl = ? AND pk = ? AND site = ? AND seq = ?)")) {
      ps.setLong(1, tableId);
      ps.setObject(2, storedKey);
      ps.setString(3, life.site());
      ps.setLong(4, life.seq());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getInt(1) == 1;
      }
    }
  }

  /**
   * The dependencies of the transaction that began {@code life}, from its commit marker; those of
   * {@code fallback} when this replica does not have it (one scan of the log: only when another
   * replica's later generation ends a live row).
   */
  VectorClock depsOf(Dot life, Transaction fallback) throws SQLException {
    String deps = (String) ofMarker(life, "deps");
    if (deps != null) {
      return VectorClock.parse(deps);
    }
    return fallback.deps();
  }

  /** A column of the commit marker of transaction {@code dot} in the log; null without one. */
  private Object ofMarker(Dot dot, String column) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT "
                + column
                + " FROM chora_log WHERE op = "
                + LogOp.COMMIT
                + " AND site = ? AND seq = ?")) {
      ps.setString(1, dot.site());
      ps.setLong(2, dot.seq());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getObject(1) : null;
      }
    }
  }

  /**
   * Writes of a lost life: each column takes the value written unless the entry holds a later write
   * of it (two replicas that held the lost row may have edited it concurrently).
   */
  void fill(Lost lost, Map<String, Object> values, CellStamps stamps) throws SQLException {
    for (Map.Entry<String, Object> e : values.entrySet()) {
      Stamp stamp = stamps.of(e.getKey());
      putCell.setLong(1, lost.id());
      putCell.setString(2, e.getKey());
      putCell.setObject(3, e.getValue());
      putCell.setLong(4, stamp.hlc());
      putCell.setString(5, stamp.dot() == null ? null : stamp.dot().site());
      putCell.executeUpdate();
    }
  }

  /** The lost row was deleted by a replica that held it: nothing is lost any more. */
  void superseded(Lost lost) throws SQLException {
    Ledger.setStatus(conn, lost.id(), Conflict.Status.SUPERSEDED);
  }

  @Override
  public void close() throws SQLException {
    find.close();
    rowOf.close();
    insert.close();
    putCell.close();
  }
}
