package io.chora.jdbc.log;

import io.chora.jdbc.sql.InsertShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Gives the key column of an INSERT into a rowid table a value from this replica's key block
 * ({@link KeyBlocks}) wherever SQLite would pick one: the column left out, NULL, or a parameter
 * bound to NULL. The application's text is kept as it is and in order, so parameter numbers, the
 * upsert clause and RETURNING mean what they meant:
 *
 * <ul>
 *   <li>one VALUES row: the key goes in as one more value (or wraps the given one in {@code
 *       coalesce}); the common case and the cheapest, one B-tree seek per row;
 *   <li>several rows, or a SELECT: the source becomes a CTE and each row's key is the block's next
 *       key plus its row number, since SQLite computes every row before it inserts the first;
 *   <li>DEFAULT VALUES: becomes one VALUES row with the key.
 * </ul>
 *
 * Keys given as non-NULL literals leave the statement untouched.
 */
final class KeyRewriter {
  private final long id;
  private final TableInfo table;
  private final String key;
  private final String name;

  KeyRewriter(long id, TableInfo table) {
    this.id = id;
    this.table = table;
    this.key = Sql.id(table.keyColumns().get(0));
    this.name = Sql.id(table.name());
  }

  /** The statement with keys for its rows, or {@code sql} itself when it needs none. */
  String rewrite(String sql, InsertShape shape) {
    List<String> targets = shape.columns() != null ? shape.columns() : table.columns();
    int keyAt = keyIndex(targets);
    if (keyAt < 0 && shape.columns() == null) {
      return sql; // a positional insert into a table whose key is not a plain column: left alone
    }
    switch (shape.source()) {
      case DEFAULT_VALUES:
        return sql.substring(0, shape.sourceSpan().start())
            + "("
            + key
            + ") VALUES ("
            + oneKey()
            + ") "
            + sql.substring(shape.tailStart());
      case VALUES:
        if (keyAt >= 0 && allLiteral(sql, shape, keyAt)) {
          return sql;
        }
        if (shape.rows().size() == 1) {
          return oneRow(sql, shape, keyAt);
        }
        return fromCte(sql, shape, targets.size(), keyAt);
      default:
        return fromCte(sql, shape, targets.size(), keyAt);
    }
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

  private String oneRow(String sql, InsertShape shape, int keyAt) {
    List<InsertShape.Span> values = shape.rowValues().get(0);
    StringBuilder out = new StringBuilder(sql.length() + 400);
    if (keyAt >= 0) {
      if (keyAt >= values.size()) {
        return sql; // SQLite reports the count mismatch itself
      }
      InsertShape.Span given = values.get(keyAt);
      return out.append(sql, 0, given.start())
          .append("coalesce(")
          .append(given.of(sql))
          .append(", ")
          .append(oneKey())
          .append(')')
          .append(sql, given.end(), sql.length())
          .toString();
    }
    int close = shape.rows().get(0).end() - 1;
    return out.append(sql, 0, shape.columnsClose())
        .append(", ")
        .append(key)
        .append(sql, shape.columnsClose(), close)
        .append(", ")
        .append(oneKey())
        .append(sql, close, sql.length())
        .toString();
  }

  private String fromCte(String sql, InsertShape shape, int width, int keyAt) {
    StringBuilder out = new StringBuilder(sql.length() + 600);
    if (keyAt < 0) {
      out.append(sql, 0, shape.columnsClose()).append(", ").append(key).append(')');
    } else {
      out.append(sql, 0, shape.targetEnd());
    }
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= width; i++) {
      names.add("chora_c" + i);
    }
    List<String> projection = new ArrayList<>(names);
    if (keyAt >= 0) {
      projection.set(keyAt, "coalesce(" + names.get(keyAt) + ", " + rowKey() + ")");
    } else {
      projection.add(rowKey());
    }
    out.append(" WITH chora_src(")
        .append(String.join(", ", names))
        .append(") AS (")
        .append(shape.sourceSpan().of(sql))
        .append(") SELECT ")
        .append(String.join(", ", projection))
        .append(" FROM chora_src");
    if (shape.hasUpsert()) {
      out.append(" WHERE true"); // SQLite's rule: an upsert after a SELECT needs a WHERE
    }
    return out.append(' ').append(sql, shape.tailStart(), sql.length()).toString();
  }

  /** The next key of the block, or the slow path's: for a statement that inserts one row. */
  private String oneKey() {
    return "coalesce((SELECT k FROM (SELECT "
        + next("c")
        + " AS k, c.hi AS hi FROM chora_key_cursor c WHERE c.tbl = "
        + id
        + " AND c.site = "
        + KeyBlocks.SITE
        + ") WHERE k < hi), "
        + KeyBlocks.NAME
        + "("
        + id
        + ", "
        + cursor("lo")
        + "))";
  }

  /**
   * Row n's key: the block's next key plus n - 1, while that stays in the block. The subqueries do
   * not depend on the row, so SQLite computes each once per statement.
   */
  private String rowKey() {
    String base =
        "(SELECT "
            + next("c")
            + " FROM chora_key_cursor c WHERE c.tbl = "
            + id
            + " AND c.site = "
            + KeyBlocks.SITE
            + ")";
    String nth = base + " + row_number() OVER () - 1";
    return "CASE WHEN "
        + nth
        + " < "
        + cursor("hi")
        + " THEN "
        + nth
        + " ELSE "
        + KeyBlocks.NAME
        + "("
        + id
        + ", "
        + cursor("lo")
        + ") END";
  }

  /** One past the highest key of cursor {@code c}'s block, read from the rowid B-tree. */
  private String next(String c) {
    return "coalesce((SELECT max("
        + key
        + ") FROM "
        + name
        + " WHERE "
        + key
        + " >= "
        + c
        + ".lo AND "
        + key
        + " < "
        + c
        + ".hi), "
        + c
        + ".lo - 1) + 1";
  }

  private String cursor(String column) {
    return "(SELECT "
        + column
        + " FROM chora_key_cursor WHERE tbl = "
        + id
        + " AND site = "
        + KeyBlocks.SITE
        + ")";
  }
}
