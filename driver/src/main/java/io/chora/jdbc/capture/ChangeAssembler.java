package io.chora.jdbc.capture;

import io.chora.jdbc.capture.ChangeLog.LoggedRow;
import io.chora.jdbc.capture.ChangeLog.LoggedTx;
import io.chora.sync.Change;
import io.chora.sync.ChangeKind;
import io.chora.sync.Transaction;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns logged rows into changes with values read from the tables and causal lengths from the merge
 * state. It walks the transactions newest first, so each cell is sent once, by the latest
 * transaction in the set that wrote it; a row deleted (or re-inserted) later sends nothing from
 * before that.
 */
final class ChangeAssembler {
  private static final Set<String> WHOLE_ROW = Set.of();

  private final Map<Long, TableInfo> tables;
  private final RowReader rows;
  private final MergeState state;
  private final Map<String, Set<String>> claimed = new HashMap<>();

  ChangeAssembler(Map<Long, TableInfo> tables, RowReader rows, MergeState state) {
    this.tables = tables;
    this.rows = rows;
    this.state = state;
  }

  List<Transaction> assemble(List<LoggedTx> txs) throws SQLException {
    Transaction[] out = new Transaction[txs.size()];
    for (int t = txs.size() - 1; t >= 0; t--) {
      LoggedTx tx = txs.get(t);
      List<Change> changes = new ArrayList<>();
      for (int r = tx.rows().size() - 1; r >= 0; r--) {
        Change change = toChange(tx.rows().get(r));
        if (change != null) {
          changes.add(change);
        }
      }
      Collections.reverse(changes);
      out[t] = new Transaction(tx.dot(), tx.hlc(), tx.deps(), foldUpdates(changes));
    }
    return List.of(out);
  }

  private Change toChange(LoggedRow row) throws SQLException {
    TableInfo table = tables.get(row.table());
    if (table == null) {
      return null; // the table was dropped or is no longer tracked
    }
    String rowId = row.table() + ":" + identity(row.key());
    Set<String> done = claimed.get(rowId);
    if (done == WHOLE_ROW) {
      return null;
    }
    List<Object> key = KeyCodec.decode(table, row.key());
    MergeState.RowState life = state.row(row.table(), row.key());
    switch (row.op()) {
      case LogOp.DELETE:
        claimed.put(rowId, WHOLE_ROW);
        return new Change(table.name(), key, ChangeKind.DELETE, evenLife(life), Map.of());
      case LogOp.MAYBE_REPLACED:
        if (rows.read(row.table(), table, key) != null) {
          return null; // the conflicting statement was not a REPLACE: the row is still there
        }
        claimed.put(rowId, WHOLE_ROW);
        return new Change(table.name(), key, ChangeKind.DELETE, evenLife(life), Map.of());
      case LogOp.INSERT:
        {
          Map<String, Object> current = rows.read(row.table(), table, key);
          claimed.put(rowId, WHOLE_ROW);
          if (current == null) {
            return null;
          }
          if (done != null) {
            current.keySet().removeAll(done);
          }
          return new Change(table.name(), key, ChangeKind.INSERT, oddLife(life), current);
        }
      default:
        {
          List<String> columns = TriggerBuilder.columnsOf(row.mask(), table.columns());
          if (done != null) {
            columns.removeAll(done);
          }
          Map<String, Object> current =
              columns.isEmpty() ? null : rows.read(row.table(), table, key);
          if (current == null) {
            return null;
          }
          current.keySet().retainAll(columns);
          claimed.computeIfAbsent(rowId, k -> new HashSet<>()).addAll(columns);
          return new Change(table.name(), key, ChangeKind.UPDATE, oddLife(life), current);
        }
    }
  }

  private static long oddLife(MergeState.RowState life) {
    return life == null || life.cl() % 2 == 0 ? 1 : life.cl();
  }

  private static long evenLife(MergeState.RowState life) {
    return life == null || life.cl() % 2 == 1 ? 2 : life.cl();
  }

  /**
   * Within one transaction, later updates of a row fold into its earlier insert or update: they
   * share the transaction's dot, so nothing is lost, and the receiver applies one change.
   */
  private static List<Change> foldUpdates(List<Change> changes) {
    List<Change> folded = new ArrayList<>(changes.size());
    Map<String, Integer> open = new HashMap<>();
    for (Change change : changes) {
      String row =
          change.table() + ":" + change.key().stream().map(ChangeAssembler::identity).toList();
      if (change.kind() == ChangeKind.DELETE) {
        open.remove(row);
        folded.add(change);
        continue;
      }
      Integer at = change.kind() == ChangeKind.UPDATE ? open.get(row) : null;
      if (at == null) {
        open.put(row, folded.size());
        folded.add(change);
      } else {
        Change earlier = folded.get(at);
        Map<String, Object> values = new LinkedHashMap<>(earlier.values());
        values.putAll(change.values());
        folded.set(
            at,
            new Change(
                earlier.table(), earlier.key(), earlier.kind(), earlier.causalLength(), values));
      }
    }
    return folded;
  }

  /** A string that is equal for equal keys of any storage class. */
  private static String identity(Object key) {
    if (key instanceof byte[] bytes) {
      return "x" + HexFormat.of().formatHex(bytes);
    }
    return key == null ? "null" : key.getClass().getSimpleName().charAt(0) + key.toString();
  }
}
