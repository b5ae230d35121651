package io.chora.it.conformance;

import java.sql.ResultSet;
import java.util.List;

/**
 * Values as JDBC hands them back: literals and functions through {@code getObject}, and each
 * declared column type with each storage class through the typed getters.
 */
final class ValueScenarios {
  private ValueScenarios() {}

  private static final List<String> EXPRESSIONS =
      List.of(
          "1, -1, 0",
          "2147483647, 2147483648, 9223372036854775807, -9223372036854775808",
          "1.5, -0.0, 1e308, 1e-308, 0.1 + 0.2",
          "'a', '', 'héllo ☺', char(0), 'x' || NULL",
          "x'', x'00ff', zeroblob(3), CAST('ab' AS BLOB)",
          "NULL, typeof(NULL), NULL IS NULL",
          "CAST('12' AS INTEGER), CAST('1.5e3' AS REAL), CAST(12 AS TEXT), CAST(x'41' AS TEXT)",
          "1 = 1, 1 < 0, true, false",
          "hex('a'), quote('it''s'), unicode('☺'), printf('%.3f', 2)",
          "json_object('a', 1, 'b', json_array(1, 2)), json_extract('{\"x\":[5]}', '$.x[0]')",
          "date('2024-02-29'), time('12:34:56'), datetime(0, 'unixepoch'), julianday('2000-01-01')",
          "abs(-3), max(1, 2.5), min('a', 'b'), round(2.567, 2), length('abc'), instr('abc', 'c')",
          "9223372036854775807 + 1, 10 / 3, 10 % 3, 10.0 / 4",
          "substr('hello', 2, 3), replace('aaa', 'a', 'b'), trim('  x  '), upper('é')",
          "coalesce(NULL, 2), ifnull(NULL, 'x'), nullif(1, 1), iif(1, 'y', 'n')",
          "(SELECT 1 UNION SELECT 2 ORDER BY 1 DESC LIMIT 1), EXISTS (SELECT 1)",
          "'1' + 1, '1.0' = 1, 'abc' > 5, x'01' > 'z'");

  /** Declared types, each holding one value of each storage class. */
  private static final List<String> DECLARED =
      List.of(
          "INTEGER",
          "INT",
          "BIGINT",
          "TINYINT",
          "REAL",
          "DOUBLE",
          "FLOAT",
          "NUMERIC",
          "DECIMAL(10,2)",
          "BOOLEAN",
          "TEXT",
          "VARCHAR(10)",
          "CLOB",
          "BLOB",
          "DATE",
          "DATETIME",
          "TIMESTAMP",
          "");

  static List<Scenario> all() {
    Scenarios s = new Scenarios("value");
    for (String e : EXPRESSIONS) {
      s.add("select " + e, r -> r.query("SELECT " + e));
    }
    for (String type : DECLARED) {
      s.add(
          "column " + (type.isEmpty() ? "without a type" : type),
          r -> {
            r.setup("CREATE TABLE v(id INTEGER PRIMARY KEY, x " + type + ")");
            r.update(
                "INSERT INTO v(id, x) VALUES (1, 7), (2, 2.5), (3, '2021-03-04 05:06:07'),"
                    + " (4, x'0102'), (5, NULL), (6, '12'), (7, 1700000000000)");
            r.query("SELECT x, typeof(x) FROM v ORDER BY id");
            try (var st = r.conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT x FROM v ORDER BY id")) {
              while (rs.next()) {
                r.fails("  getInt", () -> r.note("  getInt", rs.getInt(1)));
                r.fails("  getDouble", () -> r.note("  getDouble", rs.getDouble(1)));
                r.fails("  getString", () -> r.note("  getString", rs.getString(1)));
                r.fails("  getBytes", () -> r.note("  getBytes", rs.getBytes(1)));
                r.fails("  getBigDecimal", () -> r.note("  getBigDecimal", rs.getBigDecimal(1)));
                r.fails("  getDate", () -> r.note("  getDate", rs.getDate(1)));
                r.fails("  getTimestamp", () -> r.note("  getTimestamp", rs.getTimestamp(1)));
                r.fails("  getBoolean", () -> r.note("  getBoolean", rs.getBoolean(1)));
              }
            }
          });
    }
    return s.list();
  }
}
