package io.chora.jdbc.crsqlite;

import io.chora.jdbc.seam.SqliteConnection;
import java.sql.SQLException;
import java.util.List;

/**
 * cr-sqlite's conditions for a table to become a CRR, checked before {@code crsql_as_crr} (which
 * checks the same and says less) and again after every schema change through the driver, since
 * cr-sqlite does not look at a CRR's later indexes and keys. Each refusal names the table and the
 * rule.
 */
final class CrrRules {
  private CrrRules() {}

  /** Why {@code table} cannot be a CRR, or null when it can. */
  static String violation(SqliteConnection conn, String table) throws SQLException {
    if (table.indexOf('"') >= 0) {
      return "its name contains a double quote, which cr-sqlite 0.16 cannot handle";
    }
    List<List<Object>> columns =
        Sql.queryRows(
            conn,
            "SELECT name, \"notnull\", dflt_value IS NOT NULL, pk FROM pragma_table_info(?)",
            table);
    if (columns.stream().noneMatch(c -> (Long) c.get(3) > 0)) {
      return "it has no primary key, and cr-sqlite knows rows only by their primary key";
    }
    for (List<Object> c : columns) {
      String name = (String) c.get(0);
      boolean notNull = (Long) c.get(1) != 0;
      if ((Long) c.get(3) > 0 && !notNull) {
        return "its primary key column '"
            + name
            + "' may be NULL: declare it NOT NULL (cr-sqlite asks this of INTEGER PRIMARY KEY too)";
      }
      if (name.equals("-1") || name.startsWith("__crsql_")) {
        return "its column '"
            + name
            + "' has a name that cr-sqlite and native change sets reserve ('-1', __crsql_*)";
      }
      if ((Long) c.get(3) == 0 && notNull && (Long) c.get(2) == 0) {
        return "its NOT NULL column '"
            + name
            + "' has no DEFAULT, and cr-sqlite needs one for every NOT NULL column outside the key";
      }
    }
    return laterViolation(conn, table);
  }

  /** The rules a CRR can come to break after it was made: UNIQUE indexes and foreign keys. */
  static String laterViolation(SqliteConnection conn, String table) throws SQLException {
    List<String> unique =
        Sql.queryStrings(
            conn,
            "SELECT (SELECT group_concat(c.name, ', ') FROM pragma_index_info(i.name) c)"
                + " FROM pragma_index_list(?) i WHERE i.\"unique\" AND i.origin <> 'pk'",
            table);
    if (!unique.isEmpty()) {
      return "it has a UNIQUE constraint or index besides its primary key (on "
          + unique.get(0)
          + "), which merged rows could break, so cr-sqlite refuses it";
    }
    List<String> foreign =
        Sql.queryStrings(
            conn,
            "SELECT \"from\" || ' REFERENCES ' || \"table\" FROM pragma_foreign_key_list(?)",
            table);
    if (!foreign.isEmpty()) {
      return "it has a FOREIGN KEY ("
          + foreign.get(0)
          + "), and cr-sqlite refuses checked foreign keys, which merged rows could break";
    }
    return null;
  }

  static SQLException refusal(String table, String violation) {
    return new SQLException(
        "chora (crsqlite mode): table '"
            + table
            + "' cannot sync: "
            + violation
            + ". Change the table, or keep it local by leaving it out of chora.tables",
        "42000");
  }
}
