package io.chora.jdbc.log;

import io.chora.jdbc.shared.SyncedTable;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The shape of a user table as capture needs it: columns in declaration order (generated columns
 * excluded), the primary key columns in key order, and the column sets of other UNIQUE indexes.
 */
record TableInfo(
    String name,
    List<String> columns,
    List<String> keyColumns,
    List<List<String>> uniqueKeys,
    Map<String, String> types,
    boolean strict,
    boolean rowidKey)
    implements SyncedTable {

  boolean hasPrimaryKey() {
    return !keyColumns.isEmpty();
  }

  /**
   * Whether {@code column} may hold INTEGER 1 and REAL 1.0 as different values: a column of BLOB
   * affinity (no declared type, or one naming BLOB) or STRICT's ANY. Every other affinity turns an
   * integral REAL into an INTEGER or both into TEXT (SQLite's "Determination Of Column Affinity",
   * whose order this follows); a non-STRICT ANY is NUMERIC, counted here anyway, which only costs
   * its trigger a comparison.
   */
  boolean keepsEveryStorageClass(String column) {
    String type = types.getOrDefault(column, "").toUpperCase(java.util.Locale.ROOT);
    if (type.contains("INT")
        || type.contains("CHAR")
        || type.contains("CLOB")
        || type.contains("TEXT")) {
      return false;
    }
    return type.isEmpty() || type.contains("BLOB") || type.equals("ANY");
  }

  static TableInfo read(Connection conn, String table) throws SQLException {
    List<String> columns = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    TreeMap<Integer, String> keys = new TreeMap<>();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA main.table_info(" + Sql.id(table) + ")")) {
      while (rs.next()) {
        String column = rs.getString("name");
        columns.add(column);
        types.put(column, rs.getString("type"));
        int pk = rs.getInt("pk");
        if (pk > 0) {
          keys.put(pk, column);
        }
      }
    }
    return new TableInfo(
        table,
        columns,
        List.copyOf(keys.values()),
        uniqueKeys(conn, table),
        Map.copyOf(types),
        listed(conn, table, "strict"),
        keys.size() == 1
            && "INTEGER".equalsIgnoreCase(types.get(keys.firstEntry().getValue()))
            && !listed(conn, table, "wr"));
  }

  /**
   * A flag of the table in {@code pragma_table_list}: {@code strict}, or {@code wr} (WITHOUT
   * ROWID). A single INTEGER PRIMARY KEY of a rowid table is the rowid, whose values SQLite picks
   * when an insert leaves them out.
   */
  private static boolean listed(Connection conn, String table, String flag) throws SQLException {
    try (java.sql.PreparedStatement ps =
        conn.prepareStatement(
            "SELECT " + flag + " FROM pragma_table_list WHERE schema = 'main' AND name = ?")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getInt(1) == 1;
      }
    }
  }

  /**
   * UNIQUE indexes other than the primary key: REPLACE may delete rows through them. A partial
   * index counts as if it were whole: that only widens the conflict check, and candidates that were
   * not deleted are dropped when changes are read.
   */
  private static List<List<String>> uniqueKeys(Connection conn, String table) throws SQLException {
    List<String> indexes = new ArrayList<>();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA main.index_list(" + Sql.id(table) + ")")) {
      while (rs.next()) {
        if (rs.getInt("unique") == 1 && !"pk".equals(rs.getString("origin"))) {
          indexes.add(rs.getString("name"));
        }
      }
    }
    List<List<String>> unique = new ArrayList<>();
    for (String index : indexes) {
      List<String> cols = new ArrayList<>();
      try (Statement st = conn.createStatement();
          ResultSet rs = st.executeQuery("PRAGMA main.index_info(" + Sql.id(index) + ")")) {
        while (rs.next()) {
          String col = rs.getString("name");
          if (col == null) {
            cols = null; // an index on an expression: conflicts through it are not predictable
            break;
          }
          cols.add(col);
        }
      }
      if (cols != null && !cols.isEmpty()) {
        unique.add(List.copyOf(cols));
      }
    }
    return List.copyOf(unique);
  }
}
