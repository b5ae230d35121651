package io.chora.sync;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One row change: the table, the row's primary key (in primary-key column order), what happened,
 * and the column values it set. A delete carries no values; an insert or update carries the columns
 * it wrote (all columns for an insert).
 */
public final class Change {
  private final String table;
  private final List<Object> key;
  private final ChangeKind kind;
  private final long causalLength;
  private final Map<String, Object> values;
  private final Dot life;
  private final Map<String, Long> adds;

  /** A change to the first life of a row: causal length 1, or 2 for its delete. */
  public Change(String table, List<Object> key, ChangeKind kind, Map<String, Object> values) {
    this(table, key, kind, kind == ChangeKind.DELETE ? 2 : 1, values);
  }

  /**
   * A change with the row's causal length after it: odd while the row exists, even once deleted.
   * Each delete or re-insert adds one, so the higher causal length decides whether a row exists.
   */
  public Change(
      String table,
      List<Object> key,
      ChangeKind kind,
      long causalLength,
      Map<String, Object> values) {
    this(table, key, kind, causalLength, values, null);
  }

  /**
   * A change that names the row life it belongs to: {@code life} is the transaction whose insert
   * began that life (null when unknown, as in sets of format version 2 and older). Two rows that
   * different replicas created concurrently under one rowid key are two lives, never one row.
   */
  public Change(
      String table,
      List<Object> key,
      ChangeKind kind,
      long causalLength,
      Map<String, Object> values,
      Dot life) {
    this(table, key, kind, causalLength, values, life, Map.of());
  }

  /**
   * A change that also adds {@code adds} to counting columns (column → amount): the transaction's
   * increments of cells it did not otherwise write ({@link Counter}). Only an update adds, and a
   * column is either written or added to, never both.
   */
  public Change(
      String table,
      List<Object> key,
      ChangeKind kind,
      long causalLength,
      Map<String, Object> values,
      Dot life,
      Map<String, Long> adds) {
    if (causalLength < 1 || (causalLength % 2 == 0) != (kind == ChangeKind.DELETE)) {
      throw new IllegalArgumentException(
          "causal length "
              + causalLength
              + " does not fit a "
              + kind.wireName()
              + " (odd for a live row, even for a deleted one)");
    }
    if (table == null || table.isEmpty()) {
      throw new IllegalArgumentException("a change needs a table name");
    }
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("a change of " + table + " needs a primary key");
    }
    key.forEach(SqlValues::require);
    values.values().forEach(SqlValues::require);
    if (!adds.isEmpty() && kind != ChangeKind.UPDATE) {
      throw new IllegalArgumentException(
          "only an update adds to counters; a " + kind.wireName() + " of " + table + " does");
    }
    for (Map.Entry<String, Long> add : adds.entrySet()) {
      if (add.getValue() == null || values.containsKey(add.getKey())) {
        throw new IllegalArgumentException(
            "column " + add.getKey() + " of " + table + " is both written and added to");
      }
    }
    this.table = table;
    // not List.copyOf: a NULL key part is legal in SQLite (non-rowid keys allow it)
    this.key = Collections.unmodifiableList(new ArrayList<>(key));
    this.kind = kind;
    this.causalLength = causalLength;
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.life = life;
    this.adds = adds.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(adds));
  }

  /** Column → amount this change adds to counting cells; empty for most changes. */
  public Map<String, Long> adds() {
    return adds;
  }

  /** This change with other amounts added, of the same row life and with the same values. */
  public Change withAdds(Map<String, Long> newAdds) {
    return new Change(table, key, kind, causalLength, values, life, newAdds);
  }

  /** The transaction whose insert began the row life this change belongs to; null: unknown. */
  public Dot life() {
    return life;
  }

  /** This change with other values, of the same row life. */
  public Change withValues(Map<String, Object> newValues) {
    return new Change(table, key, kind, causalLength, newValues, life, adds);
  }

  public String table() {
    return table;
  }

  /** The primary key values, in primary-key column order. */
  public List<Object> key() {
    return key;
  }

  /** The row's causal length after this change: odd while it exists, even once deleted. */
  public long causalLength() {
    return causalLength;
  }

  public ChangeKind kind() {
    return kind;
  }

  /** Column name → value, in table column order. */
  public Map<String, Object> values() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Change c
        && c.table.equals(table)
        && c.kind == kind
        && c.causalLength == causalLength
        && java.util.Objects.equals(c.life, life)
        && SqlValues.equal(c.key, key)
        && SqlValues.equal(c.values, values)
        && c.adds.equals(adds);
  }

  @Override
  public int hashCode() {
    int h = table.hashCode() * 31 + kind.hashCode();
    for (Object k : key) {
      h = h * 31 + SqlValues.hash(k);
    }
    return h;
  }

  @Override
  public String toString() {
    StringJoiner keys = new StringJoiner(", ", "[", "]");
    key.forEach(k -> keys.add(SqlValues.format(k)));
    StringJoiner cols = new StringJoiner(", ", "{", "}");
    values.forEach((c, v) -> cols.add(c + "=" + SqlValues.format(v)));
    adds.forEach((c, n) -> cols.add(c + "+=" + n));
    return kind.wireName() + " " + table + keys + (kind == ChangeKind.DELETE ? "" : " " + cols);
  }
}
