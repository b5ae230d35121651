package io.chora.jdbc.log;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Decodes the composite keys the triggers write ({@link TriggerBuilder}): comma-joined parts, TEXT
 * as {@code T}+hex of UTF-8, the rest as SQLite's quote() renders them ({@code NULL}, integers,
 * reals with round-trip precision, {@code X'..'} blobs). No part contains a comma.
 */
final class KeyCodec {
  private KeyCodec() {}

  /** A string that is equal for equal keys of any storage class: for sets and maps of rows. */
  static String identity(Object key) {
    if (key instanceof byte[] bytes) {
      return "x" + HexFormat.of().formatHex(bytes);
    }
    if (key instanceof Integer i) {
      return "L" + i; // sqlite-jdbc reads small integers back as Integer: the same key as a Long
    }
    return key == null ? "null" : key.getClass().getSimpleName().charAt(0) + key.toString();
  }

  /** A row's identity across tables: table id and key. */
  static String rowId(long table, Object storedKey) {
    return table + ":" + identity(storedKey);
  }

  /** A key as the log stores it, back as its parts in key column order. */
  static List<Object> decode(TableInfo table, Object stored) {
    if (table.keyColumns().size() == 1) {
      return java.util.Collections.singletonList(RowReader.normalize(stored));
    }
    return decode((String) stored);
  }

  /**
   * A key's parts in the form the triggers store: the single value itself, or for composite keys
   * the same text the trigger builds, made by SQLite itself so that REAL formatting matches.
   */
  static Object encode(java.sql.Connection conn, List<Object> parts) throws java.sql.SQLException {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 1; i <= parts.size(); i++) {
      sql.append(i == 1 ? "" : "||','||")
          .append("CASE typeof(?")
          .append(i)
          .append(") WHEN 'text' THEN 'T' || hex(?")
          .append(i)
          .append(") ELSE quote(?")
          .append(i)
          .append(") END");
    }
    try (java.sql.PreparedStatement ps = conn.prepareStatement(sql.toString())) {
      for (int i = 0; i < parts.size(); i++) {
        ps.setObject(i + 1, parts.get(i));
      }
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  static List<Object> decode(String text) {
    List<Object> parts = new ArrayList<>();
    for (String token : text.split(",", -1)) {
      parts.add(part(token));
    }
    return parts;
  }

  private static Object part(String token) {
    if (token.startsWith("T")) {
      return new String(HexFormat.of().parseHex(token, 1, token.length()), StandardCharsets.UTF_8);
    }
    if (token.equals("NULL")) {
      return null;
    }
    if (token.startsWith("X'")) {
      return HexFormat.of().parseHex(token, 2, token.length() - 1);
    }
    if (token.equals("Inf") || token.equals("9.0e+999")) {
      return Double.POSITIVE_INFINITY;
    }
    if (token.equals("-Inf") || token.equals("-9.0e+999")) {
      return Double.NEGATIVE_INFINITY;
    }
    if (token.indexOf('.') >= 0 || token.indexOf('e') >= 0 || token.indexOf('E') >= 0) {
      return Double.parseDouble(token);
    }
    return Long.parseLong(token);
  }
}
