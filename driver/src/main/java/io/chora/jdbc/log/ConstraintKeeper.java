package io.chora.jdbc.log;

import io.chora.jdbc.log.Constraints.ForeignKey;
import io.chora.jdbc.log.Constraints.Holder;
import io.chora.sync.Conflict;
import io.chora.sync.Dot;
import io.chora.sync.SqlValues;
import io.chora.sync.Stamp;
import io.chora.sync.Transaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Keeps UNIQUE and FOREIGN KEY constraints while a change set is merged, by one rule that gives
 * every replica the same rows whatever order changes arrive in:
 *
 * <ul>
 *   <li>UNIQUE: when two rows claim the same value, the older claim keeps it. A claim is the write
 *       that gave the row its value (HLC, then site id); the row with the newer claim is removed.
 *   <li>FOREIGN KEY (with {@code PRAGMA foreign_keys=ON}): a deletion wins over a reference. A row
 *       left pointing at a parent that is gone is removed; a parent's delete does what the key
 *       declares ({@code CASCADE}, {@code SET NULL}, ...), and {@code RESTRICT}/{@code NO ACTION}
 *       children are removed as well.
 * </ul>
 *
 * <p>Removing a row is a local write: once the merged transactions are in, the removals (and what
 * SQLite's own ON DELETE actions changed beyond them) are committed as one new local transaction,
 * which syncs like any other, so replicas that never saw the clash delete the row too. Each removed
 * row, with all its values, goes to the conflict ledger, from where it can be restored.
 */
final class ConstraintKeeper implements AutoCloseable {
  /** A write the keeper may have to retry once the rows in its way are gone. */
  @FunctionalInterface
  interface Write {
    void run() throws SQLException;
  }

  /**
   * A row the merge removed or changed on its own: logged as the local transaction at the end. A
   * removal of a rowid-keyed row names the life it ended ({@link SameKeyRule}), null otherwise.
   */
  private record Effect(long table, int op, Object key, long mask, long cl, Dot life) {
    Effect(long table, int op, Object key, long mask, long cl) {
      this(table, op, key, mask, cl, null);
    }
  }

  /** The removal of a row that {@code state.deleted} just recorded. */
  private Effect removal(long table, Object key) throws SQLException {
    MergeState.RowState ended = state.row(table, key);
    TableInfo info = tables.get(table);
    return new Effect(
        table,
        LogOp.DELETE,
        key,
        0,
        ended.cl(),
        info != null && info.rowidKey() ? ended.life() : null);
  }

  private final Connection conn;
  private final Map<Long, TableInfo> tables;
  private final Map<String, Long> ids;
  private final MergeState state;
  private final RowReader rows;
  private final TableWriter writer;
  private final Ledger ledger;
  private final Constraints constraints;
  private final Dot local; // the dot the removals' transaction will get
  private final List<Effect> effects = new ArrayList<>();
  private final Set<Long> touched = new HashSet<>();
  private int conflicts;

  ConstraintKeeper(
      Connection conn,
      Map<Long, TableInfo> tables,
      Map<String, Long> ids,
      MergeState state,
      RowReader rows,
      TableWriter writer,
      Ledger ledger,
      Dot local)
      throws SQLException {
    this.conn = conn;
    this.tables = tables;
    this.ids = ids;
    this.state = state;
    this.rows = rows;
    this.writer = writer;
    this.ledger = ledger;
    this.local = local;
    this.constraints = new Constraints(conn, tables.values());
    if (constraints.enforced()) {
      // references are settled at the end; SQLite turns this off again when the transaction
      // ends (turning it off earlier would forget violations still outstanding)
      try (var st = conn.createStatement()) {
        st.execute("PRAGMA defer_foreign_keys = ON");
      }
    }
  }

  TableWriter writer() {
    return writer;
  }

  /** Rows removed to keep a constraint so far. */
  int conflicts() {
    return conflicts;
  }

  /**
   * Runs an insert or update of a merged row. If a UNIQUE value is taken, the older claim keeps it:
   * either the rows in the way are removed and the write runs again, or the merged row is removed
   * instead. Returns whether the merged row is in the table.
   */
  boolean write(
      Transaction tx,
      long id,
      TableInfo table,
      Object stored,
      List<Object> key,
      Supplier<Map<String, Object>> rowOf,
      boolean exists,
      Write write)
      throws SQLException {
    touched.add(id);
    for (int attempt = 0; ; attempt++) {
      try {
        write.run();
        return true;
      } catch (SQLException e) {
        if (!isUniqueViolation(e) || attempt > table.uniqueKeys().size()) {
          throw e;
        }
        Map<String, Object> row = rowOf.get(); // the row as it would be: only on a clash
        List<Holder> holders = constraints.holders(table, key, row);
        if (holders.isEmpty()) {
          throw e; // an index on an expression: not a case the rule covers
        }
        for (Holder holder : holders) {
          Stamp theirs = claim(id, table, holder.key(), holder.columns());
          if (Stamp.of(tx).beats(theirs)) {
            if (exists) {
              delete(table, key);
            }
            removed(id, stored, theirs, holder.columns(), row, Stamp.of(tx));
            return false;
          }
        }
        for (Holder holder : holders) {
          Stamp theirs = claim(id, table, holder.key(), holder.columns());
          Map<String, Object> values = rows.read(id, table, holder.key());
          delete(table, holder.key());
          Object theirKey = KeyCodec.encode(conn, holder.key());
          removed(id, theirKey, Stamp.of(tx), holder.columns(), values, theirs);
        }
      }
    }
  }

  /**
   * Deletes a row. Children that a {@code RESTRICT} key would not let go are removed first (other
   * keys are settled at the end, or act on their own).
   */
  void delete(TableInfo table, List<Object> key) throws SQLException {
    touched.add(ids.get(table.name()));
    try {
      writer.delete(table, key);
      return;
    } catch (SQLException e) {
      if (!isForeignKeyViolation(e)) {
        throw e;
      }
    }
    Map<String, Object> parent = rows.read(ids.get(table.name()), table, key);
    for (ForeignKey fk : constraints.referencing(table.name())) {
      TableInfo child = tables.get(ids.get(fk.child()));
      for (List<Object> childKey : constraints.children(child, fk, parent)) {
        removeOrphan(child, fk, childKey);
      }
    }
    writer.delete(table, key);
  }

  /**
   * After the changes of one merged transaction: what SQLite's ON DELETE actions did beyond them
   * (log rows the triggers wrote after {@code before} for rows the transaction did not name)
   * becomes part of the local transaction, since the log itself keeps only what was received.
   */
  void collectActions(long before, Set<String> named) throws SQLException {
    if (!deletesActOnOthers() || touched.stream().noneMatch(this::deleteActsOnOthers)) {
      return;
    }
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT tbl, op, pk, cols FROM chora_log WHERE id > ? AND op <> " + LogOp.COMMIT)) {
      ps.setLong(1, before);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long table = rs.getLong(1);
          Object key = rs.getObject(3);
          if (named.contains(KeyCodec.rowId(table, key))) {
            continue;
          }
          int op = rs.getInt(2);
          touched.add(table);
          if (op == LogOp.DELETE) {
            state.deleted(table, key, local, 0);
            effects.add(removal(table, key));
          } else if (op == LogOp.UPDATE) {
            effects.add(new Effect(table, op, key, rs.getLong(4), 0));
          }
        }
      }
    }
  }

  /**
   * Whether SQLite may change rows on its own when a merged delete runs (foreign keys enforced,
   * with ON DELETE actions): only then must merged rows be told apart from its doings.
   */
  boolean deletesActOnOthers() {
    return constraints.enforced() && tables.keySet().stream().anyMatch(this::deleteActsOnOthers);
  }

  private boolean deleteActsOnOthers(long table) {
    TableInfo info = tables.get(table);
    return info != null && constraints.deleteActsOnOthers(info.name());
  }

  /**
   * After every merged transaction, with the log at {@code end}: removes rows left without their
   * parent, then logs all removals that still stand; the caller closes them with a local commit
   * marker. Returns whether anything was logged.
   */
  boolean finish(long end) throws SQLException {
    if (constraints.enforced()) {
      long scanned = end;
      while (true) { // each pass removes rows or ends: a chain of orphans takes a pass a level
        int before = effects.size();
        for (long id : new ArrayList<>(touched)) {
          removeOrphansAround(tables.get(id));
        }
        if (effects.size() == before) {
          break;
        }
        collectActions(scanned, namedBy(effects.subList(before, effects.size())));
        scanned = CaptureSchema.lastLogId(conn);
      }
      try (PreparedStatement drop = conn.prepareStatement("DELETE FROM chora_log WHERE id > ?")) {
        drop.setLong(1, end); // the triggers' rows of the removals: logged once, below
        drop.executeUpdate();
      }
    }
    boolean logged = false;
    // once per row and life: one apply can remove two lives of one rowid key (one merged, removed,
    // then another that took the key), and each removal must reach the replicas that hold it
    Set<String> done = new HashSet<>();
    try (PreparedStatement log =
        conn.prepareStatement(
            "INSERT INTO chora_log(tbl, op, pk, cols, site, seq) VALUES (?, ?, ?, ?, ?, ?)")) {
      for (Effect effect : effects) {
        if (!stillStands(effect)
            || !done.add(
                effect.op()
                    + ":"
                    + KeyCodec.rowId(effect.table(), effect.key())
                    + ":"
                    + effect.life())) {
          continue;
        }
        log.setLong(1, effect.table());
        log.setInt(2, effect.op());
        log.setObject(3, effect.key());
        Dot life = effect.life(); // a removal of a row life, told as that life's (see LoggedRow)
        Object cols = effect.op() == LogOp.UPDATE ? (Object) effect.mask() : null;
        if (life != null) {
          cols = effect.cl(); // a removal that names its life holds its causal length
        }
        log.setObject(4, cols);
        log.setString(5, life == null ? null : life.site());
        log.setObject(6, life == null ? null : life.seq());
        log.executeUpdate();
        logged = true;
      }
    }
    return logged;
  }

  /** A removal stands while no later merged change began a newer life of its row. */
  private boolean stillStands(Effect effect) throws SQLException {
    MergeState.RowState life = state.row(effect.table(), effect.key());
    if (effect.op() == LogOp.DELETE) {
      // also when another life took the key since: the removal still ended the life it names
      return life != null
          && (life.cl() == effect.cl()
              || (effect.life() != null && !effect.life().equals(life.life())));
    }
    TableInfo table = tables.get(effect.table());
    return rows.exists(effect.table(), table, effect.key());
  }

  private void removeOrphansAround(TableInfo table) throws SQLException {
    if (table == null) {
      return;
    }
    List<ForeignKey> keys = new ArrayList<>(constraints.of(table.name()));
    keys.addAll(constraints.referencing(table.name()));
    for (ForeignKey fk : keys) {
      Long childId = ids.get(fk.child());
      if (childId == null) {
        continue;
      }
      TableInfo child = tables.get(childId);
      for (List<Object> key : constraints.orphans(child, fk)) {
        removeOrphan(child, fk, key);
      }
    }
  }

  private void removeOrphan(TableInfo child, ForeignKey fk, List<Object> key) throws SQLException {
    long id = ids.get(child.name());
    Map<String, Object> values = rows.read(id, child, key);
    if (values == null) {
      return;
    }
    Object stored = KeyCodec.encode(conn, key);
    if (fk.onDelete().equals("SET NULL")) { // what the key declares for a parent that goes
      Map<String, Object> cleared = new LinkedHashMap<>();
      fk.from().forEach(column -> cleared.put(column, null));
      writer.update(child, key, cleared);
      effects.add(
          new Effect(
              id, LogOp.UPDATE, stored, TriggerBuilder.maskOf(child.columns(), fk.from()), 0));
      return;
    }
    MergeState.RowState life = state.row(id, stored);
    Stamp parent = parentDeletion(fk, values);
    delete(child, key);
    ledger.recordRow(
        Conflict.Kind.FOREIGN_KEY,
        child,
        stored,
        fk.describe(),
        null,
        parent,
        valueOf(fk.from(), values),
        life == null ? new Stamp(local, 0) : life.stamp(),
        values);
    conflicts++;
    state.deleted(id, stored, local, 0);
    effects.add(removal(id, stored));
  }

  /** The deletion of the parent a row references, when the parent is a tracked row. */
  private Stamp parentDeletion(ForeignKey fk, Map<String, Object> child) throws SQLException {
    Long parentId = ids.get(fk.parent());
    TableInfo parent = parentId == null ? null : tables.get(parentId);
    if (parent == null || !parent.keyColumns().equals(fk.to())) {
      return null;
    }
    List<Object> key = fk.from().stream().map(child::get).toList();
    MergeState.RowState life = state.row(parentId, KeyCodec.encode(conn, key));
    return life == null ? null : life.stamp();
  }

  /** Records a row removed for a UNIQUE value that {@code kept} holds. */
  private void removed(
      long id, Object stored, Stamp kept, List<String> columns, Map<String, Object> row, Stamp lost)
      throws SQLException {
    TableInfo table = tables.get(id);
    Object value = valueOf(columns, row);
    ledger.recordRow(
        Conflict.Kind.UNIQUE,
        table,
        stored,
        "UNIQUE(" + String.join(", ", columns) + ")",
        value,
        kept,
        value,
        lost,
        row);
    conflicts++;
    state.deleted(id, stored, local, 0);
    effects.add(removal(id, stored));
  }

  /** The newest write among a row's cells in {@code columns}: when it took those values. */
  private Stamp claim(long id, TableInfo table, List<Object> key, List<String> columns)
      throws SQLException {
    Object stored = KeyCodec.encode(conn, key);
    MergeState.RowState life = state.row(id, stored);
    if (life == null) {
      return Stamp.BASELINE; // predates tracking: the oldest claim of all
    }
    Stamp newest = null;
    for (String column : columns) {
      Stamp c = state.cell(id, stored, column, life);
      if (newest == null || c.beats(newest)) {
        newest = c;
      }
    }
    return newest;
  }

  private static Object valueOf(List<String> columns, Map<String, Object> row) {
    return columns.size() == 1
        ? row.get(columns.get(0))
        : columns.stream().map(c -> SqlValues.format(row.get(c))).collect(Collectors.joining(", "));
  }

  private static Set<String> namedBy(List<Effect> effects) {
    Set<String> named = new HashSet<>();
    for (Effect effect : effects) {
      named.add(KeyCodec.rowId(effect.table(), effect.key()));
    }
    return named;
  }

  static boolean isUniqueViolation(SQLException e) {
    return e instanceof SQLiteException s
            && s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
        || String.valueOf(e.getMessage()).contains("UNIQUE constraint failed");
  }

  static boolean isForeignKeyViolation(SQLException e) {
    return e instanceof SQLiteException s
            && s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY
        || String.valueOf(e.getMessage()).contains("FOREIGN KEY constraint failed");
  }

  @Override
  public void close() throws SQLException {
    constraints.close();
  }
}
