package io.chora.jdbc.crsqlite;

import io.chora.jdbc.seam.SqliteConnection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Native mode's own SQL, run on sqlite-jdbc's plain statements so that it never goes through the
 * connection's DDL handling. Values come back as the SQLite storage classes chora uses: {@code
 * null}, {@link Long}, {@link Double}, {@link String}, {@code byte[]}.
 */
final class Sql {
  private Sql() {}

  static void exec(SqliteConnection conn, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(conn, sql, params)) {
      ps.execute();
    }
  }

  static long queryLong(SqliteConnection conn, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(conn, sql, params);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  static List<String> queryStrings(SqliteConnection conn, String sql, Object... params)
      throws SQLException {
    List<String> out = new ArrayList<>();
    for (List<Object> row : queryRows(conn, sql, params)) {
      out.add((String) row.get(0));
    }
    return out;
  }

  static List<List<Object>> queryRows(SqliteConnection conn, String sql, Object... params)
      throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (PreparedStatement ps = prepare(conn, sql, params);
        ResultSet rs = ps.executeQuery()) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>(columns);
        for (int i = 1; i <= columns; i++) {
          row.add(value(rs, i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** A column as a storage-class value: sqlite-jdbc hands small integers out as Integer. */
  static Object value(ResultSet rs, int column) throws SQLException {
    Object value = rs.getObject(column);
    return value instanceof Integer i ? Long.valueOf(i) : value;
  }

  static PreparedStatement prepare(SqliteConnection conn, String sql, Object... params)
      throws SQLException {
    PreparedStatement ps = conn.plainPrepare(sql);
    try {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
    return ps;
  }

  /** An identifier in double quotes, safe for any name. */
  static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
