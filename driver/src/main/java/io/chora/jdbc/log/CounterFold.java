package io.chora.jdbc.log;

import io.chora.sync.Stamp;
import io.chora.sync.VectorClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds local writes of counting cells ({@link Counters}) along {@link MergeState#fold}. Each local
 * transaction's net write of a cell is an increment when every update of the cell it logged came
 * with an amount in {@code chora_adds} ({@link CounterCapture}), and an absolute write (a reset)
 * otherwise, as is an insert. The log keeps no values, so a reset's value is found from the table's
 * value now, less the increments folded after it: after the last apply, which every fold follows,
 * only local transactions changed the table. For the same reason a local reset had seen everything
 * applied here: its dependencies are the remote clock and this site's previous seq.
 */
final class CounterFold {
  private enum Kind {
    INCREMENT,
    RESET,
    NEW_LIFE,
    DELETE
  }

  private record Event(Kind kind, Stamp stamp, long amount) {}

  private record Cell(long table, Object key, String column) {}

  private record Add(long after, long table, Object key, String column, long amount) {}

  private final Connection conn;
  private final Counters counters;
  private final Map<Long, Set<String>> counting;
  private final Deque<Add> adds;
  private final Map<Cell, List<Event>> events = new LinkedHashMap<>();
  private long consumedBefore = -1;

  private CounterFold(
      Connection conn, Counters counters, Map<Long, Set<String>> counting, Deque<Add> adds) {
    this.conn = conn;
    this.counters = counters;
    this.counting = counting;
    this.adds = adds;
  }

  /**
   * The fold of the log after {@code from}; null when no cell counts and no increment waits, the
   * usual case, which then costs two small reads.
   */
  static CounterFold start(Connection conn, Counters counters, Map<Long, TableInfo> tables)
      throws SQLException {
    Map<Long, Set<String>> counting = new HashMap<>();
    counters.columns().forEach((t, cols) -> counting.put(t, new java.util.HashSet<>(cols)));
    Deque<Add> adds = new ArrayDeque<>();
    try (PreparedStatement ps =
            conn.prepareStatement(
                "SELECT after, tbl, pk, col, amount FROM "
                    + CounterCapture.ADDS
                    + " ORDER BY after, id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Add add =
            new Add(
                rs.getLong(1),
                rs.getLong(2),
                RowReader.normalize(rs.getObject(3)),
                rs.getString(4),
                rs.getLong(5));
        adds.add(add);
        counting.computeIfAbsent(add.table(), t -> new java.util.HashSet<>()).add(add.column());
      }
    }
    counting.keySet().retainAll(tables.keySet());
    if (counting.isEmpty() && adds.isEmpty()) {
      return null;
    }
    CounterFold fold = new CounterFold(conn, counters, counting, adds);
    tables.forEach((id, t) -> fold.tableColumns.put(id, t.columns()));
    return fold;
  }

  /**
   * One local transaction, closed by the marker at {@code markerId}, before its rows fold: its net
   * write of each counting cell it touched becomes one event. Returns the cells it only
   * incremented, by {@link #id}, which must not become the cells' last-writer-wins writer. {@code
   * alive} tells whether a row lived before the transaction.
   */
  Set<String> transaction(
      long markerId, Stamp stamp, List<long[]> rows, List<Object> keys, Alive alive)
      throws SQLException {
    Map<Cell, Long> amounts = new HashMap<>();
    Map<Cell, Integer> added = new HashMap<>();
    while (!adds.isEmpty() && adds.peekFirst().after() < markerId) {
      Add add = adds.pollFirst();
      Cell cell = new Cell(add.table(), add.key(), add.column());
      amounts.merge(cell, add.amount(), Long::sum);
      added.merge(cell, 1, Integer::sum);
      consumedBefore = markerId;
    }
    Map<String, Kind> ended = new LinkedHashMap<>(); // row → NEW_LIFE, RESET (replaced), DELETE
    Map<String, Object[]> rowKeys = new HashMap<>();
    Map<Cell, Integer> updates = new LinkedHashMap<>();
    Map<String, Boolean> living = new HashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      long[] row = rows.get(i);
      Set<String> columns = countingIn(row[0]);
      if (columns.isEmpty()) {
        continue;
      }
      Object key = RowReader.normalize(keys.get(i)); // as chora_adds hands it back
      String rowId = KeyCodec.rowId(row[0], key);
      rowKeys.put(rowId, new Object[] {row[0], key});
      Boolean lived = living.get(rowId);
      boolean lives = lived != null ? lived : alive.test(row[0], key);
      switch ((int) row[1]) {
        case LogOp.INSERT -> {
          ended.merge(rowId, lives ? Kind.RESET : Kind.NEW_LIFE, CounterFold::stronger);
          living.put(rowId, true);
        }
        case LogOp.DELETE -> {
          ended.put(rowId, Kind.DELETE);
          living.put(rowId, false);
        }
        case LogOp.UPDATE -> {
          for (String column : columns) {
            if (writes(row, column)) {
              updates.merge(new Cell(row[0], key, column), 1, Integer::sum);
            }
          }
        }
        default -> {}
      }
    }
    Set<String> onlyIncremented = new java.util.HashSet<>();
    for (Map.Entry<String, Kind> e : ended.entrySet()) {
      Object[] rowKey = rowKeys.get(e.getKey());
      for (String column : countingIn((Long) rowKey[0])) {
        add(new Cell((Long) rowKey[0], rowKey[1], column), e.getValue(), stamp, 0);
      }
    }
    for (Map.Entry<Cell, Integer> e : updates.entrySet()) {
      Cell cell = e.getKey();
      if (ended.containsKey(KeyCodec.rowId(cell.table(), cell.key()))) {
        continue; // told by the row's insert or delete
      }
      if (added.getOrDefault(cell, 0) >= e.getValue()) {
        add(cell, Kind.INCREMENT, stamp, amounts.get(cell));
        onlyIncremented.add(id(cell.table(), cell.key(), cell.column()));
      } else {
        add(cell, Kind.RESET, stamp, 0);
      }
    }
    return onlyIncremented;
  }

  /** A row inserted anew and also replaced in one transaction began a new life. */
  private static Kind stronger(Kind a, Kind b) {
    return a == Kind.NEW_LIFE || b == Kind.NEW_LIFE ? Kind.NEW_LIFE : b;
  }

  /** Whether a row with this stored key lived (in the merge state) before the transaction. */
  @FunctionalInterface
  interface Alive {
    boolean test(long table, Object key) throws SQLException;
  }

  static String id(long table, Object key, String column) {
    return KeyCodec.rowId(table, key) + ":" + column;
  }

  private Set<String> countingIn(long table) {
    Set<String> columns = counting.get(table);
    return columns == null ? Set.of() : columns;
  }

  private final Map<Long, List<String>> tableColumns = new HashMap<>();

  private boolean writes(long[] row, String column) {
    List<String> columns = tableColumns.get(row[0]);
    return columns != null && TriggerBuilder.columnsOf(row[2], columns).contains(column);
  }

  private void add(Cell cell, Kind kind, Stamp stamp, long amount) {
    events.computeIfAbsent(cell, c -> new ArrayList<>()).add(new Event(kind, stamp, amount));
  }

  /** Writes what the folded transactions did to counting cells into {@link Counters}. */
  void finish(Map<Long, TableInfo> tables, MergeState state, RowReader rows, String site)
      throws SQLException {
    VectorClock remote = null;
    for (Map.Entry<Cell, List<Event>> e : events.entrySet()) {
      Cell cell = e.getKey();
      List<Event> list = e.getValue();
      int from = 0;
      for (int i = 0; i < list.size(); i++) {
        Kind kind = list.get(i).kind();
        if (kind == Kind.NEW_LIFE || kind == Kind.DELETE) {
          from = kind == Kind.NEW_LIFE ? i : i + 1;
        }
      }
      if (from > 0 || list.get(0).kind() == Kind.NEW_LIFE) {
        counters.dropCell(cell.table(), cell.key(), cell.column());
      }
      List<Event> tail = list.subList(from, list.size());
      if (tail.isEmpty()) {
        continue; // the row's life ended
      }
      int reset = -1;
      long after = 0;
      boolean incremented = false;
      for (int i = 0; i < tail.size(); i++) {
        if (tail.get(i).kind() == Kind.INCREMENT) {
          incremented = true;
          after += tail.get(i).amount();
        } else {
          reset = i;
          after = 0;
        }
      }
      Counters.Base base = counters.base(cell.table(), cell.key(), cell.column());
      if (!incremented && base == null) {
        continue; // absolute writes of a cell that does not count: last writer wins
      }
      TableInfo table = tables.get(cell.table());
      Map<String, Object> row =
          table == null ? null : rows.read(cell.table(), table, KeyCodec.decode(table, cell.key()));
      if (row == null || !row.containsKey(cell.column())) {
        continue;
      }
      Object now = row.get(cell.column());
      Object value = now instanceof Long n ? n - after : now;
      if (reset >= 0) {
        Stamp stamp = tail.get(reset).stamp();
        if (remote == null) {
          remote = remoteClock();
        }
        VectorClock deps = remote.with(site, Math.max(remote.get(site), stamp.dot().seq() - 1));
        counters.putBase(
            cell.table(), cell.key(), cell.column(), new Counters.Base(stamp, deps, value));
      } else if (base == null) {
        Stamp winner =
            state.cell(
                cell.table(), cell.key(), cell.column(), state.row(cell.table(), cell.key()));
        counters.putBase(
            cell.table(),
            cell.key(),
            cell.column(),
            new Counters.Base(winner, new VectorClock(), value));
      }
      for (Event event : tail) {
        if (event.kind() == Kind.INCREMENT) {
          counters.addIncrement(
              cell.table(), cell.key(), cell.column(), event.stamp(), event.amount());
        }
      }
    }
    if (consumedBefore >= 0) {
      try (PreparedStatement ps =
          conn.prepareStatement("DELETE FROM " + CounterCapture.ADDS + " WHERE after < ?")) {
        ps.setLong(1, consumedBefore);
        ps.executeUpdate();
      }
    }
  }

  private VectorClock remoteClock() throws SQLException {
    VectorClock clock = new VectorClock();
    try (PreparedStatement ps = conn.prepareStatement("SELECT site, seq FROM chora_clock");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        clock = clock.with(rs.getString(1), rs.getLong(2));
      }
    }
    return clock;
  }
}
