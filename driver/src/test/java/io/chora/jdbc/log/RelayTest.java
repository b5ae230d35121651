package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import io.chora.sync.SyncResult;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Relays: a replica passes on what it received as it received it. Each case is a divergence that a
 * randomized convergence run found when relays re-derived forwarded changes from what happened to
 * change locally.
 */
class RelayTest {
  private static final String[] SCHEMA = {
    "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER)",
    "CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT)",
    "CREATE TABLE child(id INTEGER PRIMARY KEY,"
        + " parent INTEGER NOT NULL REFERENCES parent(id) ON DELETE CASCADE, note TEXT)"
  };

  @TempDir Path dir;

  /**
   * A replica that never had a row applies its delete without writing anything, so nothing is
   * logged and the delete does not travel on.
   */
  @Test
  void aDeleteTravelsOnThroughAReplicaThatNeverHadTheRow() throws SQLException {
    try (Connection a = replica("a");
        Connection b = replica("b");
        Connection c = replica("c")) {
      exec(a, "INSERT INTO item VALUES (1, 'x', 1)");
      sync(a, b);
      exec(b, "DELETE FROM item WHERE id = 1");
      sync(b, c); // c never had item 1: it takes the delete and writes nothing
      sync(c, a); // a hears of b's delete only through c
      assertThat(rows(a, "SELECT id FROM item"))
          .as("a's items after hearing of b's delete")
          .isEmpty();
    }
  }

  /**
   * A change set sends an insert without the columns a later transaction of the same set updated,
   * and a receiver that lacks the row inserts it without them, so a NOT NULL column refuses the
   * whole set.
   */
  @Test
  void anInsertFollowedByAnUpdateOfANotNullColumnReachesAFreshReplica() throws SQLException {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      exec(a, "INSERT INTO parent VALUES (1, 'p1'), (2, 'p2')");
      sync(a, b);
      exec(a, "INSERT INTO child VALUES (5, 1, 'x')", "UPDATE child SET parent = 2 WHERE id = 5");
      sync(a, b);
      assertThat(rows(b, "SELECT * FROM child")).containsExactly("5|2|x");
    }
  }

  /**
   * An update made in a row's first life reaches a replica that has meanwhile seen the row deleted
   * and re-inserted. The relay sends it with the current causal length and current values, so the
   * receiver takes it as a write of the new life stamped with the old update's (later) HLC; a
   * concurrent write of the new life with an HLC between the two then wins on one replica and loses
   * on another. The sleeps only make the wall-clock HLCs of the three writes distinct and ordered.
   */
  @Test
  void anUpdateOfAnEndedLifeDoesNotCountAsAWriteOfTheNewLife() throws Exception {
    try (Connection b = replica("b");
        Connection c = replica("c");
        Connection p = replica("p")) {
      exec(c, "INSERT INTO item VALUES (1, 'a', 1)");
      sync(c, b);
      sync(c, p);
      exec(c, "DELETE FROM item WHERE id = 1", "INSERT INTO item VALUES (1, 'c', 1)");
      sync(c, p); // p holds the second life
      Thread.sleep(3);
      exec(c, "UPDATE item SET name = 'w' WHERE id = 1"); // a write of the second life
      Thread.sleep(3);
      exec(b, "UPDATE item SET name = 'b' WHERE id = 1"); // b still edits the first life
      sync(p, b); // b takes the delete and re-insert, then sends its update of the ended life
      for (int round = 0; round < 2; round++) {
        sync(c, b);
        sync(c, p);
        sync(b, p);
      }
      assertThat(Db.of(b).clock()).isEqualTo(Db.of(p).clock()).isEqualTo(Db.of(c).clock());
      assertThat(rows(b, "SELECT * FROM item")).containsExactly("1|w|1");
      assertThat(rows(c, "SELECT * FROM item")).containsExactly("1|w|1");
      assertThat(rows(p, "SELECT * FROM item")).as("p's row").containsExactly("1|w|1");
    }
  }

  /**
   * A relay applies a winning write whose value it already holds (its own concurrent write of the
   * same value): nothing changes in the table, so nothing is logged, and the relay forwards that
   * transaction without the cell. A replica holding a third concurrent write with an HLC between
   * the two keeps it for good, while the others keep the later write.
   */
  @Test
  void aWinningWriteOfAnEqualValueTravelsOnThroughARelay() throws Exception {
    try (Connection a = replica("a");
        Connection e = replica("e");
        Connection r = replica("r");
        Connection p = replica("p")) {
      exec(a, "INSERT INTO item VALUES (1, 'first', 1)");
      sync(a, e);
      sync(a, r);
      sync(a, p);
      exec(r, "UPDATE item SET name = 'v' WHERE id = 1"); // concurrent writes, HLCs r < a < e
      Thread.sleep(3);
      exec(a, "UPDATE item SET name = 'w' WHERE id = 1");
      Thread.sleep(3);
      exec(e, "UPDATE item SET name = 'v' WHERE id = 1");
      sync(r, e); // e's write wins on r but changes no value there: r logs nothing for it
      sync(p, a);
      sync(p, r); // p hears of e's write only through r
      for (int round = 0; round < 2; round++) {
        sync(a, e);
        sync(a, r);
        sync(a, p);
        sync(e, p);
      }
      assertThat(Db.of(p).clock()).isEqualTo(Db.of(a).clock()).isEqualTo(Db.of(e).clock());
      assertThat(rows(a, "SELECT name FROM item")).containsExactly("v");
      assertThat(rows(e, "SELECT name FROM item")).containsExactly("v");
      assertThat(rows(p, "SELECT name FROM item")).as("p's row").containsExactly("v");
    }
  }

  private Connection replica(String site) throws SQLException {
    Connection c =
        DriverManager.getConnection(
            "jdbc:chora:" + dir.resolve(site + ".db") + "?chora.site=" + site);
    exec(c, "PRAGMA foreign_keys=ON");
    exec(c, SCHEMA);
    return c;
  }

  private static void exec(Connection c, String... sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  private static SyncResult sync(Connection a, Connection b) throws SQLException {
    return a.unwrap(ChoraConnection.class).syncWith(b.unwrap(ChoraConnection.class));
  }
}
