package io.chora.jdbc.log;

import io.chora.jdbc.seam.OwnInserts;
import io.chora.sync.Dot;
import io.chora.sync.Stamp;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What merging needs to know per row and per cell: a row's causal length (odd while it lives) and
 * the transaction that began its current life (or ended it), and for cells written since then,
 * their last writer; a cell without an entry was last written by the row's own insert. Local writes
 * only append to the log, which stays cheap; {@link #fold} turns the committed log rows since the
 * last fold into this state when a sync needs it. Keys are stored as the log stores them ({@link
 * KeyCodec}).
 */
final class MergeState implements AutoCloseable {
  /**
   * A row's causal length, the transaction that set it, and its life: the transaction whose insert
   * began the row's current life (or, once deleted, the life that ended); null when unknown (a row
   * of the shared baseline, or one older than lives).
   */
  record RowState(long cl, Dot dot, long hlc, Dot life) {
    Stamp stamp() {
      return new Stamp(dot, hlc);
    }

    boolean alive() {
      return cl % 2 == 1;
    }
  }

  private final Connection conn;
  private final PreparedStatement readRow;
  private final PreparedStatement writeRow;
  private final PreparedStatement readCell;
  private final PreparedStatement writeCell;
  private final PreparedStatement dropCells;
  private PreparedStatement readWrittenCells;
  private final java.util.Set<Long> notedDefaultsOnly = new java.util.HashSet<>();

  /** Local writes folded here supersede the open conflicts of the cells they wrote. */
  private final OpenConflicts openConflicts;

  /** The counting cells' writes ({@link Counters}): beside the last-writer-wins state. */
  private final Counters counters;

  private Boolean readOnly; // lazily

  /** Tables whose rows' states this state wrote alone since {@link #trackFresh}; null: none. */
  private FreshTables fresh;

  MergeState(Connection conn) throws SQLException {
    this.conn = conn;
    this.openConflicts = new OpenConflicts(conn);
    this.counters = new Counters(conn);
    readRow =
        conn.prepareStatement(
            "SELECT cl, site, seq, hlc, life_site, life_seq FROM chora_rows WHERE tbl = ? AND pk"
                + " = ?");
    writeRow =
        conn.prepareStatement(
            OwnInserts.of(
                "INSERT OR REPLACE INTO chora_rows(tbl, pk, cl, site, seq, hlc, life_site,"
                    + " life_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    readCell =
        conn.prepareStatement(
            "SELECT site, seq, hlc FROM chora_cells WHERE tbl = ? AND pk = ? AND col = ?");
    writeCell =
        conn.prepareStatement(
            OwnInserts.of(
                "INSERT OR REPLACE INTO chora_cells(tbl, pk, col, site, seq, hlc) VALUES (?, ?, ?,"
                    + " ?, ?, ?)"));
    dropCells = conn.prepareStatement("DELETE FROM chora_cells WHERE tbl = ? AND pk = ?");
  }

  Counters counters() {
    return counters;
  }

  /**
   * From now on, answers {@link #row} without a look-up for rowid tables that have no row state
   * yet, as long as every write of row states goes through this object (an apply's merge).
   */
  void trackFresh(Map<Long, TableInfo> tables) throws SQLException {
    fresh = FreshTables.of(conn, tables);
  }

  RowState row(long table, Object key) throws SQLException {
    if (fresh != null && fresh.absent(table, key)) {
      return null;
    }
    readRow.setLong(1, table);
    readRow.setObject(2, key);
    try (ResultSet rs = readRow.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      return rowState(
          rs.getLong(1),
          rs.getString(2),
          rs.getLong(3),
          rs.getLong(4),
          rs.getString(5),
          rs.getLong(6));
    }
  }

  /** A row state from the columns of {@code chora_rows}, as {@link #row} reads them. */
  static RowState rowState(
      long cl, String site, long seq, long hlc, String lifeSite, long lifeSeq) {
    Dot life = lifeSite == null ? null : new Dot(lifeSite, lifeSeq);
    if (life != null && Baseline.isBaseline(life.site())) {
      life = null; // the shared baseline: the same key is the same entity, as for other keys
    }
    return new RowState(cl, new Dot(site, seq), hlc, life);
  }

  /** A row state that keeps the life it had (a delete, or a new state of the same life). */
  void putRow(long table, Object key, long cl, Dot dot, long hlc) throws SQLException {
    RowState r = row(table, key);
    putRow(table, key, cl, dot, hlc, r == null ? null : r.life());
  }

  void putRow(long table, Object key, long cl, Dot dot, long hlc, Dot life) throws SQLException {
    if (fresh != null) {
      fresh.wrote(table, key);
    }
    writeRow.setLong(1, table);
    writeRow.setObject(2, key);
    writeRow.setLong(3, cl);
    writeRow.setString(4, dot.site());
    writeRow.setLong(5, dot.seq());
    writeRow.setLong(6, hlc);
    writeRow.setString(7, life == null ? null : life.site());
    writeRow.setObject(8, life == null ? null : life.seq());
    writeRow.executeUpdate();
  }

  /**
   * The writer of a cell that holds only its column's default: a received insert did not carry the
   * column (its writer ran a schema without it). Any write beats it and none conflicts with it, as
   * on a replica that added the column after the insert (ChangeApplier.fill). Never a site id
   * (those have no parentheses).
   */
  static final Dot DEFAULT_ONLY = new Dot("(default)", 1);

  /** chora_meta keys {@code added:<table id>:<column>}: the log's last id when it was added. */
  static final String ADDED_PREFIX = "added:";

  /** The columns added since chora tracks their tables: table id, column, last log id before. */
  static Map<Long, Map<String, Long>> columnsAdded(Connection conn) throws SQLException {
    Map<Long, Map<String, Long>> added = new java.util.HashMap<>();
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT key, value FROM chora_meta WHERE key >= ? AND key < ?")) {
      ps.setString(1, ADDED_PREFIX);
      ps.setString(2, "added;"); // ';' follows ':'
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String[] parts = rs.getString(1).split(":", 3);
          added
              .computeIfAbsent(Long.parseLong(parts[1]), k -> new java.util.HashMap<>())
              .put(parts[2], rs.getLong(2));
        }
      }
    }
    return added;
  }

  /** Whether {@code stamp} is {@link #DEFAULT_ONLY}'s: no write set the cell. */
  static boolean isDefaultOnly(Stamp stamp) {
    return stamp.dot().equals(DEFAULT_ONLY);
  }

  /** The cell's last writer: its own entry, or else the insert that began the row's life. */
  Stamp cell(long table, Object key, String column, RowState life) throws SQLException {
    Stamp written = writtenCell(table, key, column);
    return written != null ? written : life.stamp();
  }

  /** The cell's own entry: the last write of it since the row's insert; null when none. */
  Stamp writtenCell(long table, Object key, String column) throws SQLException {
    readCell.setLong(1, table);
    readCell.setObject(2, key);
    readCell.setString(3, column);
    try (ResultSet rs = readCell.executeQuery()) {
      return rs.next() ? new Stamp(new Dot(rs.getString(1), rs.getLong(2)), rs.getLong(3)) : null;
    }
  }

  void putCell(long table, Object key, String column, Dot dot, long hlc) throws SQLException {
    writeCell.setLong(1, table);
    writeCell.setObject(2, key);
    writeCell.setString(3, column);
    writeCell.setString(4, dot.site());
    writeCell.setLong(5, dot.seq());
    writeCell.setLong(6, hlc);
    writeCell.executeUpdate();
  }

  /**
   * The tables some of whose cells are {@link #DEFAULT_ONLY} (kept in chora_meta, so that sending
   * asks the state cell by cell only for those).
   */
  static java.util.Set<Long> tablesWithDefaultsOnly(Connection conn) throws SQLException {
    String ids = CaptureSchema.meta(conn, "defaults_only");
    java.util.Set<Long> tables = new java.util.HashSet<>();
    if (ids != null && !ids.isEmpty()) {
      for (String id : ids.split(",")) {
        tables.add(Long.parseLong(id));
      }
    }
    return tables;
  }

  /** Notes that {@code table} holds {@link #DEFAULT_ONLY} cells (once per table and state). */
  void noteDefaultsOnly(long table) throws SQLException {
    if (!notedDefaultsOnly.add(table)) {
      return;
    }
    java.util.Set<Long> tables = tablesWithDefaultsOnly(conn);
    if (tables.add(table)) {
      CaptureSchema.setMeta(
          conn,
          "defaults_only",
          String.join(",", tables.stream().map(String::valueOf).sorted().toList()));
    }
  }

  /**
   * The columns of the row whose last write is older than {@code life}'s insert: cells that hold
   * only their default ({@link #DEFAULT_ONLY}, a column the insert did not carry), or a value an
   * older write gave them since (any write beats a default). An insert wrote none of them: it would
   * have won. One look-up per row.
   */
  java.util.Set<String> columnsWrittenBefore(long table, Object key, RowState life)
      throws SQLException {
    if (readWrittenCells == null) {
      readWrittenCells =
          conn.prepareStatement(
              "SELECT col, site, seq, hlc FROM chora_cells WHERE tbl = ? AND pk = ?");
    }
    readWrittenCells.setLong(1, table);
    readWrittenCells.setObject(2, key);
    Stamp insert = life.stamp();
    java.util.Set<String> columns = new java.util.HashSet<>();
    try (ResultSet rs = readWrittenCells.executeQuery()) {
      while (rs.next()) {
        Stamp written = new Stamp(new Dot(rs.getString(2), rs.getLong(3)), rs.getLong(4));
        if (insert.beats(written)) {
          columns.add(rs.getString(1));
        }
      }
    }
    return columns;
  }

  /** Marks {@code column} of every living row of {@code table} as {@link #DEFAULT_ONLY}. */
  void defaultsOnly(long table, String column) throws SQLException {
    noteDefaultsOnly(table);
    try (PreparedStatement ps =
        conn.prepareStatement(
            "INSERT OR REPLACE INTO chora_cells(tbl, pk, col, site, seq, hlc) SELECT tbl, pk, ?, ?,"
                + " ?, 0 FROM chora_rows WHERE tbl = ? AND cl % 2 = 1")) {
      ps.setString(1, column);
      ps.setString(2, DEFAULT_ONLY.site());
      ps.setLong(3, DEFAULT_ONLY.seq());
      ps.setLong(4, table);
      ps.executeUpdate();
    }
  }

  void dropCells(long table, Object key) throws SQLException {
    dropCells.setLong(1, table);
    dropCells.setObject(2, key);
    dropCells.executeUpdate();
  }

  /**
   * Records that a row now lives with every column written: a new life, begun by {@code dot}, if it
   * was deleted; the same life if it was alive (a REPLACE rewrote it: the same record).
   */
  void inserted(long table, Object key, Dot dot, long hlc) throws SQLException {
    RowState r = row(table, key);
    boolean alive = r != null && r.alive();
    long cl = r == null ? 1 : (alive ? r.cl() : r.cl() + 1);
    if (r != null) {
      dropCells(table, key); // every cell is now the insert's
    }
    putRow(table, key, cl, dot, hlc, alive ? r.life() : dot);
  }

  /** Records that a row was deleted: its causal length turns even, its cells are forgotten. */
  void deleted(long table, Object key, Dot dot, long hlc) throws SQLException {
    RowState r = row(table, key);
    long cl = r == null ? 2 : (r.cl() % 2 == 1 ? r.cl() + 1 : r.cl());
    putRow(table, key, cl, dot, hlc, r == null ? null : r.life()); // the life that ended
    dropCells(table, key);
  }

  /**
   * Folds committed local log rows after the last fold into the state. Rows of a transaction that
   * is still open (after the last marker) wait for a later fold.
   */
  void fold(Map<Long, TableInfo> tables, RowExistence exists) throws SQLException {
    fold(tables, exists, true);
  }

  /**
   * {@link #fold}; {@code bulk}: a fresh replica's history of inserts may fold in one statement
   * ({@link BulkFold}). Returns whether it did (tests compare both ways).
   */
  boolean fold(Map<Long, TableInfo> tables, RowExistence exists, boolean bulk) throws SQLException {
    fresh = null; // a bulk fold writes row states past putRow
    long from = folded();
    CounterFold counting = CounterFold.start(conn, counters, tables);
    if (bulk && counting == null) {
      long upTo = BulkFold.tryFold(conn, tables, from);
      if (upTo >= 0) {
        setFolded(upTo);
        return true;
      }
    }
    Map<String, Long> lastTouch = lastTouchOfReplaceCandidates(from);
    List<long[]> open = new ArrayList<>(); // the current transaction's rows: tbl, op, mask, id
    List<Object> keys = new ArrayList<>();
    long lastMarker = -1;
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT id, tbl, op, pk, cols, site, seq, hlc FROM chora_log WHERE id > ? ORDER BY id")) {
      ps.setLong(1, from);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getInt(3) != LogOp.COMMIT) {
            if (rs.getString(6) != null && ofAnotherLife(rs)) {
              continue; // a removal of a life that gave way to another under its key
            }
            open.add(new long[] {rs.getLong(2), rs.getInt(3), rs.getLong(5), rs.getLong(1)});
            keys.add(rs.getObject(4));
            continue;
          }
          Dot dot = new Dot(rs.getString(6), rs.getLong(7));
          Set<String> onlyIncremented =
              counting == null
                  ? Set.of()
                  : counting.transaction(
                      rs.getLong(1),
                      new Stamp(dot, rs.getLong(8)),
                      open,
                      keys,
                      (t, k) -> {
                        RowState r = row(t, k);
                        return r != null && r.alive();
                      });
          for (int i = 0; i < open.size(); i++) {
            long[] row = open.get(i);
            Long last = lastTouch.get(KeyCodec.rowId(row[0], keys.get(i)));
            foldRow(
                tables,
                exists,
                row,
                keys.get(i),
                dot,
                rs.getLong(8),
                last != null && last == row[3],
                onlyIncremented);
          }
          open.clear();
          keys.clear();
          lastMarker = rs.getLong(1);
        }
      }
    }
    if (counting != null) {
      try (RowReader rows = new RowReader(conn)) {
        counting.finish(tables, this, rows, CaptureSchema.meta(conn, SiteIdentity.SITE));
      }
    }
    // rows after the last marker belong to a transaction still open: a later fold takes them
    if (lastMarker >= 0) {
      setFolded(lastMarker);
    }
    return false;
  }

  /**
   * For rows with a REPLACE candidate entry after {@code from}, the log id of their last entry: a
   * candidate counts only if nothing later touched its row (then, its row being gone now, that
   * REPLACE deleted it). Usually there are none, and the log is not read twice.
   */
  private Map<String, Long> lastTouchOfReplaceCandidates(long from) throws SQLException {
    Map<String, Long> last = new HashMap<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT DISTINCT tbl, pk FROM chora_log WHERE id > ? AND op = "
                + LogOp.MAYBE_REPLACED)) {
      ps.setLong(1, from);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          last.put(KeyCodec.rowId(rs.getLong(1), rs.getObject(2)), 0L);
        }
      }
    }
    if (last.isEmpty()) {
      return last;
    }
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT id, tbl, pk FROM chora_log WHERE id > ? AND op <> " + LogOp.COMMIT)) {
      ps.setLong(1, from);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String row = KeyCodec.rowId(rs.getLong(2), rs.getObject(3));
          if (last.containsKey(row)) {
            last.put(row, rs.getLong(1));
          }
        }
      }
    }
    return last;
  }

  private void foldRow(
      Map<Long, TableInfo> tables,
      RowExistence exists,
      long[] row,
      Object key,
      Dot dot,
      long hlc,
      boolean lastTouch,
      Set<String> onlyIncremented)
      throws SQLException {
    long table = row[0];
    TableInfo info = tables.get(table);
    if (info == null) {
      return;
    }
    switch ((int) row[1]) {
      case LogOp.INSERT -> {
        inserted(table, key, dot, hlc);
        openConflicts.writtenHere(info.name(), key, info.columns());
      }
      case LogOp.UPDATE -> {
        if (row(table, key) == null) {
          putRow(table, key, 1, dot, hlc); // a row that predates tracking
        }
        List<String> written = TriggerBuilder.columnsOf(row[2], info.columns());
        if (!onlyIncremented.isEmpty()) {
          // an increment adds to the cell's count; it does not become its last writer
          written =
              written.stream()
                  .filter(c -> !onlyIncremented.contains(CounterFold.id(table, key, c)))
                  .toList();
        }
        for (String column : written) {
          putCell(table, key, column, dot, hlc);
        }
        openConflicts.writtenHere(info.name(), key, written);
      }
      case LogOp.DELETE -> {
        nameEndedLife(table, info, row[3], key);
        deleted(table, key, dot, hlc);
        openConflicts.rowEnded(info.name(), key);
      }
      default -> {
        RowState r = row(table, key);
        if (lastTouch && r != null && r.cl() % 2 == 1 && !exists.test(table, info, key)) {
          deleted(table, key, dot, hlc); // the REPLACE candidate really was deleted
          openConflicts.rowEnded(info.name(), key);
        }
      }
    }
  }

  /**
   * A local delete of a rowid key's life: the log row names the life it ended, so that it is sent
   * as that life's delete even once a later insert re-created the key. Other replicas may know that
   * life as lost to a concurrent one, or as the winner over one they hold ({@link SameKeyRule});
   * told only of the later insert they would take it as ending their row. A read-only fold writes
   * no log (docs/known-limits.md).
   */
  private void nameEndedLife(long table, TableInfo info, long logId, Object key)
      throws SQLException {
    if (!info.rowidKey()) {
      return;
    }
    if (readOnly == null) {
      readOnly = conn.isReadOnly();
    }
    RowState r = row(table, key);
    if (r == null || !r.alive() || r.life() == null) {
      return;
    }
    if (readOnly) {
      ReadOnlyReads.nameDeleted(conn, logId, r.life(), r.cl() + 1);
    } else {
      LostLives.nameDeleted(conn, logId, r.life(), r.cl() + 1);
    }
  }

  /** Whether a logged row names a life (site, seq) other than the one its key holds now. */
  private boolean ofAnotherLife(ResultSet rs) throws SQLException {
    RowState r = row(rs.getLong(2), rs.getObject(4));
    return r == null || !new Dot(rs.getString(6), rs.getLong(7)).equals(r.life());
  }

  /** Whether a row with this stored key is in its table now. */
  @FunctionalInterface
  interface RowExistence {
    boolean test(long table, TableInfo info, Object key) throws SQLException;
  }

  long folded() throws SQLException {
    String value = CaptureSchema.meta(conn, "folded");
    return value == null ? 0 : Long.parseLong(value);
  }

  void setFolded(long logId) throws SQLException {
    CaptureSchema.setMeta(conn, "folded", logId);
  }

  @Override
  public void close() throws SQLException {
    readRow.close();
    writeRow.close();
    readCell.close();
    writeCell.close();
    dropCells.close();
    counters.close();
    if (readWrittenCells != null) {
      readWrittenCells.close();
    }
  }
}
