package io.chora.it.conformance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What a scenario leaves in its file: the application's schema (chora's own objects, named {@code
 * chora_*}, left out) and each table's rows, sorted. A table's rowid alias column ({@code INTEGER
 * PRIMARY KEY}) is left out of the rows: java mode generates its values from the replica's own key
 * space (docs/keys.md), so they differ from plain SQLite's on purpose; scenarios that care about
 * keys select them themselves.
 */
final class Dump {
  private Dump() {}

  static void into(Run run) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement s = run.conn.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE"
                    + " 'chora\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                    + " ORDER BY type, name")) {
      while (rs.next()) {
        run.note("end: schema " + rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(4));
        if (rs.getString(1).equals("table")) {
          tables.add(rs.getString(2));
        }
      }
    }
    for (String table : tables) {
      List<String> cols = valueColumns(run.conn, table);
      if (cols.isEmpty()) {
        continue;
      }
      List<String> rows = new ArrayList<>();
      try (Statement s = run.conn.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT " + String.join(", ", cols) + " FROM " + quote(table))) {
        while (rs.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= cols.size(); i++) {
            row.add(Run.show(rs.getObject(i)));
          }
          rows.add(String.join(" | ", row));
        }
      }
      rows.sort(null);
      for (String row : rows) {
        run.note("end: " + table + " " + row);
      }
    }
    run.note(
        "end: total_changes() "
            + run.scalar("SELECT total_changes()")
            + ", changes() "
            + run.scalar("SELECT changes()"));
  }

  /** The columns of {@code table} other than its rowid alias, quoted. */
  static List<String> valueColumns(Connection c, String table) throws SQLException {
    List<String> names = new ArrayList<>();
    List<String> types = new ArrayList<>();
    int keys = 0;
    String key = null;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA table_info(" + quote(table) + ")")) {
      while (rs.next()) {
        names.add(rs.getString("name"));
        types.add(rs.getString("type"));
        if (rs.getInt("pk") > 0) {
          keys++;
          key = rs.getString("name");
        }
      }
    }
    boolean withoutRowid;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE name = '"
                    + table.replace("'", "''")
                    + "'")) {
      withoutRowid = rs.next() && rs.getBoolean(1);
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      boolean alias =
          keys == 1
              && !withoutRowid
              && names.get(i).equals(key)
              && types.get(i).equalsIgnoreCase("INTEGER");
      if (!alias) {
        out.add(quote(names.get(i)));
      }
    }
    return out;
  }

  static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
