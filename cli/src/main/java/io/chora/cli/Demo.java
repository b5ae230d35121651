package io.chora.cli;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.Change;
import io.chora.sync.ChangeSet;
import io.chora.sync.Conflict;
import io.chora.sync.Hlc;
import io.chora.sync.SqlValues;
import io.chora.sync.SyncResult;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The README demo: two replicas of a notes app written with plain JDBC on {@code jdbc:chora:}, its
 * ids numbered by SQLite ({@code INTEGER PRIMARY KEY}). They edit offline (one edit of the same
 * field on both, a new note on each, views counted on both), sync, converge (the views add up:
 * {@code chora.counters}), and the losing edit waits in the conflict ledger. The only
 * chora-specific lines are the unwraps.
 */
final class Demo {
  private final PrintStream out;

  private Demo(PrintStream out) {
    this.out = out;
  }

  /** Runs the demo with its two replicas' files in {@code dir}, printing to {@code out}. */
  static void run(Path dir, PrintStream out) throws SQLException {
    new Demo(out).run(dir);
  }

  private void run(Path dir) throws SQLException {
    try (Connection laptop = open(dir, "laptop");
        Connection phone = open(dir, "phone")) {
      say("1. The laptop writes notes, like any JDBC app would; SQLite numbers them");
      long groceries = writeLikeAnyApp(laptop);
      showLog(laptop.unwrap(ChoraConnection.class));

      say("2. First sync: the phone gets everything");
      sync(laptop, phone);
      dump("phone", phone);

      say("3. Offline, both edit the same note's title (the phone also stars it), both open it,");
      out.println("   and each adds a note of its own:");
      edit(
          "laptop",
          laptop,
          "UPDATE note SET title = ? WHERE id = ?",
          "groceries for the weekend",
          groceries);
      edit(
          "phone",
          phone,
          "UPDATE note SET title = ?, stars = 5 WHERE id = ?",
          "GROCERIES",
          groceries);
      for (Connection opened : new Connection[] {laptop, laptop, phone}) {
        String who = opened == laptop ? "laptop" : "phone";
        edit(who, opened, "UPDATE note SET views = views + 1 WHERE id = ?", groceries);
      }
      insert("laptop", laptop, "from the laptop");
      insert("phone", phone, "from the phone");

      say("4. Sync both ways: both replicas end with the same rows; the 3 views add up");
      sync(laptop, phone);
      dump("laptop", laptop);
      dump("phone", phone);

      say("5. The title edit that lost is kept in the conflict ledger");
      ChoraConnection chora = laptop.unwrap(ChoraConnection.class);
      for (Conflict conflict : chora.conflicts()) {
        out.println("  " + conflict);
        explain(conflict);
      }
      out.println(
          "\n  clocks: laptop "
              + chora.clock()
              + ", phone "
              + phone.unwrap(ChoraConnection.class).clock()
              + " (transactions held from each site: the same on both)");
    }
  }

  /** Why a cell's value won: the later write by its hybrid logical clock. */
  private void explain(Conflict c) {
    if (c.kind() == Conflict.Kind.CELL && c.keptHlc() != 0 && c.lostHlc() != 0) {
      out.printf(
          "  %s won: the later write by its hybrid logical clock wins (%s at %s%n"
              + "    beats %s at %s); the other waits in the ledger, to restore or dismiss%n",
          SqlValues.format(c.kept()),
          c.keptDot(),
          Hlc.format(c.keptHlc()),
          c.lostDot(),
          Hlc.format(c.lostHlc()));
    }
  }

  private static Connection open(Path dir, String site) throws SQLException {
    Connection conn =
        DriverManager.getConnection(
            "jdbc:chora:"
                + dir.resolve(site + ".db")
                + "?chora.site="
                + site
                + "&chora.counters=note.views"); // a counter: increments add up (docs/counters.md)
    try (Statement st = conn.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS note(id INTEGER PRIMARY KEY, title TEXT, body TEXT, stars REAL,"
              + " views INTEGER NOT NULL DEFAULT 0)");
    }
    return conn;
  }

  /** Returns the id SQLite gave the first note. */
  private static long writeLikeAnyApp(Connection conn) throws SQLException {
    long groceries = insert(conn, "groceries");
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
    update(conn, "DELETE FROM note WHERE title = 'tabs vs spaces'");
    conn.rollback(); // nothing of a rolled-back transaction is recorded
    conn.setAutoCommit(true);
    return groceries;
  }

  /** Prints and runs an app's insert of a note, and the id SQLite gave it. */
  private void insert(String who, Connection conn, String title) throws SQLException {
    String shown = edit(who, "INSERT INTO note(title, body) VALUES (?, '…')", title);
    out.println(shown + " -> id " + insert(conn, title));
  }

  /** Prints an app's statement as it runs it ({@code who} the replica), and runs it. */
  private void edit(String who, Connection conn, String sql, Object... values) throws SQLException {
    out.println(edit(who, sql, values));
    update(conn, sql, values);
  }

  /** {@code who} and {@code sql} with its values in place of the {@code ?}s. */
  private static String edit(String who, String sql, Object... values) {
    StringBuilder shown = new StringBuilder("  " + Output.pad(who, 8));
    int value = 0;
    for (char ch : sql.toCharArray()) {
      shown.append(ch == '?' ? SqlValues.format(values[value++]) : String.valueOf(ch));
    }
    return shown.toString();
  }

  /** Inserts a note, leaving its id to SQLite, and returns the id it got. */
  private static long insert(Connection conn, String title) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "INSERT INTO note(title, body) VALUES (?, '…')", Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, title);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  private static void update(Connection conn, String sql, Object... values) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        ps.setObject(i + 1, values[i]);
      }
      ps.executeUpdate();
    }
  }

  private void sync(Connection laptop, Connection phone) throws SQLException {
    SyncResult result =
        laptop.unwrap(ChoraConnection.class).syncWith(phone.unwrap(ChoraConnection.class));
    out.printf(
        "  laptop.syncWith(phone): %s%n    (row changes, from the laptop's side: %d went to the"
            + " phone, %d came from it)%n",
        result, result.changesSent(), result.changesReceived());
  }

  private void showLog(ChoraConnection chora) throws SQLException {
    ChangeSet changes = chora.changesSince(new VectorClock());
    out.println(
        "  captured "
            + Output.count(changes.size(), "row change")
            + " in "
            + Output.count(changes.transactions().size(), "transaction")
            + ", clock "
            + chora.clock()
            + "\n  (each transaction: its dot, site:seq, at its time by the hybrid logical clock)");
    for (Transaction tx : changes.transactions()) {
      out.println("    " + tx.dot() + " at " + Hlc.format(tx.hlc()));
      for (Change change : tx.changes()) {
        out.println("        " + change);
      }
    }
  }

  private void dump(String name, Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, title, stars, views FROM note ORDER BY id")) {
      StringBuilder rows = new StringBuilder();
      while (rs.next()) {
        String row =
            String.format(
                "%n    %10d  %s %-6s %s",
                rs.getLong(1),
                Output.pad(rs.getString(2), 28),
                rs.getObject(3) == null ? "" : "★" + rs.getObject(3),
                rs.getLong(4) == 0 ? "" : Output.count(rs.getLong(4), "view"));
        rows.append(row.stripTrailing()); // a row without stars or views ends at its title
      }
      out.println("  " + name + ":" + rows);
    }
  }

  private void say(String step) {
    out.println("\n" + step);
  }
}
