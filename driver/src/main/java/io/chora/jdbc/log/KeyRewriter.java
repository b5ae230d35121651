package io.chora.jdbc.log;

import io.chora.jdbc.sql.InsertShape;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Gives the key column of an INSERT into a rowid table a key from this writer's block ({@link
 * KeyBlocks}) wherever SQLite would pick one: the column left out, NULL, or a parameter bound to
 * NULL. The application's text is kept as it is and in order, so parameters, the upsert clause and
 * RETURNING mean what they meant:
 *
 * <ul>
 *   <li>a prepared statement of one VALUES row, the common case: the key is one more parameter,
 *       which the statement binds from memory before each execution or batch row; SQLite does no
 *       more work than for an explicit key;
 *   <li>every other form (several rows, a SELECT, DEFAULT VALUES, a plain {@code Statement}): each
 *       row calls {@code chora_key(table)} ({@link KeyFunction}).
 * </ul>
 *
 * Keys given as non-NULL literals leave the statement untouched.
 */
final class KeyRewriter {
  /** The rewritten text; {@code keyParameter} > 0 is the parameter that takes the key. */
  record Rewrite(String sql, int keyParameter) {}

  private final long id;
  private final TableInfo table;
  private final String key;

  KeyRewriter(long id, TableInfo table) {
    this.id = id;
    this.table = table;
    this.key = Sql.id(table.keyColumns().get(0));
  }

  long tableId() {
    return id;
  }

  /** The statement with keys for its rows ({@code sql} itself when it needs none). */
  Rewrite rewrite(String sql, InsertShape shape, boolean prepared) {
    List<String> targets = shape.columns() != null ? shape.columns() : table.columns();
    int keyAt = keyIndex(targets);
    if (keyAt < 0 && shape.columns() == null) {
      return new Rewrite(sql, 0); // positional, and the key is not a plain column: left alone
    }
    if (shape.source() == InsertShape.Source.DEFAULT_VALUES) {
      return new Rewrite(
          sql.substring(0, shape.sourceSpan().start())
              + "("
              + key
              + ") VALUES ("
              + perRow()
              + ") "
              + sql.substring(shape.tailStart()),
          0);
    }
    if (shape.source() == InsertShape.Source.VALUES
        && keyAt >= 0
        && allLiteral(sql, shape, keyAt)) {
      return new Rewrite(sql, 0);
    }
    if (shape.source() == InsertShape.Source.VALUES && shape.rows().size() == 1) {
      boolean bound = prepared && !shape.hasOtherParameters();
      return oneRow(sql, shape, keyAt, bound);
    }
    return new Rewrite(fromCte(sql, shape, targets.size(), keyAt), 0);
  }

  private int keyIndex(List<String> targets) {
    String column = table.keyColumns().get(0);
    for (int i = 0; i < targets.size(); i++) {
      if (targets.get(i).equalsIgnoreCase(column)) {
        return i;
      }
    }
    for (int i = 0; i < targets.size(); i++) {
      String t = targets.get(i).toLowerCase(Locale.ROOT);
      boolean alias = t.equals("rowid") || t.equals("oid") || t.equals("_rowid_");
      if (alias && table.columns().stream().noneMatch(c -> c.equalsIgnoreCase(t))) {
        return i; // rowid, oid and _rowid_ name the key of a rowid table too
      }
    }
    return -1;
  }

  private static boolean allLiteral(String sql, InsertShape shape, int keyAt) {
    for (List<InsertShape.Span> row : shape.rowValues()) {
      if (keyAt >= row.size() || !InsertShape.isNonNullLiteral(row.get(keyAt).of(sql))) {
        return false;
      }
    }
    return true;
  }

  /**
   * One row: the key goes in as one more value, or wraps the given one in {@code coalesce}. Bound
   * from Java, it is parameter n + 1 of the statement's n plain {@code ?}s; those after it in the
   * text are numbered explicitly, so that each keeps its number.
   */
  private Rewrite oneRow(String sql, InsertShape shape, int keyAt, boolean bound) {
    List<InsertShape.Span> values = shape.rowValues().get(0);
    if (keyAt >= values.size()) {
      return new Rewrite(sql, 0); // SQLite reports the count mismatch itself
    }
    List<Integer> parameters = shape.plainParameters();
    int keyParameter = bound ? parameters.size() + 1 : 0;
    String next = bound ? "?" + keyParameter : perRow();
    TreeMap<Integer, String[]> edits = new TreeMap<>(); // offset → {text removed, text inserted}
    int at;
    if (keyAt >= 0) {
      InsertShape.Span given = values.get(keyAt);
      at = given.start();
      edits.put(at, new String[] {"", "coalesce("});
      edits.put(given.end(), new String[] {"", ", " + next + ")"});
    } else {
      at = shape.rows().get(0).end() - 1;
      edits.put(shape.columnsClose(), new String[] {"", ", " + key});
      edits.put(at, new String[] {"", ", " + next});
    }
    if (bound && !parameters.isEmpty() && parameters.get(parameters.size() - 1) > at) {
      for (int i = 0; i < parameters.size(); i++) {
        int offset = parameters.get(i);
        String[] before = edits.get(offset);
        String inserted = before == null ? "" : before[1];
        edits.put(offset, new String[] {"?", inserted + "?" + (i + 1)});
      }
    }
    StringBuilder out = new StringBuilder(sql.length() + 64);
    int from = 0;
    for (var edit : edits.entrySet()) {
      out.append(sql, from, edit.getKey()).append(edit.getValue()[1]);
      from = edit.getKey() + edit.getValue()[0].length();
    }
    return new Rewrite(out.append(sql, from, sql.length()).toString(), keyParameter);
  }

  /** Several rows or a SELECT: the source becomes a CTE and each row's key comes from Java. */
  private String fromCte(String sql, InsertShape shape, int width, int keyAt) {
    StringBuilder out = new StringBuilder(sql.length() + 200);
    if (keyAt < 0) {
      out.append(sql, 0, shape.columnsClose()).append(", ").append(key).append(')');
    } else {
      out.append(sql, 0, shape.targetEnd());
    }
    StringBuilder names = new StringBuilder();
    StringBuilder projection = new StringBuilder();
    for (int i = 1; i <= width; i++) {
      String name = "chora_c" + i;
      names.append(i > 1 ? ", " : "").append(name);
      projection.append(i > 1 ? ", " : "");
      projection.append(i - 1 == keyAt ? "coalesce(" + name + ", " + perRow() + ")" : name);
    }
    if (keyAt < 0) {
      projection.append(", ").append(perRow());
    }
    out.append(" WITH chora_src(")
        .append(names)
        .append(") AS (")
        .append(shape.sourceSpan().of(sql))
        .append(") SELECT ")
        .append(projection)
        .append(" FROM chora_src");
    if (shape.hasUpsert()) {
      out.append(" WHERE true"); // SQLite's rule: an upsert after a SELECT needs a WHERE
    }
    return out.append(' ').append(sql, shape.tailStart(), sql.length()).toString();
  }

  /** A key per row, from Java: SQLite calls it for each row it computes. */
  private String perRow() {
    return KeyFunction.NAME + "(" + id + ")";
  }
}
