package io.chora.demo;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.Change;
import io.chora.sync.ChangeSet;
import io.chora.sync.Hlc;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The README demo: an ordinary JDBC program on {@code jdbc:chora:}, then what chora recorded. The
 * only chora-specific line is the unwrap at the end.
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("chora-demo");
    String url = "jdbc:chora:" + dir.resolve("notes.db") + "?chora.site=laptop";
    System.out.println("Opening " + url + "\n");
    try (Connection conn = DriverManager.getConnection(url)) {
      writeLikeAnyApp(conn);
      ChoraConnection chora = conn.unwrap(ChoraConnection.class);
      ChangeSet changes = chora.changesSince(new VectorClock());
      System.out.println(
          "Captured "
              + changes.size()
              + " row changes in "
              + changes.transactions().size()
              + " committed transactions:");
      for (Transaction tx : changes.transactions()) {
        System.out.println("  " + tx.dot() + " at " + Hlc.format(tx.hlc()));
        for (Change change : tx.changes()) {
          System.out.println("      " + change);
        }
      }
      System.out.println("\nSite " + chora.siteId() + ", clock " + chora.clock());
      ChangeSet sinceTwo = chora.changesSince(new VectorClock().with(chora.siteId(), 2));
      System.out.println(
          "A peer at {"
              + chora.siteId()
              + "=2} would receive "
              + sinceTwo.transactions().size()
              + " transaction(s), as JSON:");
      System.out.println(sinceTwo.toJson());
    }
  }

  private static void writeLikeAnyApp(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute("CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT, body TEXT, stars REAL)");
      st.executeUpdate("INSERT INTO note(title, body) VALUES ('groceries', 'milk, eggs')");
    }
    conn.setAutoCommit(false);
    try (PreparedStatement ps =
        conn.prepareStatement("INSERT INTO note(title, body, stars) VALUES (?, ?, ?)")) {
      for (String title : new String[] {"ideas", "tabs vs spaces", "日本語 ✓"}) {
        ps.setString(1, title);
        ps.setString(2, "…");
        ps.setDouble(3, title.length() / 2.0);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    conn.commit();
    try (Statement st = conn.createStatement()) {
      st.executeUpdate("DELETE FROM note WHERE title = 'tabs vs spaces'");
      st.executeUpdate("INSERT INTO note(title) VALUES ('rolled back')");
    }
    conn.rollback(); // nothing of a rolled-back transaction is recorded
    conn.setAutoCommit(true);
    try (Statement st = conn.createStatement()) {
      st.executeUpdate("UPDATE note SET stars = 5 WHERE id = 1");
    }
  }
}
