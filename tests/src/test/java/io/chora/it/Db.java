package io.chora.it;

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
import java.util.List;

/** Test helpers: open databases in a temp folder, read what capture recorded. */
final class Db {
  private Db() {}

  static Connection chora(Path dir, String name) throws SQLException {
    return DriverManager.getConnection("jdbc:chora:" + dir.resolve(name));
  }

  static Connection chora(Path dir, String name, String query) throws SQLException {
    return DriverManager.getConnection("jdbc:chora:" + dir.resolve(name) + "?" + query);
  }

  static Connection sqlite(Path dir, String name) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(name));
  }

  static void exec(Connection c, String... sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  /** A query's rows, each as its columns' text joined by {@code |}. */
  static List<String> rows(Connection c, String sql) throws SQLException {
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

  static long scalar(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static ChoraConnection of(Connection c) throws SQLException {
    return c.unwrap(ChoraConnection.class);
  }

  /** Every captured change, flattened, in commit order. */
  static List<Change> changes(Connection c) throws SQLException {
    List<Change> all = new ArrayList<>();
    for (Transaction t : of(c).changesSince(new VectorClock()).transactions()) {
      all.addAll(t.changes());
    }
    return all;
  }

  /** The captured changes of each committed transaction, as readable strings. */
  static List<List<String>> transactions(Connection c) throws SQLException {
    ChangeSet set = of(c).changesSince(new VectorClock());
    return set.transactions().stream()
        .map(t -> t.changes().stream().map(Change::toString).toList())
        .toList();
  }

  /** The local commit count: the site's entry in the clock. */
  static long seq(Connection c) throws SQLException {
    ChoraConnection cc = of(c);
    return cc.clock().get(cc.siteId());
  }
}
