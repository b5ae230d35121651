package io.chora.jdbc.testing;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.Change;
import io.chora.sync.ChangeSet;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Test helpers: open databases in a temp folder, read rows and what capture recorded. Shared with
 * {@code tests/} through the driver's test-jar.
 */
public final class Db {
  private Db() {}

  public static Connection chora(Path dir, String name) throws SQLException {
    return DriverManager.getConnection("jdbc:chora:" + dir.resolve(name));
  }

  public static Connection chora(Path dir, String name, String query) throws SQLException {
    return DriverManager.getConnection("jdbc:chora:" + dir.resolve(name) + "?" + query);
  }

  public static Connection sqlite(Path dir, String name) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(name));
  }

  public static void exec(Connection c, String... sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  /** A query's rows, each as its columns' text joined by {@code |}. */
  public static List<String> rows(Connection c, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          row.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }

  public static long scalar(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  public static ChoraConnection of(Connection c) throws SQLException {
    return c.unwrap(ChoraConnection.class);
  }

  /** Every captured change, flattened, in commit order. */
  public static List<Change> changes(Connection c) throws SQLException {
    List<Change> all = new ArrayList<>();
    for (Transaction t : of(c).changesSince(new VectorClock()).transactions()) {
      all.addAll(t.changes());
    }
    return all;
  }

  /** The captured changes of each committed transaction, as readable strings. */
  public static List<List<String>> transactions(Connection c) throws SQLException {
    ChangeSet set = of(c).changesSince(new VectorClock());
    return set.transactions().stream()
        .map(t -> t.changes().stream().map(Change::toString).toList())
        .toList();
  }

  /** The local commit count: the site's entry in the clock. */
  public static long seq(Connection c) throws SQLException {
    ChoraConnection cc = of(c);
    return cc.clock().get(cc.siteId());
  }

  /** Every row of {@code table}, each cell as storage class and value, ordered by all columns. */
  public static List<String> typedRows(Connection conn, String table) throws SQLException {
    List<String> rows = new ArrayList<>();
    String quoted = '"' + table.replace("\"", "\"\"") + '"';
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM " + quoted + " LIMIT 0")) {
      int columns = rs.getMetaData().getColumnCount();
      StringBuilder order = new StringBuilder();
      for (int i = 1; i <= columns; i++) {
        order.append(i == 1 ? "" : ", ").append(i);
      }
      try (Statement all = conn.createStatement();
          ResultSet r = all.executeQuery("SELECT * FROM " + quoted + " ORDER BY " + order)) {
        while (r.next()) {
          StringBuilder row = new StringBuilder();
          for (int i = 1; i <= columns; i++) {
            row.append(i == 1 ? "" : "|").append(cell(r.getObject(i)));
          }
          rows.add(row.toString());
        }
      }
    }
    return rows;
  }

  private static String cell(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof byte[] bytes) {
      return "blob:" + HexFormat.of().formatHex(bytes);
    }
    if (value instanceof Double d) {
      return "real:" + d; // Double.toString round-trips exactly
    }
    if (value instanceof Number) {
      return "integer:" + value;
    }
    return "text:" + value;
  }

  /** Where two files' bytes first differ, or "none". */
  public static String difference(byte[] x, byte[] y) {
    int at = Arrays.mismatch(x, y);
    return at < 0
        ? "none"
        : "first at offset " + at + " of " + x.length + " vs " + y.length + " bytes";
  }
}
