package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Counting columns ({@code chora.counters}): increments made on different replicas add up, an
 * absolute write resets the count, and only the writes of the statement that increments count so.
 */
class CountersTest {
  @TempDir Path dir;

  private static final String SCHEMA =
      "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, hits INTEGER NOT NULL DEFAULT 0,"
          + " stock INTEGER)";
  private static final String COUNTERS = "chora.counters=item.hits,item.stock";

  private Connection replica(String site) throws SQLException {
    Connection c = Db.chora(dir, site + ".db", "chora.site=" + site + "&" + COUNTERS);
    exec(c, SCHEMA);
    return c;
  }

  private static ChoraConnection chora(Connection c) throws SQLException {
    return Db.of(c);
  }

  private static long hits(Connection c, int id) throws SQLException {
    return Db.scalar(c, "SELECT hits FROM item WHERE id = " + id);
  }

  @Test
  void concurrentIncrementsOnTwoReplicasAddUp() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      exec(a, "INSERT INTO item(id, name, hits) VALUES (1, 'x', 1)");
      chora(a).syncWith(chora(b));
      exec(a, "UPDATE item SET hits = hits + 1 WHERE id = 1");
      exec(b, "UPDATE item SET hits = hits + 1 WHERE id = 1");
      exec(b, "UPDATE item SET hits = hits + 5 WHERE id = 1");

      chora(a).syncWith(chora(b));

      assertThat(hits(a, 1)).isEqualTo(8);
      assertThat(hits(b, 1)).isEqualTo(8);
      assertThat(chora(a).conflicts()).isEmpty();
      assertThat(chora(b).conflicts()).isEmpty();
      chora(b).syncWith(chora(a)); // again: nothing counts twice
      assertThat(hits(a, 1)).isEqualTo(8);
      assertThat(hits(b, 1)).isEqualTo(8);
    }
  }

  @Test
  void preparedIncrementsUpsertsAndDecrementsCount() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      exec(a, "INSERT INTO item(id, name, hits, stock) VALUES (1, 'x', 0, 10)");
      chora(a).syncWith(chora(b));
      try (PreparedStatement ps =
          a.prepareStatement("UPDATE item SET stock = stock - ?, hits = hits + 1 WHERE id = ?")) {
        ps.setInt(1, 3);
        ps.setInt(2, 1);
        assertThat(ps.executeUpdate()).isEqualTo(1); // the rows the app changed, as sqlite-jdbc
        ps.setInt(1, 2);
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      exec(
          b,
          "INSERT INTO item(id, name, hits) VALUES (1, 'x', 1)"
              + " ON CONFLICT(id) DO UPDATE SET hits = hits + excluded.hits");

      chora(a).syncWith(chora(b));

      assertThat(rows(a, "SELECT hits, stock FROM item")).containsExactly("3|5");
      assertThat(rows(b, "SELECT hits, stock FROM item")).containsExactly("3|5");
    }
  }

  @Test
  void aResetWinsOverWhatItHadSeenAndConcurrentIncrementsStillCount() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      exec(a, "INSERT INTO item(id, name, hits) VALUES (1, 'x', 5)");
      exec(a, "UPDATE item SET hits = hits + 2 WHERE id = 1");
      chora(a).syncWith(chora(b));
      exec(a, "UPDATE item SET hits = 0 WHERE id = 1"); // a reset: what a had seen is gone
      exec(b, "UPDATE item SET hits = hits + 3 WHERE id = 1"); // concurrent with it: counts
      exec(a, "UPDATE item SET hits = hits + 1 WHERE id = 1");

      chora(b).syncWith(chora(a));

      assertThat(hits(a, 1)).isEqualTo(4);
      assertThat(hits(b, 1)).isEqualTo(4);
    }
  }

  @Test
  void threeReplicasRelayIncrementsExactlyOnce() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b");
        Connection c = replica("c")) {
      exec(a, "INSERT INTO item(id, name) VALUES (1, 'x')");
      chora(a).syncWith(chora(b));
      chora(b).syncWith(chora(c));
      for (int i = 0; i < 3; i++) {
        exec(a, "UPDATE item SET hits = hits + 1");
        exec(b, "UPDATE item SET hits = hits + 10");
        exec(c, "UPDATE item SET hits = hits + 100");
      }
      chora(a).syncWith(chora(b)); // b relays a's to c and c's... later
      chora(b).syncWith(chora(c));
      chora(c).syncWith(chora(a));
      chora(a).syncWith(chora(b));

      for (Connection r : new Connection[] {a, b, c}) {
        assertThat(hits(r, 1)).isEqualTo(333);
      }
    }
  }

  @Test
  void anAbsoluteWriteOfACountingColumnIsAReset() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      exec(a, "INSERT INTO item(id, name, hits) VALUES (1, 'x', 0)");
      chora(a).syncWith(chora(b));
      exec(a, "UPDATE item SET hits = hits + 1");
      exec(b, "UPDATE item SET hits = hits * 2 + 7"); // not an increment: sets 7
      chora(a).syncWith(chora(b));
      // b's write is a reset concurrent with a's increment: 7 + 1
      assertThat(hits(a, 1)).isEqualTo(8);
      assertThat(hits(b, 1)).isEqualTo(8);
    }
  }

  @Test
  void aColumnNotDeclaredMergesAsLastWriterWins() throws Exception {
    try (Connection a = Db.chora(dir, "a.db", "chora.site=a");
        Connection b = Db.chora(dir, "b.db", "chora.site=b")) {
      exec(a, SCHEMA);
      exec(b, SCHEMA);
      exec(a, "INSERT INTO item(id, name, hits) VALUES (1, 'x', 1)");
      chora(a).syncWith(chora(b));
      exec(a, "UPDATE item SET hits = hits + 1");
      exec(b, "UPDATE item SET hits = hits + 1");
      chora(a).syncWith(chora(b));
      assertThat(hits(a, 1)).isEqualTo(2);
      assertThat(hits(b, 1)).isEqualTo(2);
    }
  }

  @Test
  void aRolledBackIncrementCountsNothing() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      exec(a, "INSERT INTO item(id, name, hits) VALUES (1, 'x', 0)");
      chora(a).syncWith(chora(b));
      a.setAutoCommit(false);
      try (Statement st = a.createStatement()) {
        st.executeUpdate("UPDATE item SET hits = hits + 1");
      }
      a.rollback();
      try (Statement st = a.createStatement()) {
        st.executeUpdate("UPDATE item SET hits = hits + 2");
        st.executeUpdate("UPDATE item SET hits = hits + 3");
      }
      a.commit();
      a.setAutoCommit(true);
      exec(b, "UPDATE item SET hits = hits + 10");
      chora(a).syncWith(chora(b));
      assertThat(hits(a, 1)).isEqualTo(15);
      assertThat(hits(b, 1)).isEqualTo(15);
    }
  }

  @Test
  void aDeleteForgetsTheCountAndAReinsertStartsAgain() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      exec(a, "INSERT INTO item(id, name, hits) VALUES (1, 'x', 0)");
      chora(a).syncWith(chora(b));
      exec(a, "UPDATE item SET hits = hits + 4");
      chora(a).syncWith(chora(b));
      exec(a, "DELETE FROM item", "INSERT INTO item(id, name, hits) VALUES (1, 'y', 100)");
      exec(b, "UPDATE item SET hits = hits + 1"); // of the life a ended
      exec(a, "UPDATE item SET hits = hits + 1");
      chora(a).syncWith(chora(b));
      assertThat(rows(a, "SELECT name, hits FROM item")).containsExactly("y|101");
      assertThat(rows(b, "SELECT name, hits FROM item")).containsExactly("y|101");
    }
  }

  @Test
  void nativeModeRefusesCounters() {
    assertThatThrownBy(
            () -> Db.chora(dir, "n.db", "chora.mode=crsqlite&chora.counters=item.hits").close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("chora.counters cannot be used with chora.mode=crsqlite");
  }

  @Test
  void aMalformedDeclarationIsRefused() {
    assertThatThrownBy(() -> Db.chora(dir, "m.db", "chora.counters=hits").close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("table.column");
  }
}
