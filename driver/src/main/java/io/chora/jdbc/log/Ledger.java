package io.chora.jdbc.log;

import io.chora.sync.Conflict;
import io.chora.sync.Dot;
import io.chora.sync.Stamp;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conflict ledger ({@code chora_conflicts}): for each cell that two concurrent transactions
 * wrote, the value kept and the value lost, with their writers; for each row a merge removed to
 * keep a UNIQUE or FOREIGN KEY constraint, the row as it was ({@code chora_conflict_rows}). Each
 * replica records what it sees while merging; a lost value or row can be restored as a new local
 * write, or dismissed.
 */
final class Ledger implements AutoCloseable {
  private final Connection conn;
  private final PreparedStatement insert;
  private final PreparedStatement insertRow;
  private final OpenConflicts open;

  Ledger(Connection conn) throws SQLException {
    this.conn = conn;
    this.open = new OpenConflicts(conn);
    this.insert =
        conn.prepareStatement(
            "INSERT INTO chora_conflicts(tbl, pk, col, kept, kept_site, kept_seq, kept_hlc, lost,"
                + " lost_site, lost_seq, lost_hlc, kind, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?)");
    this.insertRow =
        conn.prepareStatement(
            "INSERT INTO chora_conflict_rows(conflict, col, value) VALUES (last_insert_rowid(), ?,"
                + " ?)");
  }

  Connection connection() {
    return conn;
  }

  /** The open cell conflicts, kept to the cells' current concurrent writes. */
  OpenConflicts open() {
    return open;
  }

  /**
   * Two concurrent writes of one cell; {@code equal} when both wrote the same value (then nothing
   * is lost, and the entry stays unlisted until another value wins: see {@link OpenConflicts}).
   */
  void record(
      TableInfo table,
      Object storedKey,
      String column,
      Object kept,
      Stamp keptStamp,
      Object lost,
      Stamp lostStamp,
      boolean equal)
      throws SQLException {
    status = equal ? Conflict.Status.EQUAL : Conflict.Status.OPEN;
    try {
      recordRow(
          Conflict.Kind.CELL, table, storedKey, column, kept, keptStamp, lost, lostStamp, Map.of());
    } finally {
      status = Conflict.Status.OPEN;
    }
  }

  private Conflict.Status status = Conflict.Status.OPEN; // of the entry recordRow writes

  /**
   * A conflict of any kind; for a removed row, {@code row} holds all its values. {@code keptStamp}
   * is null when the kept side's write is unknown (a parent deleted before chora saw it), or {@link
   * Stamp#BASELINE} for a value from before chora tracked the table.
   */
  void recordRow(
      Conflict.Kind kind,
      TableInfo table,
      Object storedKey,
      String column,
      Object kept,
      Stamp keptStamp,
      Object lost,
      Stamp lostStamp,
      Map<String, Object> row)
      throws SQLException {
    insert.setString(1, table.name());
    insert.setObject(2, storedKey);
    insert.setString(3, column);
    insert.setObject(4, kept);
    Dot keptDot = keptStamp == null ? null : keptStamp.dot(); // null: unknown, or the baseline
    insert.setString(5, keptDot == null ? null : keptDot.site());
    insert.setObject(6, keptDot == null ? null : keptDot.seq());
    insert.setLong(7, keptStamp == null ? 0 : keptStamp.hlc());
    insert.setObject(8, lost);
    insert.setString(9, lostStamp.dot().site());
    insert.setLong(10, lostStamp.dot().seq());
    insert.setLong(11, lostStamp.hlc());
    insert.setString(12, kind.name());
    insert.setString(13, status.name());
    insert.executeUpdate();
    if (kind == Conflict.Kind.CELL) {
      open.recorded(table.name(), storedKey, column);
    }
    for (Map.Entry<String, Object> e : row.entrySet()) {
      insertRow.setString(1, e.getKey());
      insertRow.setObject(2, e.getValue());
      insertRow.executeUpdate();
    }
  }

  /** Conflicts in the ledger, oldest first; {@code onlyOpen} leaves out restored and dismissed. */
  static List<Conflict> list(Connection conn, boolean onlyOpen) throws SQLException {
    Map<String, TableInfo> tables = new java.util.HashMap<>();
    TriggerSync.tracked(conn).values().forEach(t -> tables.put(t.name(), t));
    List<Conflict> conflicts = new ArrayList<>();
    try (PreparedStatement ps =
            conn.prepareStatement(
                "SELECT id, tbl, pk, col, kept, kept_site, kept_seq, kept_hlc, lost, lost_site,"
                    + " lost_seq, lost_hlc, status, kind FROM chora_conflicts"
                    + (onlyOpen ? " WHERE status = 'OPEN'" : "")
                    + " ORDER BY id");
        PreparedStatement rowOf =
            conn.prepareStatement("SELECT col, value FROM chora_conflict_rows WHERE conflict = ?");
        PreparedStatement keyHolder =
            conn.prepareStatement(
                "SELECT coalesce(life_site, site), coalesce(life_seq, seq) FROM chora_rows WHERE"
                    + " tbl = (SELECT id FROM chora_tables WHERE name = ?) AND pk = ? AND cl % 2"
                    + " = 1");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        TableInfo table = tables.get(rs.getString(2));
        List<Object> key =
            table == null ? List.of(rs.getObject(3)) : KeyCodec.decode(table, rs.getObject(3));
        Conflict.Kind kind = Conflict.Kind.valueOf(rs.getString(14));
        String keptSite = rs.getString(6);
        Dot keptDot = keptSite == null ? null : new Dot(keptSite, rs.getLong(7));
        if (kind == Conflict.Kind.SAME_KEY) {
          keptDot = keyHolder(keyHolder, rs.getString(2), rs.getObject(3));
        }
        conflicts.add(
            new Conflict(
                rs.getLong(1),
                kind,
                rs.getString(2),
                key,
                rs.getString(4),
                RowReader.normalize(rs.getObject(5)),
                keptDot,
                rs.getLong(8),
                RowReader.normalize(rs.getObject(9)),
                new Dot(rs.getString(10), rs.getLong(11)),
                rs.getLong(12),
                kind == Conflict.Kind.CELL ? Map.of() : row(rowOf, rs.getLong(1), table),
                Conflict.Status.valueOf(rs.getString(13))));
      }
    }
    return conflicts;
  }

  /**
   * The life the key of a SAME_KEY entry holds now (null when its row is deleted): the kept side is
   * always what the table holds, however many lives came and went since the entry opened.
   */
  private static Dot keyHolder(PreparedStatement ps, String table, Object storedKey)
      throws SQLException {
    ps.setString(1, table);
    ps.setObject(2, storedKey);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? new Dot(rs.getString(1), rs.getLong(2)) : null;
    }
  }

  /** A removed row's values, in the table's column order when the table is still there. */
  private static Map<String, Object> row(PreparedStatement rowOf, long id, TableInfo table)
      throws SQLException {
    Map<String, Object> values = new LinkedHashMap<>();
    rowOf.setLong(1, id);
    try (ResultSet rs = rowOf.executeQuery()) {
      while (rs.next()) {
        values.put(rs.getString(1), RowReader.normalize(rs.getObject(2)));
      }
    }
    if (table == null) {
      return values;
    }
    Map<String, Object> ordered = new LinkedHashMap<>();
    for (String column : table.columns()) {
      if (values.containsKey(column)) {
        ordered.put(column, values.get(column));
      }
    }
    return ordered;
  }

  /** One conflict by id, or an error naming the id. */
  static Conflict get(Connection conn, long id) throws SQLException {
    for (Conflict c : list(conn, false)) {
      if (c.id() == id) {
        return c;
      }
    }
    throw new SQLException("chora: no conflict with id " + id);
  }

  static void setStatus(Connection conn, long id, Conflict.Status status) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement("UPDATE chora_conflicts SET status = ? WHERE id = ?")) {
      ps.setString(1, status.name());
      ps.setLong(2, id);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("chora: no conflict with id " + id);
      }
    }
  }

  @Override
  public void close() throws SQLException {
    insert.close();
    insertRow.close();
  }
}
