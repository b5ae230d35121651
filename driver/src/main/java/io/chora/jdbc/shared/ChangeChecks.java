package io.chora.jdbc.shared;

import io.chora.sync.Change;
import io.chora.sync.ChangeKind;
import io.chora.sync.Transaction;
import java.sql.SQLException;
import java.util.Map;

/**
 * The checks of one incoming change that both engines make before anything is written: the table is
 * one this replica syncs, the key is whole and fits, a delete carries no values, and each value
 * fits its column. What a mode's changes carry besides (java mode's cells, cr-sqlite's bookkeeping
 * columns) each engine's set check adds.
 */
public final class ChangeChecks {
  private final long maxValueBytes;

  public ChangeChecks(long maxValueBytes) {
    this.maxValueBytes = maxValueBytes;
  }

  /** The change's table, with its key and kind checked; else a refusal naming the problem. */
  public <T extends SyncedTable> T table(Map<String, T> tables, Transaction tx, Change change)
      throws SQLException {
    T table = tables.get(change.table());
    if (table == null) {
      throw Refusals.changeSet(
          "transaction "
              + tx.dot()
              + " changes unknown or untracked table '"
              + change.table()
              + "'");
    }
    ValueRules.checkKey(
        table.name(),
        table.keyColumns(),
        change.key(),
        table.strict(),
        table.types(),
        maxValueBytes);
    if (change.kind() == ChangeKind.DELETE && !change.values().isEmpty()) {
      throw Refusals.changeSet("delete of " + table.name() + " carries values; a delete has none");
    }
    return table;
  }

  /** One value for {@code column}, which the caller has found in {@code table}. */
  public void value(SyncedTable table, String column, Object value) throws SQLException {
    ValueRules.checkValue(
        table.name(), column, value, table.strict(), table.types(), maxValueBytes);
  }
}
