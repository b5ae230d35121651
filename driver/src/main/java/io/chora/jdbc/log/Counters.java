package io.chora.jdbc.log;

import io.chora.sync.Counter;
import io.chora.sync.Dot;
import io.chora.sync.Stamp;
import io.chora.sync.VectorClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The merge state of counting cells ({@link Counter}), in {@code chora_counts}. A cell becomes a
 * counter here when the first increment of it arrives or is folded; until then, and for every other
 * cell, {@link MergeState}'s last-writer-wins is the same rule with no increments. A counting cell
 * keeps its base, the absolute write that wins (the cell's last-writer-wins winner, with its value
 * and dependencies), and every increment; the table holds the base's value plus the increments the
 * base's writer had not seen. A new life of the row, or its delete, forgets them.
 *
 * <p>A base made when a cell turns into a counter takes empty dependencies: delivery is causal, so
 * an increment that base's writer had seen would have arrived here before it, and the cell would be
 * a counter already.
 */
final class Counters implements AutoCloseable {
  static final String TABLE = "chora_counts";
  static final String INDEX = "chora_counts_by_dot";

  /** {@code reset} 1: the base ({@code amount} holds its value, any SQL value); 0: an increment. */
  static final String[] SCHEMA = {
    "CREATE TABLE IF NOT EXISTS "
        + TABLE
        + "(tbl INTEGER NOT NULL, pk NOT NULL, col TEXT NOT NULL, site TEXT NOT NULL, seq INTEGER"
        + " NOT NULL, hlc INTEGER NOT NULL, reset INTEGER NOT NULL, amount, deps TEXT,"
        + " PRIMARY KEY (tbl, pk, col, site, seq)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS " + INDEX + " ON " + TABLE + "(site, seq)"
  };

  /** The base of a counting cell: the winning absolute write. */
  record Base(Stamp stamp, VectorClock deps, Object value) {}

  /** One write of a cell by one transaction, as {@link ChangeAssembler} sends it. */
  record Write(long table, Object key, String column, boolean reset, Object amount) {}

  /** chora_meta keys {@code counts:<table id>:<column>}: the columns some of whose cells count. */
  private static final String COLUMN_PREFIX = "counts:";

  private final Connection conn;
  private Map<Long, Set<String>> columns;
  private PreparedStatement readBase;
  private PreparedStatement readIncrements;
  private PreparedStatement addIncrement;
  private PreparedStatement dropBase;
  private PreparedStatement putBase;

  Counters(Connection conn) {
    this.conn = conn;
  }

  /**
   * The columns some of whose cells count, by table id: kept in chora_meta, so that merging asks
   * cell by cell only in those.
   */
  Map<Long, Set<String>> columns() throws SQLException {
    if (columns == null) {
      columns = new HashMap<>();
      try (PreparedStatement ps =
          conn.prepareStatement("SELECT key FROM chora_meta WHERE key >= ? AND key < ?")) {
        ps.setString(1, COLUMN_PREFIX);
        ps.setString(2, "counts;"); // ';' follows ':'
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String[] parts = rs.getString(1).split(":", 3);
            columns.computeIfAbsent(Long.parseLong(parts[1]), t -> new HashSet<>()).add(parts[2]);
          }
        }
      }
    }
    return columns;
  }

  /** Whether some cells of {@code table} count: a cheap test before asking per cell. */
  boolean inTable(long table) throws SQLException {
    return columns().containsKey(table);
  }

  /** Whether some cells of {@code column} count. */
  boolean inColumn(long table, String column) throws SQLException {
    Set<String> counting = columns().get(table);
    return counting != null && counting.contains(column);
  }

  /** Whether any cell counts. */
  boolean any() throws SQLException {
    return !columns().isEmpty();
  }

  /** The cell's base; null when the cell is not a counter. */
  Base base(long table, Object key, String column) throws SQLException {
    if (!inColumn(table, column)) {
      return null;
    }
    if (readBase == null) {
      readBase =
          conn.prepareStatement(
              "SELECT site, seq, hlc, deps, amount FROM "
                  + TABLE
                  + " WHERE tbl = ? AND pk = ? AND col = ? AND reset = 1");
    }
    bindCell(readBase, table, key, column);
    try (ResultSet rs = readBase.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      String deps = rs.getString(4);
      return new Base(
          new Stamp(new Dot(rs.getString(1), rs.getLong(2)), rs.getLong(3)),
          deps == null ? new VectorClock() : VectorClock.parse(deps),
          RowReader.normalize(rs.getObject(5)));
    }
  }

  /** Makes {@code base} the cell's base (the cell becomes a counter if it was not one). */
  void putBase(long table, Object key, String column, Base base) throws SQLException {
    if (dropBase == null) {
      dropBase =
          conn.prepareStatement(
              "DELETE FROM " + TABLE + " WHERE tbl = ? AND pk = ? AND col = ? AND reset = 1");
      putBase =
          conn.prepareStatement(
              "INSERT OR REPLACE INTO "
                  + TABLE
                  + "(tbl, pk, col, site, seq, hlc, reset, amount, deps) VALUES (?, ?, ?, ?, ?, ?,"
                  + " 1, ?, ?)");
    }
    bindCell(dropBase, table, key, column);
    dropBase.executeUpdate();
    bindCell(putBase, table, key, column);
    putBase.setString(4, base.stamp().dot().site());
    putBase.setLong(5, base.stamp().dot().seq());
    putBase.setLong(6, base.stamp().hlc());
    putBase.setObject(7, base.value());
    putBase.setString(8, base.deps().isEmpty() ? null : base.deps().toString());
    putBase.executeUpdate();
    if (columns().computeIfAbsent(table, t -> new HashSet<>()).add(column)) {
      CaptureSchema.setMeta(conn, COLUMN_PREFIX + table + ":" + column, 1);
    }
  }

  /**
   * A winning absolute write of a counting cell: it becomes the base, and the cell holds its value
   * plus the increments its writer had not seen. A ledger entry of a counting cell names the two
   * bases' values (ChangeApplier).
   */
  Object reset(long table, Object key, String column, Base base) throws SQLException {
    putBase(table, key, column, base);
    return value(table, key, column, base);
  }

  /**
   * Adds transaction {@code stamp}'s increment of the cell, once: a cell that does not count yet
   * takes {@code winner}, its last-writer-wins writer (null: only its default), and {@code
   * current}'s value as its base. Returns the cell's new value, or null when it does not change
   * (the increment was held already, its base's writer had seen it, or the base is no count).
   */
  Object add(
      long table,
      Object key,
      String column,
      Stamp stamp,
      long amount,
      Stamp winner,
      Map<String, Object> current)
      throws SQLException {
    Base base = base(table, key, column);
    if (base == null) {
      base =
          new Base(
              winner == null ? new Stamp(MergeState.DEFAULT_ONLY, 0) : winner,
              new VectorClock(),
              current.get(column));
      putBase(table, key, column, base);
    }
    if (!addIncrement(table, key, column, stamp, amount)
        || base.deps().get(stamp.dot().site()) >= stamp.dot().seq()) {
      return null;
    }
    return base.value() instanceof Long && current.get(column) instanceof Long now
        ? now + amount
        : null;
  }

  /** Adds an increment of the cell; false when it was held already (the same transaction). */
  boolean addIncrement(long table, Object key, String column, Stamp stamp, long amount)
      throws SQLException {
    if (addIncrement == null) {
      addIncrement =
          conn.prepareStatement(
              "INSERT OR IGNORE INTO "
                  + TABLE
                  + "(tbl, pk, col, site, seq, hlc, reset, amount) VALUES (?, ?, ?, ?, ?, ?, 0, ?)");
    }
    bindCell(addIncrement, table, key, column);
    addIncrement.setString(4, stamp.dot().site());
    addIncrement.setLong(5, stamp.dot().seq());
    addIncrement.setLong(6, stamp.hlc());
    addIncrement.setLong(7, amount);
    return addIncrement.executeUpdate() > 0;
  }

  /**
   * The counting cell's value: the base's plus every increment its writer had not seen ({@link
   * Counter#value}). A base that is not an INTEGER (NULL, text, a real) stays as it is: there is no
   * count to add to.
   */
  Object value(long table, Object key, String column, Base base) throws SQLException {
    if (!(base.value() instanceof Long start)) {
      return base.value();
    }
    Counter counter =
        new Counter()
            .with(Counter.Write.reset(base.stamp(), base.deps(), start))
            .merge(increments(table, key, column));
    return counter.value();
  }

  private Counter increments(long table, Object key, String column) throws SQLException {
    if (readIncrements == null) {
      readIncrements =
          conn.prepareStatement(
              "SELECT site, seq, hlc, amount FROM "
                  + TABLE
                  + " WHERE tbl = ? AND pk = ? AND col = ? AND reset = 0");
    }
    bindCell(readIncrements, table, key, column);
    Counter counter = new Counter();
    try (ResultSet rs = readIncrements.executeQuery()) {
      while (rs.next()) {
        Stamp stamp = new Stamp(new Dot(rs.getString(1), rs.getLong(2)), rs.getLong(3));
        counter = counter.with(Counter.Write.increment(stamp, new VectorClock(), rs.getLong(4)));
      }
    }
    return counter;
  }

  /** Binds a statement's first three parameters to one cell: table id, stored key, column. */
  private static void bindCell(PreparedStatement ps, long table, Object key, String column)
      throws SQLException {
    ps.setLong(1, table);
    ps.setObject(2, key);
    ps.setString(3, column);
  }

  /** Forgets the row's counting cells: its life ended, or a new one began. */
  void dropRow(long table, Object key) throws SQLException {
    if (inTable(table)) {
      drop("DELETE FROM " + TABLE + " WHERE tbl = ? AND pk = ?", table, key, null);
    }
  }

  /** Forgets one counting cell's writes (the cell counts no more until its next increment). */
  void dropCell(long table, Object key, String column) throws SQLException {
    if (inColumn(table, column)) {
      drop("DELETE FROM " + TABLE + " WHERE tbl = ? AND pk = ? AND col = ?", table, key, column);
    }
  }

  private void drop(String sql, long table, Object key, String column) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      ps.setLong(1, table);
      ps.setObject(2, key);
      if (column != null) {
        ps.setString(3, column);
      }
      ps.executeUpdate();
    }
  }

  /** What transaction {@code dot} wrote of counting cells: bases it set, increments it made. */
  List<Write> writesOf(Dot dot) throws SQLException {
    List<Write> writes = new ArrayList<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT tbl, pk, col, reset, amount FROM " + TABLE + " WHERE site = ? AND seq = ?")) {
      ps.setString(1, dot.site());
      ps.setLong(2, dot.seq());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          writes.add(
              new Write(
                  rs.getLong(1),
                  RowReader.normalize(rs.getObject(2)),
                  rs.getString(3),
                  rs.getInt(4) == 1,
                  RowReader.normalize(rs.getObject(5))));
        }
      }
    }
    return writes;
  }

  /** A column renamed: its counting cells' writes, and increments not folded yet, follow it. */
  static void renamed(Connection conn, long table, String from, String to) throws SQLException {
    for (String sql :
        new String[] {
          "UPDATE " + TABLE + " SET col = ? WHERE tbl = ? AND col = ? COLLATE NOCASE",
          "UPDATE " + CounterCapture.ADDS + " SET col = ? WHERE tbl = ? AND col = ? COLLATE NOCASE"
        }) {
      try (PreparedStatement ps = conn.prepareStatement(sql)) {
        ps.setString(1, to);
        ps.setLong(2, table);
        ps.setString(3, from);
        ps.executeUpdate();
      }
    }
    try (PreparedStatement ps =
        conn.prepareStatement("UPDATE chora_meta SET key = ? WHERE key = ? COLLATE NOCASE")) {
      ps.setString(1, COLUMN_PREFIX + table + ":" + to);
      ps.setString(2, COLUMN_PREFIX + table + ":" + from);
      ps.executeUpdate();
    }
  }

  /**
   * A fork repair moves {@code site}'s transactions past {@code shift} to {@code target}: the
   * bases' dependencies follow (their dots move with chora_counts' site and seq columns).
   */
  static void moveDeps(Connection conn, String site, long shift, String target)
      throws SQLException {
    Map<String, String> moved = new HashMap<>();
    try (PreparedStatement ps =
            conn.prepareStatement(
                "SELECT DISTINCT deps FROM " + TABLE + " WHERE deps IS NOT NULL");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        VectorClock deps = VectorClock.parse(rs.getString(1));
        VectorClock now = ForkRepair.movedDeps(deps, site, shift, target);
        if (!now.equals(deps)) {
          moved.put(rs.getString(1), now.toString());
        }
      }
    }
    try (PreparedStatement ps =
        conn.prepareStatement("UPDATE " + TABLE + " SET deps = ? WHERE deps = ?")) {
      for (Map.Entry<String, String> e : moved.entrySet()) {
        ps.setString(1, e.getValue());
        ps.setString(2, e.getKey());
        ps.executeUpdate();
      }
    }
  }

  @Override
  public void close() throws SQLException {
    for (PreparedStatement ps :
        new PreparedStatement[] {readBase, readIncrements, addIncrement, dropBase, putBase}) {
      if (ps != null) {
        ps.close();
      }
    }
  }
}
