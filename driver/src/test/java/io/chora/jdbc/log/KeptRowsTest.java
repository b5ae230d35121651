package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SetAside keeps a run of a transaction's changes that keep the same columns of one table in one
 * row of chora_aside: transactions that mix tables, columns and rows, and more changes than a row
 * takes, are counted, relayed, filled and fork-repaired as if each change had its own row.
 */
class KeptRowsTest {
  @TempDir Path dir;

  private static final String V1 = "CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)";
  private static final String[] V2 = {
    "ALTER TABLE note ADD COLUMN body TEXT",
    "ALTER TABLE note ADD COLUMN mood TEXT",
    "CREATE TABLE tag(id INTEGER PRIMARY KEY, note INTEGER, name TEXT)"
  };
  private static final String NOTES = "SELECT id, title, body, mood FROM note ORDER BY id";
  private static final String TAGS = "SELECT id, note, name FROM tag ORDER BY id";

  private Connection replica(String site, String... migrations) throws SQLException {
    Connection c = Db.chora(dir, site + ".db", "chora.site=" + site);
    exec(c, V1);
    exec(c, migrations);
    return c;
  }

  private static ChoraConnection chora(Connection c) throws SQLException {
    return Db.of(c);
  }

  private static void inTransaction(Connection c, String... sql) throws SQLException {
    c.setAutoCommit(false);
    exec(c, sql);
    c.commit();
    c.setAutoCommit(true);
  }

  private static void relay(Connection from, Connection to) throws SQLException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    chora(from).changesSince(chora(to).clock(), out);
    chora(to).apply(new ByteArrayInputStream(out.toByteArray()));
  }

  /** Transactions writing two tables in turn, the same rows twice, different columns in turn. */
  private static final String[][] MIXED = {
    {
      "INSERT INTO note VALUES (1, 'one', 'b1', 'm1'), (2, 'two', 'b2', 'm2')",
      "INSERT INTO tag VALUES (1, 1, 'home'), (2, 2, 'work')",
      "INSERT INTO note(id, title, body) VALUES (3, 'three', 'b3')",
      "UPDATE note SET body = 'b2 again' WHERE id = 2",
      "INSERT INTO note VALUES (4, 'four', 'b4', 'm4')",
      "UPDATE tag SET name = 'office' WHERE id = 2"
    },
    {
      "UPDATE note SET body = 'later' WHERE id = 1",
      "UPDATE note SET mood = 'later', title = 'TWO' WHERE id = 2",
      "UPDATE note SET body = 'later' WHERE id = 3",
      "UPDATE note SET body = 'last', mood = 'last' WHERE id = 4"
    }
  };

  @Test
  void aMixedTransactionIsHeldRelayedAndFilledInStepsAsWritten() throws Exception {
    try (Connection a = replica("a", V2);
        Connection b = replica("b");
        Connection c = replica("c", V2)) {
      for (String[] tx : MIXED) {
        inTransaction(a, tx);
      }
      chora(a).syncWith(chora(b));
      assertThat(rows(b, "SELECT id, title FROM note ORDER BY id"))
          .containsExactly("1|one", "2|TWO", "3|three", "4|four");
      Map<String, Long> held = chora(b).heldAside();
      assertThat(held.get("tag")).isEqualTo(2L); // whole inserts, the update folded in
      assertThat(held.get("note")).isEqualTo(8 + 5L); // the inserts' two cells, then the updates'

      relay(b, c);
      assertThat(rows(c, NOTES)).isEqualTo(rows(a, NOTES));
      assertThat(rows(c, TAGS)).isEqualTo(rows(a, TAGS));

      exec(b, V2[0]); // body only: mood stays kept
      assertThat(rows(b, "SELECT id, body FROM note ORDER BY id"))
          .isEqualTo(rows(a, "SELECT id, body FROM note ORDER BY id"));
      assertThat(chora(b).heldAside()).containsEntry("note", 4 + 2L);
      exec(b, V2[1], V2[2]);
      assertThat(chora(b).heldAside()).isEmpty();
      assertThat(rows(b, NOTES)).isEqualTo(rows(a, NOTES)).contains("4|four|last|last");
      assertThat(rows(b, TAGS)).isEqualTo(rows(a, TAGS)).contains("2|2|office");
    }
  }

  @Test
  void moreChangesThanARowTakesSpreadOverRows() throws Exception {
    int n = 2 * SetAside.ROW_CHANGES + 1;
    try (Connection a = replica("a", V2);
        Connection b = replica("b")) {
      List<String> inserts = new ArrayList<>();
      for (int id = 1; id <= n; id++) {
        inserts.add("INSERT INTO note VALUES (" + id + ", 't" + id + "', 'b" + id + "', 'm')");
      }
      inTransaction(a, inserts.toArray(String[]::new));
      chora(a).syncWith(chora(b));
      assertThat(rows(b, "SELECT count(*) FROM chora_aside")).containsExactly("3");
      assertThat(chora(b).heldAside()).containsExactly(Map.entry("note", 2L * n));
      exec(b, V2);
      assertThat(chora(b).heldAside()).isEmpty();
      assertThat(rows(b, NOTES)).isEqualTo(rows(a, NOTES));
    }
  }

  /** Rows kept before rows were deflated hold plain JSON: they are counted, sent and filled. */
  @Test
  void rowsKeptAsPlainJsonStillRead() throws Exception {
    try (Connection a = replica("a", V2);
        Connection c = replica("c", V2)) {
      try (Connection b = replica("b")) {
        inTransaction(a, MIXED[0]);
        chora(a).syncWith(chora(b));
      }
      try (Connection plain = Db.sqlite(dir, "b.db");
          Statement st = plain.createStatement();
          ResultSet rs = st.executeQuery("SELECT id, change FROM chora_aside");
          PreparedStatement inflate =
              plain.prepareStatement("UPDATE chora_aside SET change = ? WHERE id = ?")) {
        while (rs.next()) {
          byte[] json =
              new InflaterInputStream(new ByteArrayInputStream(rs.getBytes(2))).readAllBytes();
          assertThat((char) json[0]).isEqualTo('{');
          inflate.setBytes(1, json);
          inflate.setLong(2, rs.getLong(1));
          inflate.executeUpdate();
        }
      }
      try (Connection b = Db.chora(dir, "b.db", "chora.site=b")) {
        assertThat(chora(b).heldAside())
            .containsExactly(Map.entry("note", 8L), Map.entry("tag", 2L));
        relay(b, c);
        exec(b, V2);
        for (Connection x : List.of(b, c)) {
          assertThat(rows(x, NOTES)).isEqualTo(rows(a, NOTES));
          assertThat(rows(x, TAGS)).isEqualTo(rows(a, TAGS));
        }
      }
    }
  }

  /**
   * As SchemaVersionsEdgeCasesTest#aReplicaBehindThatRepairsAForkThenMigratesConverges, with the
   * forked branch written in one transaction: the moved rows hold several changes each.
   */
  @Test
  void aForkRepairMovesEveryChangeOfAKeptRow() throws Exception {
    try (Connection a = Db.chora(dir, "a.db", "chora.site=hostA")) {
      exec(a, V1);
      exec(a, V2);
      exec(a, "INSERT INTO note VALUES (1, 'before the copy', '', '')");
    }
    Files.copy(dir.resolve("a.db"), dir.resolve("c.db"));
    try (Connection a = Db.chora(dir, "a.db", "");
        Connection c = Db.chora(dir, "c.db", "chora.site=hostA");
        Connection t = replica("t");
        Connection u = replica("u", V2)) {
      exec(a, "INSERT INTO tag VALUES (2, 1, 'on the original')");
      inTransaction(
          c,
          "INSERT INTO tag VALUES (3, 1, 'on the copy'), (4, 1, 'also')",
          "INSERT INTO note VALUES (5, 'copy', 'five', 'm5'), (6, 'copy', 'six', 'm6')");
      chora(a).syncWith(chora(u));
      chora(t).syncWith(chora(c));
      assertThat(chora(t).heldAside()) // note 1's two cells and 5's and 6's
          .containsExactly(Map.entry("note", 6L), Map.entry("tag", 2L));

      String moved = chora(c).repairFork(chora(a), null);
      assertThat(chora(t).repairFork(chora(a), null)).isEqualTo(moved);
      chora(t).syncWith(chora(u)); // t relays the moved branch before it migrates
      exec(t, V2);
      for (Connection x : List.of(a, c, t)) {
        chora(x).syncWith(chora(u));
      }
      for (Connection x : List.of(a, c, t)) {
        chora(x).syncWith(chora(u));
        assertThat(rows(x, NOTES)).isEqualTo(rows(u, NOTES));
        assertThat(rows(x, TAGS)).isEqualTo(rows(u, TAGS));
      }
      assertThat(rows(u, TAGS))
          .containsExactly("2|1|on the original", "3|1|on the copy", "4|1|also");
    }
  }
}
