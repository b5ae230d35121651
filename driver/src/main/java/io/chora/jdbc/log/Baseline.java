package io.chora.jdbc.log;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The rows a database holds when chora first opens it: a shared baseline, not a local write. They
 * are committed as one transaction of a site named after their content ({@code base.} and 32 hex
 * digits of a SHA-256 over the tracked tables' rows in key order), with HLC 0. So two copies of one
 * plain database, first opened by chora at any time, hold the same baseline transaction and have
 * nothing to send each other; a replica that lacks the rows (a fresh file) receives them like any
 * transaction; and every write made through chora (HLC above 0) wins over a baseline value.
 */
final class Baseline {
  static final String SITE_PREFIX = "base.";

  private Baseline() {}

  /**
   * Commits the rows adopted in this (first) open as the baseline transaction, if there are any;
   * call inside the write transaction that adopted them, before the local commit marker.
   */
  static void commit(Connection conn, Map<Long, TableInfo> tracked) throws SQLException {
    if (!CaptureSchema.openTransactionLogged(conn)) {
      return; // an empty database: no baseline
    }
    String digest = digest(conn, tracked);
    String site = SITE_PREFIX + digest;
    try (PreparedStatement ps =
        conn.prepareStatement(
            "INSERT INTO chora_log(op, site, seq, hlc, deps, nonce) VALUES ("
                + LogOp.COMMIT
                + ", ?, 1, 0, '{}', ?)")) {
      ps.setString(1, site);
      ps.setLong(2, Long.parseUnsignedLong(digest.substring(0, 16), 16)); // the same on every copy
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        conn.prepareStatement("INSERT OR REPLACE INTO chora_clock(site, seq) VALUES (?, 1)")) {
      ps.setString(1, site);
      ps.executeUpdate();
    }
  }

  /** Whether {@code site} names a baseline: a site that never writes again. */
  static boolean isBaseline(String site) {
    return site.startsWith(SITE_PREFIX);
  }

  /** SHA-256 (first 16 bytes, hex) of every tracked table's name, columns and rows in key order. */
  private static String digest(Connection conn, Map<Long, TableInfo> tracked) throws SQLException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
    List<TableInfo> tables =
        tracked.values().stream().sorted(Comparator.comparing(TableInfo::name)).toList();
    for (TableInfo table : tables) {
      update(sha, "table", table.name());
      for (String column : table.columns()) {
        update(sha, "column", column);
      }
      String order = table.keyColumns().stream().map(Sql::id).collect(Collectors.joining(", "));
      String columns = table.columns().stream().map(Sql::id).collect(Collectors.joining(", "));
      try (Statement st = conn.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT " + columns + " FROM " + Sql.id(table.name()) + " ORDER BY " + order)) {
        int n = table.columns().size();
        while (rs.next()) {
          update(sha, "row", "");
          for (int i = 1; i <= n; i++) {
            Object value = rs.getObject(i);
            if (value == null) {
              update(sha, "n", "");
            } else if (value instanceof byte[] bytes) {
              update(sha, "b", HexFormat.of().formatHex(bytes));
            } else if (value instanceof Double || value instanceof Float) {
              update(sha, "r", Double.toString(((Number) value).doubleValue()));
            } else if (value instanceof Number number) {
              update(sha, "i", Long.toString(number.longValue()));
            } else {
              update(sha, "t", value.toString());
            }
          }
        }
      }
    }
    return HexFormat.of().formatHex(sha.digest(), 0, 16);
  }

  /** A tagged, length-prefixed part: no two different row sets feed the same bytes. */
  private static void update(MessageDigest sha, String tag, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    sha.update(tag.getBytes(StandardCharsets.US_ASCII));
    sha.update((byte) ':');
    sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
    sha.update((byte) ':');
    sha.update(bytes);
  }
}
