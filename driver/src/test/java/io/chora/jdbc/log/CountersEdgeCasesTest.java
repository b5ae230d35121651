package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import io.chora.sync.ChangeSet;
import io.chora.sync.Conflict;
import io.chora.sync.VectorClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Counting columns where users take other paths: batches, transactions mixing increments and
 * resets, concurrent resets (the ledger), copied files, exported files, replicas on an older
 * schema, other programs' writes, renamed columns.
 */
class CountersEdgeCasesTest {
  @TempDir Path dir;

  private static final String SCHEMA =
      "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, hits INTEGER NOT NULL DEFAULT 0)";
  private static final String COUNTERS = "chora.counters=item.hits";

  private Connection replica(String site) throws SQLException {
    Connection c = Db.chora(dir, site + ".db", "chora.site=" + site + "&" + COUNTERS);
    exec(c, SCHEMA);
    return c;
  }

  private static ChoraConnection chora(Connection c) throws SQLException {
    return Db.of(c);
  }

  private static long hits(Connection c) throws SQLException {
    return Db.scalar(c, "SELECT hits FROM item WHERE id = 1");
  }

  private static void seed(Connection a, Connection b, int hits) throws SQLException {
    exec(a, "INSERT INTO item(id, name, hits) VALUES (1, 'x', " + hits + ")");
    chora(a).syncWith(chora(b));
  }

  @Test
  void aBatchOfPreparedIncrementsCountsEachOne() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      seed(a, b, 0);
      try (PreparedStatement ps =
          a.prepareStatement("UPDATE item SET hits = hits + ? WHERE id = 1")) {
        for (int i = 1; i <= 4; i++) {
          ps.setInt(1, i);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      exec(b, "UPDATE item SET hits = hits + 100");
      chora(a).syncWith(chora(b));
      assertThat(hits(a)).isEqualTo(110);
      assertThat(hits(b)).isEqualTo(110);
    }
  }

  @Test
  void aBatchOfSqlStringsCountsItsIncrementsAndResetsItsAbsoluteWrites() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      seed(a, b, 0);
      exec(b, "INSERT INTO item(id, name, hits) VALUES (2, 'y', 0)");
      chora(b).syncWith(chora(a));
      try (java.sql.Statement st = a.createStatement()) {
        st.addBatch("UPDATE item SET hits = hits + 1 WHERE id = 1");
        st.addBatch("UPDATE item SET hits = 50 WHERE id = 2");
        st.addBatch("UPDATE item SET hits = hits + 2 WHERE id = 1");
        st.addBatch("INSERT INTO item(name) VALUES ('generated')");
        assertThat(st.executeBatch()).containsExactly(1, 1, 1, 1);
      }
      exec(b, "UPDATE item SET hits = hits + 10"); // both rows, concurrently
      chora(a).syncWith(chora(b));
      assertThat(rows(a, "SELECT id, hits FROM item WHERE id <= 2 ORDER BY id"))
          .containsExactly("1|13", "2|60")
          .isEqualTo(rows(b, "SELECT id, hits FROM item WHERE id <= 2 ORDER BY id"));
      assertThat(Db.scalar(a, "SELECT max(id) FROM item")).isGreaterThan(1024); // a's key block
    }
  }

  @Test
  void aTransactionThatIncrementsResetsAndIncrementsAgainIsOneReset() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      seed(a, b, 5);
      a.setAutoCommit(false);
      exec(
          a,
          "UPDATE item SET hits = hits + 1",
          "UPDATE item SET hits = 10",
          "UPDATE item SET hits = hits + 2");
      a.commit();
      a.setAutoCommit(true);
      exec(b, "UPDATE item SET hits = hits + 1"); // concurrent: counts on top of a's 12
      chora(b).syncWith(chora(a));
      assertThat(hits(a)).isEqualTo(13);
      assertThat(hits(b)).isEqualTo(13);
    }
  }

  @Test
  void concurrentResetsGoToTheLedgerAlikeOnBothReplicasAndIncrementsStillCount() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      seed(a, b, 5);
      exec(a, "UPDATE item SET hits = 100");
      exec(b, "UPDATE item SET hits = 200");
      exec(b, "UPDATE item SET hits = hits + 1");
      exec(a, "UPDATE item SET hits = hits + 1");
      chora(a).syncWith(chora(b));
      // b's reset is newer (written after a's): 200, plus a's increment, which b had not seen,
      // plus b's own, made after its reset
      assertThat(hits(a)).isEqualTo(202);
      assertThat(hits(b)).isEqualTo(202);
      List<Conflict> onA = chora(a).conflicts();
      assertThat(onA).hasSize(1);
      assertThat(onA.get(0).column()).isEqualTo("hits");
      assertThat(onA.get(0).kept()).isEqualTo(200L);
      assertThat(onA.get(0).lost()).isEqualTo(100L);
      List<Conflict> onB = chora(b).conflicts();
      assertThat(onB).hasSize(1);
      assertThat(onB.get(0).kept()).isEqualTo(200L);
      assertThat(onB.get(0).lost()).isEqualTo(100L);
    }
  }

  @Test
  void aReplicaThatDoesNotDeclareTheCounterRelaysIncrementsIntact() throws Exception {
    try (Connection a = replica("a");
        Connection relay = Db.chora(dir, "relay.db", "chora.site=relay");
        Connection c = replica("c")) {
      exec(relay, SCHEMA);
      seed(a, relay, 0);
      chora(relay).syncWith(chora(c));
      exec(a, "UPDATE item SET hits = hits + 1");
      exec(c, "UPDATE item SET hits = hits + 2");
      chora(a).syncWith(chora(relay));
      chora(relay).syncWith(chora(c));
      chora(a).syncWith(chora(relay));
      for (Connection r : new Connection[] {a, relay, c}) {
        assertThat(hits(r)).isEqualTo(3);
      }
    }
  }

  @Test
  void anIncrementSentBeforeTheReplaceThatRewroteItsRowStillCounts() throws Exception {
    // INT PRIMARY KEY: the key names the entity, so the replicas' inserts are one row (a rowid
    // key would make them two records, SameKeyRowsTest)
    String score =
        "CREATE TABLE score(id INT PRIMARY KEY, name TEXT, n INTEGER NOT NULL DEFAULT 0)";
    Connection[] r = new Connection[3];
    for (int i = 0; i < 3; i++) {
      r[i] = Db.chora(dir, "s" + i + ".db", "chora.site=s" + i + "&chora.counters=score.n");
      exec(r[i], score);
    }
    try (Connection a = r[0];
        Connection b = r[1];
        Connection c = r[2]) {
      exec(
          a,
          "INSERT INTO score VALUES (1, 'x', 0)",
          "UPDATE score SET n = n + 5",
          "REPLACE INTO score(id, name) VALUES (1, 'z')"); // the set tells the row by this insert
      exec(b, "INSERT INTO score VALUES (1, 'y', 10)"); // later, concurrent
      chora(a).syncWith(chora(c)); // c meets the increment before any insert of the row
      chora(b).syncWith(chora(c));
      chora(a).syncWith(chora(b));
      // b's insert is the latest absolute write; a's increment, which b had not seen, counts
      for (Connection replica : r) {
        assertThat(rows(replica, "SELECT name, n FROM score")).containsExactly("y|15");
      }
    }
  }

  @Test
  void aPlainDatabaseCopiedToTwoDevicesCountsOnBoth() throws Exception {
    try (Connection plain = Db.sqlite(dir, "plain.db")) {
      exec(plain, SCHEMA, "INSERT INTO item(id, name, hits) VALUES (1, 'x', 5)");
    }
    Files.copy(dir.resolve("plain.db"), dir.resolve("laptop.db"));
    Files.copy(dir.resolve("plain.db"), dir.resolve("phone.db"));
    try (Connection laptop = Db.chora(dir, "laptop.db", COUNTERS);
        Connection phone = Db.chora(dir, "phone.db", COUNTERS)) {
      exec(laptop, "UPDATE item SET hits = hits + 1");
      exec(phone, "UPDATE item SET hits = hits + 2");
      chora(laptop).syncWith(chora(phone));
      assertThat(hits(laptop)).isEqualTo(8);
      assertThat(hits(phone)).isEqualTo(8);
    }
  }

  @Test
  void aCopiedReplicaFileCountsOnBothCopies() throws Exception {
    try (Connection a = replica("a")) {
      exec(a, "INSERT INTO item(id, name, hits) VALUES (1, 'x', 0)");
      exec(a, "UPDATE item SET hits = hits + 1");
    }
    Files.copy(dir.resolve("a.db"), dir.resolve("c.db"));
    try (Connection a = Db.chora(dir, "a.db", COUNTERS);
        Connection c = Db.chora(dir, "c.db", COUNTERS)) {
      exec(a, "UPDATE item SET hits = hits + 10");
      exec(c, "UPDATE item SET hits = hits + 100");
      chora(a).syncWith(chora(c));
      assertThat(hits(a)).isEqualTo(111);
      assertThat(hits(c)).isEqualTo(111);
    }
  }

  @Test
  void anExportedSetCarriesIncrementsAndAppliesOnce() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      seed(a, b, 1);
      VectorClock bKnows = chora(b).clock();
      exec(a, "UPDATE item SET hits = hits + 2", "UPDATE item SET hits = hits - 5");
      exec(b, "UPDATE item SET hits = hits + 7");
      ByteArrayOutputStream file = new ByteArrayOutputStream();
      chora(a).changesSince(bKnows, file);
      String json = file.toString(StandardCharsets.UTF_8);
      assertThat(json).contains("\"adds\":{\"hits\":2}").contains("\"adds\":{\"hits\":-5}");
      for (int i = 0; i < 2; i++) { // delivered twice
        chora(b).apply(new ByteArrayInputStream(file.toByteArray()));
      }
      assertThat(hits(b)).isEqualTo(5);
      chora(b).syncWith(chora(a));
      assertThat(hits(a)).isEqualTo(5);
    }
  }

  @Test
  void aReplicaWithoutTheColumnKeepsIncrementsAsideAndCountsThemWhenItMigrates() throws Exception {
    try (Connection a = replica("a");
        Connection b = Db.chora(dir, "b.db", "chora.site=b&" + COUNTERS)) {
      exec(b, "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT)"); // v1: no hits yet
      exec(a, "INSERT INTO item(id, name, hits) VALUES (1, 'x', 0)");
      chora(a).syncWith(chora(b));
      exec(a, "UPDATE item SET hits = hits + 3");
      chora(a).syncWith(chora(b));
      assertThat(chora(b).heldAside()).isNotEmpty();
      exec(b, "ALTER TABLE item ADD COLUMN hits INTEGER NOT NULL DEFAULT 0");
      assertThat(hits(b)).isEqualTo(3);
      exec(b, "UPDATE item SET hits = hits + 1");
      exec(a, "UPDATE item SET hits = hits + 1");
      chora(b).syncWith(chora(a));
      assertThat(hits(a)).isEqualTo(5);
      assertThat(hits(b)).isEqualTo(5);
    }
  }

  @Test
  void anotherProgramsWriteOfACountingColumnIsAReset() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      seed(a, b, 0);
    }
    try (Connection plain = Db.sqlite(dir, "a.db")) {
      exec(plain, "UPDATE item SET hits = hits + 5"); // the sqlite3 shell: an absolute 5
    }
    try (Connection a = Db.chora(dir, "a.db", COUNTERS);
        Connection b = Db.chora(dir, "b.db", COUNTERS)) {
      exec(b, "UPDATE item SET hits = hits + 1");
      chora(a).syncWith(chora(b));
      assertThat(hits(a)).isEqualTo(6);
      assertThat(hits(b)).isEqualTo(6);
    }
  }

  @Test
  void aRenamedCountingColumnKeepsCountingUnderItsNewName() throws Exception {
    try (Connection a = Db.chora(dir, "a.db", "chora.site=a&chora.counters=item.hits,item.visits");
        Connection b = Db.chora(dir, "b.db", "chora.site=b&chora.counters=item.hits,item.visits")) {
      exec(a, SCHEMA);
      exec(b, SCHEMA);
      seed(a, b, 0);
      exec(a, "UPDATE item SET hits = hits + 1");
      exec(b, "UPDATE item SET hits = hits + 1");
      chora(a).syncWith(chora(b));
      exec(a, "ALTER TABLE item RENAME COLUMN hits TO visits");
      exec(a, "UPDATE item SET visits = visits + 1");
      exec(b, "UPDATE item SET hits = hits + 10"); // b not migrated yet
      chora(a).syncWith(chora(b));
      assertThat(Db.scalar(a, "SELECT visits FROM item")).isEqualTo(13);
      assertThat(hits(b)).isEqualTo(13);
      exec(b, "ALTER TABLE item RENAME COLUMN hits TO visits"); // b catches up
      exec(b, "UPDATE item SET visits = visits + 100");
      chora(a).syncWith(chora(b));
      assertThat(Db.scalar(a, "SELECT visits FROM item")).isEqualTo(113);
      assertThat(Db.scalar(b, "SELECT visits FROM item")).isEqualTo(113);
    }
  }

  @Test
  void aReadOnlyExportOfUnfoldedIncrementsLeavesTheFileAlone() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      seed(a, b, 0);
      exec(a, "UPDATE item SET hits = hits + 4");
    }
    byte[] before = Files.readAllBytes(dir.resolve("a.db"));
    ChangeSet set;
    try (Connection ro = Db.chora(dir, "a.db", "open_mode=1")) {
      set = chora(ro).changesSince(new VectorClock());
    }
    assertThat(Files.readAllBytes(dir.resolve("a.db"))).isEqualTo(before);
    try (Connection b = Db.chora(dir, "b.db", COUNTERS)) {
      exec(b, "UPDATE item SET hits = hits + 1");
      chora(b).apply(set);
      assertThat(rows(b, "SELECT hits FROM item")).containsExactly("5");
    }
  }
}
