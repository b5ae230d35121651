package io.chora.jdbc.shared;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What every received key and value must satisfy, in either mode: a whole primary key without NULL
 * parts, values no larger than {@code chora.maxValueBytes}, and in a STRICT table the column's
 * type; and no NaN.
 */
final class ValueRules {
  private ValueRules() {}

  /** The key's arity, its parts non-NULL and each a fitting value. */
  static void checkKey(
      String table,
      List<String> keyColumns,
      List<Object> key,
      boolean strict,
      Map<String, String> types,
      long maxValueBytes)
      throws SQLException {
    if (key.size() != keyColumns.size()) {
      throw Refusals.changeSet(
          "key of "
              + table
              + " has "
              + key.size()
              + " part(s); its primary key "
              + keyColumns
              + " has "
              + keyColumns.size()
              + " (the two replicas key the table differently: a primary key changed on one"
              + " of them, see docs/schema-changes.md)");
    }
    for (int i = 0; i < key.size(); i++) {
      Object part = key.get(i);
      if (part == null) {
        throw Refusals.changeSet("key of " + table + " has NULL for " + keyColumns.get(i));
      }
      checkValue(table, keyColumns.get(i), part, strict, types, maxValueBytes);
    }
  }

  /** A value's size, and its type when the table is STRICT. */
  static void checkValue(
      String table,
      String column,
      Object value,
      boolean strict,
      Map<String, String> types,
      long maxValueBytes)
      throws SQLException {
    long size =
        value instanceof byte[] b ? b.length : value instanceof String s ? s.length() * 3L : 8;
    if (size > maxValueBytes
        && (!(value instanceof String s)
            || s.getBytes(StandardCharsets.UTF_8).length > maxValueBytes)) {
      throw Refusals.changeSet(
          "value of "
              + table
              + "."
              + column
              + " is larger than chora.maxValueBytes="
              + maxValueBytes);
    }
    if (strict && value != null) {
      checkType(table, column, value, types);
    }
    if (value instanceof Double d && d.isNaN()) {
      // SQLite stores NaN as NULL: the sender cannot hold it, and receivers would disagree
      throw Refusals.changeSet(
          "value of " + table + "." + column + " is NaN, which no SQLite database holds");
    }
  }

  private static void checkType(
      String table, String column, Object value, Map<String, String> types) throws SQLException {
    String type = types.getOrDefault(column, "ANY").toUpperCase(Locale.ROOT);
    boolean fits =
        switch (type) {
          case "INT", "INTEGER" -> value instanceof Long;
          case "REAL" -> value instanceof Long || value instanceof Double;
          case "TEXT" -> value instanceof String;
          case "BLOB" -> value instanceof byte[];
          default -> true;
        };
    if (!fits) {
      throw Refusals.changeSet(
          "STRICT table "
              + table
              + " column "
              + column
              + " is "
              + type
              + " but the change carries "
              + value.getClass().getSimpleName());
    }
  }
}
