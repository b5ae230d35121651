package io.chora.jdbc.log;

import io.chora.sync.Conflict;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;

/**
 * What a user does with a ledger entry: restore the lost side (a cell's value, or a removed row, as
 * a new local write that syncs like any other) or dismiss it. Runs in the caller's write
 * transaction; a conflict that is no longer open is refused, saying what became of it.
 */
final class LedgerActions {
  private LedgerActions() {}

  static Void restore(Connection conn, Map<Long, TableInfo> tracked, long id) throws SQLException {
    Conflict conflict = requireOpen(conn, id);
    Map.Entry<Long, TableInfo> found =
        tracked.entrySet().stream()
            .filter(t -> t.getValue().name().equals(conflict.table()))
            .findFirst()
            .orElseThrow(() -> new SQLException("chora: table " + conflict.table() + " is gone"));
    TableInfo table = found.getValue();
    try (TableWriter writer = new TableWriter(conn)) {
      if (conflict.kind() == Conflict.Kind.SAME_KEY) {
        restoreUnderNewKey(conn, writer, found.getKey(), table, conflict);
      } else if (conflict.kind() != Conflict.Kind.CELL) {
        restoreRow(writer, table, conflict);
      } else if (writer.update(
              table, conflict.key(), Collections.singletonMap(conflict.column(), conflict.lost()))
          == 0) {
        throw new SQLException(
            "chora: the row of conflict " + id + " no longer exists; nothing to restore");
      }
    }
    Ledger.setStatus(conn, id, Conflict.Status.RESTORED);
    return null;
  }

  static Void dismiss(Connection conn, long id) throws SQLException {
    requireOpen(conn, id);
    Ledger.setStatus(conn, id, Conflict.Status.DISMISSED);
    return null;
  }

  /** The conflict, still open; else an error saying what became of it. */
  private static Conflict requireOpen(Connection conn, long id) throws SQLException {
    Conflict conflict = Ledger.get(conn, id);
    if (conflict.status() != Conflict.Status.OPEN) {
      throw new SQLException(
          "chora: conflict "
              + id
              + " is already "
              + conflict.status().name().toLowerCase(Locale.ROOT));
    }
    return conflict;
  }

  /**
   * Puts a row that lost its key to another replica's row back under a key of this replica's own
   * block ({@link KeyFunction}), as a new local insert: a new record that syncs like any other.
   * Rows of other tables that refer to the old key stay with the row that kept it.
   */
  private static void restoreUnderNewKey(
      Connection conn, TableWriter writer, long tableId, TableInfo table, Conflict conflict)
      throws SQLException {
    long key;
    try (java.sql.PreparedStatement ps =
        conn.prepareStatement("SELECT " + KeyFunction.NAME + "(?)")) {
      ps.setLong(1, tableId);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        rs.next();
        key = rs.getLong(1);
      }
    }
    Map<String, Object> row = new java.util.LinkedHashMap<>(conflict.lostRow());
    row.remove(table.keyColumns().get(0));
    endLostLife(conn, tableId, conflict);
    try {
      writer.insert(table, java.util.List.of(key), row);
    } catch (SQLException e) {
      throw new SQLException(
          "chora: conflict "
              + conflict.id()
              + " restores a row of "
              + table.name()
              + " under the new key "
              + key
              + ", which SQLite refused (free its UNIQUE values first): "
              + e.getMessage(),
          e.getSQLState(),
          e.getErrorCode(),
          e);
    }
  }

  /**
   * Logs, in the restoring transaction, the end of the lost life under its old key (a delete that
   * names it, which the fold leaves alone: the key holds another life), so that every replica
   * closes its entry of that row instead of offering to restore it a second time.
   */
  private static void endLostLife(Connection conn, long tableId, Conflict conflict)
      throws SQLException {
    try (java.sql.PreparedStatement ps =
        conn.prepareStatement(
            "INSERT INTO chora_log(tbl, op, pk, cols, site, seq) SELECT ?, "
                + LogOp.DELETE
                + ", pk, cl + 1, lost_site, lost_seq FROM chora_conflicts WHERE id = ?")) {
      ps.setLong(1, tableId);
      ps.setLong(2, conflict.id());
      ps.executeUpdate();
    }
  }

  /** Puts a row a merge removed back, as a new local insert that syncs like any other. */
  private static void restoreRow(TableWriter writer, TableInfo table, Conflict conflict)
      throws SQLException {
    try {
      writer.insert(table, conflict.key(), conflict.lostRow());
    } catch (SQLException e) {
      throw new SQLException(
          "chora: conflict "
              + conflict.id()
              + " restores a removed row of "
              + table.name()
              + ", which SQLite refused (free the value or restore the parent first): "
              + e.getMessage(),
          e.getSQLState(),
          e.getErrorCode(),
          e);
    }
  }
}
