package io.chora.it.convergence;

import io.chora.jdbc.testing.Db;
import io.chora.sync.Change;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reference model of merging, written from the rules and not from the driver: it folds the
 * changes of {@code item} and {@code tag} (and with {@link Feature#SCHEMA_STEPS} of {@code
 * item.note} and {@code review}) of committed transactions, in any order, into rows.
 *
 * <ul>
 *   <li>Each row (table and key) keeps the highest causal length any change gave it; a change with
 *       a lower one is ignored.
 *   <li>A higher causal length begins a new life and forgets the cells of the old one; an odd one
 *       is alive and takes its cells from the change (all columns for an insert), an even one is
 *       deleted.
 *   <li>A change with the row's causal length, alive, writes its cells, and each cell keeps the
 *       value of its last writer by (HLC, then site id): the greater wins. An equal even causal
 *       length stays deleted.
 *   <li>A row exists iff its causal length is odd; its columns are its key and the cells of its
 *       life (the column's default for a column no change of that life wrote: NULL, or {@code ''}
 *       for {@code item.note}, which changes written on v1 never carry).
 * </ul>
 *
 * With {@link Feature#COUNTERS}, {@code item.qty} counts: a change's {@code adds} are increments,
 * its values resets, and the cell holds its last writer's value plus the increments whose
 * transactions that writer's dependencies do not cover, as docs/counters.md states the rule.
 *
 * <p>This is java mode's rule ({@link Feature#HLC_MERGE_RULE}). Cells of a column a replica lacked
 * when it received them follow the same rule: the model knows no schema versions.
 */
final class Model {
  /** The checked tables' columns, key columns first. */
  private static final Map<String, List<String>> COLUMNS =
      Map.of(
          "item", List.of("id", "name", "qty", "note"),
          "tag", List.of("item", "label", "weight"),
          "review", List.of("id", "item", "stars"));

  /** A cell's value and the transaction that wrote it, with what that transaction had seen. */
  private record Cell(Object value, long hlc, String site, VectorClock deps) {
    boolean notOlderThan(Cell other) {
      return hlc != other.hlc ? hlc > other.hlc : site.compareTo(other.site) >= 0;
    }
  }

  /**
   * A row's causal length, the cells written in its current life, and the increments of its
   * counting cells, by column and then transaction ({@link Feature#COUNTERS}).
   */
  private static final class Row {
    long cl;
    final Map<String, Cell> cells = new TreeMap<>();
    final Map<String, Map<String, Long>> increments = new TreeMap<>();
  }

  /** Table and key values (integers as Long), then the row. */
  private final Map<List<Object>, Row> rows = new HashMap<>();

  void fold(Transaction t) {
    for (Change c : t.changes()) {
      if (!COLUMNS.containsKey(c.table())) {
        continue;
      }
      List<Object> id = new ArrayList<>(List.of(c.table()));
      c.key().forEach(k -> id.add(k instanceof Integer i ? (Object) (long) i : k));
      Row row = rows.computeIfAbsent(id, x -> new Row());
      if (c.causalLength() < row.cl) {
        continue; // a change to an older life
      }
      if (c.causalLength() > row.cl) {
        row.cl = c.causalLength(); // a new life
        row.cells.clear();
        row.increments.clear();
      }
      if (row.cl % 2 == 0) {
        continue; // deleted
      }
      for (Map.Entry<String, Object> e : c.values().entrySet()) {
        Cell cell = new Cell(e.getValue(), t.hlc(), t.dot().site(), t.deps());
        Cell old = row.cells.get(e.getKey());
        if (old == null || cell.notOlderThan(old)) {
          row.cells.put(e.getKey(), cell); // an equal writer is the same transaction, later
        }
      }
      for (Map.Entry<String, Long> add : c.adds().entrySet()) {
        row.increments
            .computeIfAbsent(add.getKey(), k -> new TreeMap<>())
            .put(t.dot().toString(), add.getValue());
      }
    }
  }

  /**
   * A cell's value: its last writer's, plus for a counting cell every increment that writer had not
   * seen (its transaction's dependencies do not cover it). A count is of integers: a last value
   * that is not one stays as it is.
   */
  private static Object value(Row row, String column) {
    Cell base = row.cells.get(column);
    Map<String, Long> increments = row.increments.get(column);
    if (increments == null || base == null || !(base.value() instanceof Long start)) {
      return base == null ? null : base.value();
    }
    long sum = start;
    for (Map.Entry<String, Long> e : increments.entrySet()) {
      int colon = e.getKey().lastIndexOf(':');
      String site = e.getKey().substring(0, colon);
      long seq = Long.parseLong(e.getKey().substring(colon + 1));
      if (base.deps().get(site) < seq) {
        sum += e.getValue();
      }
    }
    return sum;
  }

  /** Every row the model knows, dead ones too, with its writers: equal for equal models. */
  List<String> state() {
    return rows.entrySet().stream()
        .map(
            e ->
                e.getKey()
                    + " cl "
                    + e.getValue().cl
                    + " "
                    + e.getValue().cells
                    + " "
                    + e.getValue().increments)
        .sorted()
        .toList();
  }

  /**
   * The living rows, dumped as a replica's {@code item}, {@code tag} and (on {@code v2}) {@code
   * review} are: written into {@code db}, which has the tables ({@link Schema#modelTables}), so
   * that SQLite renders the values and gives a column no change of the row's life wrote its
   * default.
   */
  List<String> dump(Connection db, boolean v2) throws SQLException {
    Db.exec(db, "DELETE FROM item", "DELETE FROM tag", "DELETE FROM review");
    for (Map.Entry<List<Object>, Row> e : rows.entrySet()) {
      List<Object> id = e.getKey();
      if (e.getValue().cl % 2 == 0) {
        continue;
      }
      List<String> columns = new ArrayList<>();
      List<Object> values = new ArrayList<>();
      List<String> all = COLUMNS.get((String) id.get(0));
      for (int i = 0; i < all.size(); i++) {
        Cell cell = e.getValue().cells.get(all.get(i));
        boolean counted = e.getValue().increments.containsKey(all.get(i));
        if (i + 1 < id.size() || cell != null || counted) {
          columns.add(all.get(i));
          values.add(i + 1 < id.size() ? id.get(i + 1) : value(e.getValue(), all.get(i)));
        }
      }
      String sql =
          "INSERT INTO "
              + id.get(0)
              + "("
              + String.join(", ", columns)
              + ") VALUES (?"
              + ", ?".repeat(columns.size() - 1)
              + ")";
      try (PreparedStatement ps = db.prepareStatement(sql)) {
        for (int i = 0; i < values.size(); i++) {
          ps.setObject(i + 1, values.get(i));
        }
        ps.executeUpdate();
      }
    }
    return Schema.dump(db, Schema.modelDumps(v2));
  }
}
