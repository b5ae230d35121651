package io.chora.jdbc.capture;

import io.chora.jdbc.capture.ChangeLog.LoggedRow;
import io.chora.jdbc.capture.ChangeLog.LoggedTx;
import io.chora.sync.Change;
import io.chora.sync.ChangeKind;
import io.chora.sync.Transaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns logged rows into changes with values read from the tables. It walks the transactions newest
 * first, so each cell is sent once, by the latest transaction in the set that wrote it; a row
 * deleted (or re-inserted) later sends nothing from before that.
 */
final class ChangeAssembler implements AutoCloseable {
  private static final Set<String> WHOLE_ROW = Set.of();

  private final Connection conn;
  private final Map<Long, TableInfo> tables;
  private final Map<Long, PreparedStatement> lookups = new HashMap<>();
  private final Map<String, Set<String>> claimed = new HashMap<>();

  ChangeAssembler(Connection conn, Map<Long, TableInfo> tables) {
    this.conn = conn;
    this.tables = tables;
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
      java.util.Collections.reverse(changes);
      out[t] = new Transaction(tx.dot(), tx.hlc(), foldUpdates(changes));
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
    List<Object> key = decodeKey(table, row.key());
    switch (row.op()) {
      case LogOp.DELETE:
        claimed.put(rowId, WHOLE_ROW);
        return new Change(table.name(), key, ChangeKind.DELETE, Map.of());
      case LogOp.MAYBE_REPLACED:
        if (read(row.table(), table, key) != null) {
          return null; // the conflicting statement was not a REPLACE: the row is still there
        }
        claimed.put(rowId, WHOLE_ROW);
        return new Change(table.name(), key, ChangeKind.DELETE, Map.of());
      case LogOp.INSERT:
        {
          Map<String, Object> current = read(row.table(), table, key);
          claimed.put(rowId, WHOLE_ROW);
          if (current == null) {
            return null;
          }
          if (done != null) {
            current.keySet().removeAll(done);
          }
          return new Change(table.name(), key, ChangeKind.INSERT, current);
        }
      default:
        {
          List<String> columns = TriggerBuilder.columnsOf(row.mask(), table.columns());
          if (done != null) {
            columns.removeAll(done);
          }
          Map<String, Object> current = columns.isEmpty() ? null : read(row.table(), table, key);
          if (current == null) {
            return null;
          }
          current.keySet().retainAll(columns);
          claimed.computeIfAbsent(rowId, k -> new HashSet<>()).addAll(columns);
          return new Change(table.name(), key, ChangeKind.UPDATE, current);
        }
    }
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
        folded.set(at, new Change(earlier.table(), earlier.key(), earlier.kind(), values));
      }
    }
    return folded;
  }

  private static List<Object> decodeKey(TableInfo table, Object key) {
    if (table.keyColumns().size() == 1) {
      return java.util.Collections.singletonList(normalize(key));
    }
    return KeyCodec.decode((String) key);
  }

  /** A string that is equal for equal keys of any storage class. */
  private static String identity(Object key) {
    if (key instanceof byte[] bytes) {
      return "x" + HexFormat.of().formatHex(bytes);
    }
    return key == null ? "null" : key.getClass().getSimpleName().charAt(0) + key.toString();
  }

  private Map<String, Object> read(long id, TableInfo table, List<Object> key) throws SQLException {
    PreparedStatement ps = lookups.get(id);
    if (ps == null) {
      ps =
          conn.prepareStatement(
              "SELECT "
                  + table.columns().stream().map(Sql::id).collect(Collectors.joining(", "))
                  + " FROM "
                  + Sql.id(table.name())
                  + " WHERE "
                  + table.keyColumns().stream()
                      .map(c -> Sql.id(c) + " IS ?")
                      .collect(Collectors.joining(" AND ")));
      lookups.put(id, ps);
    }
    for (int i = 0; i < key.size(); i++) {
      ps.setObject(i + 1, key.get(i));
    }
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      Map<String, Object> values = new LinkedHashMap<>();
      for (int i = 0; i < table.columns().size(); i++) {
        values.put(table.columns().get(i), normalize(rs.getObject(i + 1)));
      }
      return values;
    }
  }

  /** sqlite-jdbc hands small integers back as Integer; the wire knows only Long. */
  static Object normalize(Object value) {
    return value instanceof Integer i ? Long.valueOf(i) : value;
  }

  @Override
  public void close() throws SQLException {
    for (PreparedStatement ps : lookups.values()) {
      ps.close();
    }
  }
}
