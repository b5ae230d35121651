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
    TableInfo table =
        tracked.values().stream()
            .filter(t -> t.name().equals(conflict.table()))
            .findFirst()
            .orElseThrow(() -> new SQLException("chora: table " + conflict.table() + " is gone"));
    try (TableWriter writer = new TableWriter(conn)) {
      if (conflict.kind() != Conflict.Kind.CELL) {
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
