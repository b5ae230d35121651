package io.chora.jdbc.log;

import io.chora.jdbc.log.ChangeLog.LoggedRow;
import io.chora.jdbc.log.ChangeLog.LoggedTx;
import io.chora.sync.Change;
import io.chora.sync.ChangeKind;
import io.chora.sync.Dot;
import io.chora.sync.Transaction;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
  private final Map<Long, TableInfo> tables;
  private final RowReader rows;
  private final MergeState state;
  private final OpenConflicts ledger;
  private final LostLives lost;
  private final SetAside aside;
  private final Renames.OldNames oldNames;
  private final java.sql.Connection conn;
  private final String site;
  private final Map<String, Long> ids = new java.util.HashMap<>();
  private final Set<Long> defaultsOnly;
  private final Map<Long, Map<String, Long>> columnsAdded;

  /** The transaction's rows read set-based; null: every row by its own look-ups. */
  private final SentRows sentRows;

  ChangeAssembler(
      java.sql.Connection conn,
      String site,
      Map<Long, TableInfo> tables,
      RowReader rows,
      MergeState state,
      OpenConflicts ledger,
      LostLives lost,
      SetAside aside,
      Renames.OldNames oldNames,
      SentRows sentRows)
      throws SQLException {
    this.sentRows = sentRows;
    this.tables = tables;
    this.rows = rows;
    this.state = state;
    this.ledger = ledger;
    this.lost = lost;
    this.aside = aside;
    this.oldNames = oldNames;
    this.conn = conn;
    this.site = site;
    tables.forEach((id, t) -> ids.put(t.name(), id));
    this.defaultsOnly = MergeState.tablesWithDefaultsOnly(conn);
    this.columnsAdded = MergeState.columnsAdded(conn);
  }

  /** One logged transaction as it goes on the wire. */
  Transaction assemble(LoggedTx tx) throws SQLException {
    if (sentRows != null) {
      sentRows.read(tx);
    }
    List<Change> changes = new ArrayList<>();
    Set<String> sent = new HashSet<>();
    for (LoggedRow row : tx.rows()) {
      Change change = toChange(tx.dot(), row, sent);
      if (change != null) {
        changes.add(change);
      }
    }
    List<Change> told = foldUpdates(withoutInserted(changes));
    if (state.counters().any()) {
      told = withCounts(told, tx.dot());
    }
    if (aside.any()) {
      told = withKept(told, aside.of(tx.dot()));
    }
    told = oldNames.withOldNames(told);
    return new Transaction(tx.dot(), tx.hlc(), tx.deps(), told, tx.nonce());
  }

  /**
   * Adds what this replica kept aside of the transaction, for tables or columns it lacks ({@link
   * SetAside}): a replica that is behind passes newer replicas' writes on intact. A kept cell joins
   * the transaction's change of its row (the log knows that change only by the columns this replica
   * has); anything else is sent as it came, unless its row's life ended here since: then a later
   * transaction tells the row's story, and the kept cells alone would make half a row.
   */
  private List<Change> withKept(List<Change> told, List<Change> kept) throws SQLException {
    if (kept.isEmpty()) {
      return told;
    }
    List<Change> all = new ArrayList<>(told);
    for (Change change : kept) {
      int at = -1;
      for (int i = 0; i < all.size(); i++) {
        if (rowOf(all.get(i)).equals(rowOf(change))) {
          at = i;
        }
      }
      Change same = at < 0 ? null : all.get(at);
      if (same != null
          && same.kind() != ChangeKind.DELETE
          && change.kind() != ChangeKind.DELETE
          && same.causalLength() == change.causalLength()) {
        Map<String, Object> values = new LinkedHashMap<>(same.values());
        values.putAll(change.values()); // the transaction's own values of the kept columns
        all.set(at, same.withValues(values));
      } else if (!endedHere(change)) {
        all.add(change);
      }
    }
    return all;
  }

  /**
   * Tells what the transaction wrote of counting cells as {@link Counters} holds it: the value of a
   * base it set (the table holds that plus increments), and its increments, which every transaction
   * that made one sends, not only a cell's last writer.
   */
  private List<Change> withCounts(List<Change> told, Dot dot) throws SQLException {
    List<Counters.Write> writes = state.counters().writesOf(dot);
    if (writes.isEmpty()) {
      return told;
    }
    List<Change> all = new ArrayList<>(told);
    for (Counters.Write write : writes) {
      TableInfo table = tables.get(write.table());
      if (table == null) {
        continue;
      }
      List<Object> key = KeyCodec.decode(table, write.key());
      String row = rowOf(table.name(), key);
      int at = -1;
      for (int i = 0; i < all.size(); i++) {
        if (rowOf(all.get(i)).equals(row)) {
          at = i;
        }
      }
      Change same = at < 0 ? null : all.get(at);
      if (write.reset()) {
        if (same != null && same.values().containsKey(write.column())) {
          Map<String, Object> values = new LinkedHashMap<>(same.values());
          values.put(write.column(), write.amount());
          all.set(at, same.withValues(values));
        }
        continue;
      }
      long amount = (Long) write.amount();
      if (same != null && same.kind() == ChangeKind.UPDATE) {
        Map<String, Long> adds = new LinkedHashMap<>(same.adds());
        adds.put(write.column(), amount);
        Map<String, Object> values = new LinkedHashMap<>(same.values());
        values.remove(write.column()); // an increment, not the count it made
        all.set(at, same.withValues(values).withAdds(adds));
      } else if (same == null) {
        MergeState.RowState life = state.row(write.table(), write.key());
        if (life != null && life.alive()) {
          all.add(
              new Change(
                  table.name(),
                  key,
                  ChangeKind.UPDATE,
                  life.cl(),
                  Map.of(),
                  table.rowidKey() ? life.life() : null,
                  Map.of(write.column(), amount)));
        }
      }
    }
    return all;
  }

  /**
   * The columns {@code row}'s table had when it was logged: an insert written before a column was
   * added here wrote no value there, so it does not tell one.
   */
  private List<String> columnsAt(LoggedRow row, TableInfo table) {
    Map<String, Long> added = columnsAdded.get(row.table());
    if (added == null) {
      return table.columns();
    }
    List<String> columns = new ArrayList<>();
    for (String column : table.columns()) {
      Long since = added.get(column);
      if (since == null || row.id() > since) {
        columns.add(column);
      }
    }
    return columns;
  }

  /**
   * The columns a received insert did not carry (its writer's schema lacked them), which it
   * therefore never wrote, whatever the cell holds now: a received transaction's insert is logged
   * with the columns it carried ({@link ChangeApplier}), or with none named when it carried all.
   * This replica's own inserts name none here (a key change logs its new row with the columns the
   * update changed).
   */
  private Set<String> notCarried(Dot dot, LoggedRow row, TableInfo table) {
    if (row.mask() == 0 || dot.site().equals(site)) {
      return Set.of();
    }
    List<String> carried = TriggerBuilder.columnsOf(row.mask(), table.columns());
    Set<String> missing = new HashSet<>();
    for (String column : table.columns()) {
      if (!carried.contains(column) && !table.keyColumns().contains(column)) {
        missing.add(column);
      }
    }
    return missing;
  }

  /** Whether the kept change's row, of a table this replica has, is in another life here now. */
  private boolean endedHere(Change change) throws SQLException {
    Long id = ids.get(change.table());
    if (id == null || change.kind() == ChangeKind.DELETE) {
      return false; // a table this replica lacks: the kept change is the whole change
    }
    MergeState.RowState life = state.row(id, KeyCodec.encode(conn, change.key()));
    return life == null || life.cl() != change.causalLength();
  }

  /**
   * What of one logged row is still this transaction's to tell: a row life it began or ended, cells
   * it was the last to write. Anything a later write superseded is told by that write; a peer that
   * lacks this transaction lacks every later write of the same row life too.
   */
  private Change toChange(Dot dot, LoggedRow row, Set<String> sent) throws SQLException {
    TableInfo table = tables.get(row.table());
    if (table == null) {
      return null; // the table was dropped or is no longer tracked
    }
    MergeState.RowState life =
        sentRows != null && sentRows.has(row)
            ? sentRows.state(row)
            : state.row(row.table(), row.key());
    if (life == null) {
      return null;
    }
    List<Object> key = KeyCodec.decode(table, row.key());
    boolean alive = life.cl() % 2 == 1;
    boolean lifeIsOurs = life.dot().equals(dot);
    // rowid keys tell which record a change is of (SameKeyRule); other keys are the entity
    Dot begun = table.rowidKey() ? life.life() : null;
    String rowId = KeyCodec.rowId(row.table(), row.key());
    if (row.life() != null && !row.life().equals(begun)) {
      return ofGivenWayLife(row, table, key, life, sent);
    }
    switch (row.op()) {
      case LogOp.DELETE, LogOp.MAYBE_REPLACED:
        if (alive || !lifeIsOurs || !sent.add(rowId + ":delete")) {
          return null;
        }
        return new Change(table.name(), key, ChangeKind.DELETE, life.cl(), Map.of(), begun);
      case LogOp.INSERT:
        {
          Change relayed = lostRow(dot, row, table, key, sent);
          if (relayed != null || !alive) {
            return relayed;
          }
          if (!lifeIsOurs) {
            // An insert into a life another transaction began (a concurrent insert of the same
            // key merged into it, or a replace applied as a same-life write) wrote every column
            // it carried.
            List<String> written = new ArrayList<>(columnsAt(row, table));
            written.removeAll(notCarried(dot, row, table));
            return lastWritten(dot, row, table, key, life, written);
          }
          if (!sent.add(rowId + ":insert")) {
            return null;
          }
          Map<String, Object> current = current(row, table, key);
          if (current == null) {
            return null;
          }
          // columns the insert had no value for: added here after it, or not carried when received
          if (columnsAdded.containsKey(row.table())) {
            current.keySet().retainAll(columnsAt(row, table));
          }
          current.keySet().removeAll(notCarried(dot, row, table));
          if (defaultsOnly.contains(row.table())) {
            // a cell that held only its default (a column the insert did not carry) and any write
            // that took it since, older than this insert: not this insert's to tell
            current.keySet().removeAll(state.columnsWrittenBefore(row.table(), row.key(), life));
          }
          // a cell another write won since holds the winner's value: tell this insert's own
          for (String column : ledger.any() ? table.columns() : List.<String>of()) {
            if (!state.cell(row.table(), row.key(), column, life).dot().equals(dot)) {
              Object own = ledger.lostValue(table.name(), row.key(), column, dot);
              if (own != OpenConflicts.UNKNOWN) {
                current.put(column, own);
              }
            }
          }
          return new Change(table.name(), key, ChangeKind.INSERT, life.cl(), current, begun);
        }
      default:
        return alive
            ? lastWritten(
                dot, row, table, key, life, TriggerBuilder.columnsOf(row.mask(), table.columns()))
            : null;
    }
  }

  /**
   * The insert of a row that lost its rowid key here to another replica's row: sent whole as the
   * ledger keeps it, with the updates it received since, so that the receiver decides alike.
   */
  private Change lostRow(
      Dot dot, LoggedRow row, TableInfo table, List<Object> key, Set<String> sent)
      throws SQLException {
    if (!table.rowidKey()) {
      return null;
    }
    LostLives.Lost entry = lost.find(table.name(), row.key(), dot);
    if (entry == null || !entry.open() || !sent.add(KeyCodec.rowId(row.table(), row.key()) + dot)) {
      return null;
    }
    return new Change(table.name(), key, ChangeKind.INSERT, entry.cl(), entry.row(), dot);
  }

  /**
   * An update or delete of a row life that gave way to another life under its key: its delete, or
   * an update of a life the ledger keeps, with the values the ledger holds.
   */
  private Change ofGivenWayLife(
      LoggedRow row, TableInfo table, List<Object> key, MergeState.RowState now, Set<String> sent)
      throws SQLException {
    String once = KeyCodec.rowId(row.table(), row.key()) + row.life() + row.op();
    if (row.op() == LogOp.DELETE) {
      // sent even after a later generation: a replica that listed the life as lost to it learns
      // that its own replica deleted it
      return sent.add(once)
          ? new Change(table.name(), key, ChangeKind.DELETE, row.mask(), Map.of(), row.life())
          : null;
    }
    LostLives.Lost entry = lost.find(table.name(), row.key(), row.life());
    if (entry == null || !entry.open()) {
      return null;
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (String column : TriggerBuilder.columnsOf(row.mask(), table.columns())) {
      if (entry.row().containsKey(column)) {
        values.put(column, entry.row().get(column));
      }
    }
    return values.isEmpty()
        ? null
        : new Change(table.name(), key, ChangeKind.UPDATE, entry.cl(), values, row.life());
  }

  /** An update of the written columns whose current value this transaction was the last to set. */
  private Change lastWritten(
      Dot dot,
      LoggedRow row,
      TableInfo table,
      List<Object> key,
      MergeState.RowState life,
      List<String> written)
      throws SQLException {
    List<String> columns = new ArrayList<>();
    Map<String, Object> lostCells = new java.util.LinkedHashMap<>(); // cells it wrote and lost
    for (String column : written) {
      if (state.cell(row.table(), row.key(), column, life).dot().equals(dot)) {
        columns.add(column);
      } else {
        Object own = ledger.lostValue(table.name(), row.key(), column, dot);
        if (own != OpenConflicts.UNKNOWN) {
          lostCells.put(column, own);
        }
      }
    }
    if (columns.isEmpty() && lostCells.isEmpty()) {
      return null;
    }
    Map<String, Object> current = current(row, table, key);
    if (current == null) {
      return null;
    }
    current.keySet().retainAll(columns);
    current.putAll(lostCells);
    return new Change(
        table.name(),
        key,
        ChangeKind.UPDATE,
        life.cl(),
        current,
        table.rowidKey() ? life.life() : null);
  }

  /** The logged row's current values ({@link RowReader#read}); null when it is gone. */
  private Map<String, Object> current(LoggedRow row, TableInfo table, List<Object> key)
      throws SQLException {
    return sentRows != null && sentRows.has(row)
        ? sentRows.values(row)
        : rows.read(row.table(), table, key);
  }

  /** An insert carries the whole row: updates of that row in the same transaction add nothing. */
  private static List<Change> withoutInserted(List<Change> changes) {
    Set<String> inserted = new HashSet<>();
    for (Change change : changes) {
      if (change.kind() == ChangeKind.INSERT) {
        inserted.add(rowOf(change));
      }
    }
    if (inserted.isEmpty()) {
      return changes;
    }
    List<Change> kept = new ArrayList<>(changes.size());
    for (Change change : changes) {
      if (change.kind() != ChangeKind.UPDATE || !inserted.contains(rowOf(change))) {
        kept.add(change);
      }
    }
    return kept;
  }

  private static String rowOf(Change change) {
    return rowOf(change.table(), change.key());
  }

  /** {@code table:[identity, ...]}, built without a stream: it runs twice per change sent. */
  private static String rowOf(String table, List<Object> key) {
    StringBuilder row = new StringBuilder(table.length() + 16).append(table).append(":[");
    for (int i = 0; i < key.size(); i++) {
      row.append(i == 0 ? "" : ", ").append(KeyCodec.identity(key.get(i)));
    }
    return row.append(']').toString();
  }

  /**
   * Within one transaction, later updates of a row fold into its earlier insert or update: they
   * share the transaction's dot, so nothing is lost, and the receiver applies one change.
   */
  private static List<Change> foldUpdates(List<Change> changes) {
    List<Change> folded = new ArrayList<>(changes.size());
    Map<String, Integer> open = new HashMap<>();
    for (Change change : changes) {
      String row = rowOf(change);
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
        folded.set(at, earlier.withValues(values));
      }
    }
    return folded;
  }
}
