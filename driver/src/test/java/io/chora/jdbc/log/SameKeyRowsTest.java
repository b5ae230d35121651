package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static io.chora.jdbc.testing.Db.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import io.chora.sync.Conflict;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two rows that replicas created concurrently under one rowid key are two records: one keeps the
 * key whole (the one created by the greater site id), the other goes whole to the ledger as a
 * {@code SAME_KEY} conflict and is restored under a fresh key. Natural and UUID keys keep merging
 * cell by cell.
 */
class SameKeyRowsTest {
  @TempDir Path dir;

  private Connection replica(String site) throws SQLException {
    Connection c = Db.chora(dir, site + ".db", "chora.site=" + site);
    exec(c, "CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT, body TEXT)");
    return c;
  }

  private static ChoraConnection chora(Connection c) throws SQLException {
    return Db.of(c);
  }

  private static List<Conflict> sameKey(Connection c) throws SQLException {
    return chora(c).conflicts().stream().filter(k -> k.kind() == Conflict.Kind.SAME_KEY).toList();
  }

  /** The open SAME_KEY entries as a replica-independent text. */
  private static List<String> ledger(Connection c) throws SQLException {
    return sameKey(c).stream()
        .map(
            k ->
                k.table()
                    + k.key()
                    + " kept "
                    + k.keptDot()
                    + " lost "
                    + k.lostDot()
                    + " "
                    + k.lostRow())
        .sorted()
        .toList();
  }

  /** Every order of three sources. */
  private static final int[][] ORDERS = {
    {0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}
  };

  /** Applies each source's changes into {@code to}, one source at a time, in {@code order}. */
  private static void deliver(Connection to, List<Connection> sources, int[] order)
      throws SQLException {
    for (int i : order) {
      chora(to).apply(chora(sources.get(i)).changesSince(chora(to).clock()));
    }
  }

  private static List<String> notes(Connection c) throws SQLException {
    return rows(c, "SELECT id, title, body FROM note ORDER BY id");
  }

  @Test
  void twoRowsUnderOneKeyKeepOneWholeAndLedgerTheOtherWholeInEitherOrder() throws Exception {
    for (boolean aFirst : new boolean[] {true, false}) {
      try (Connection a = replica("a" + aFirst);
          Connection b = replica("b" + aFirst)) {
        exec(a, "INSERT INTO note VALUES (4, 'groceries', 'milk')");
        exec(b, "INSERT INTO note VALUES (4, 'meeting', 'at noon')");
        exec(b, "UPDATE note SET body = 'at one' WHERE id = 4");
        if (aFirst) {
          chora(a).syncWith(chora(b));
        } else {
          chora(b).syncWith(chora(a));
        }
        for (Connection r : List.of(a, b)) {
          // b's site id is the greater: its row keeps the key, whole, never blended
          assertThat(notes(r)).as("aFirst=" + aFirst).containsExactly("4|meeting|at one");
          List<Conflict> lost = sameKey(r);
          assertThat(lost).hasSize(1);
          assertThat(lost.get(0).lostRow())
              .isEqualTo(Map.of("id", 4L, "title", "groceries", "body", "milk"));
          assertThat(lost.get(0).lostDot().site()).isEqualTo("a" + aFirst);
          assertThat(lost.get(0).keptDot().site()).isEqualTo("b" + aFirst);
          assertThat(lost.get(0).status()).isEqualTo(Conflict.Status.OPEN);
        }
        // nothing else: no cell conflicts between two records
        assertThat(chora(a).conflicts()).hasSize(1);
        assertThat(ledger(a)).isEqualTo(ledger(b));
      }
    }
  }

  @Test
  void aCollisionMadeByAnotherProgramIsNotBlendedAndIsRestoredUnderANewKey() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      a.close();
      b.close();
    }
    // the sqlite3 shell (or any program) writes the files: SQLite picks the key, 1 in both
    for (String site : List.of("a", "b")) {
      try (Connection plain = Db.sqlite(dir, site + ".db")) {
        exec(plain, "INSERT INTO note(title, body) VALUES ('from " + site + "', '" + site + "')");
      }
    }
    try (Connection a = Db.chora(dir, "a.db");
        Connection b = Db.chora(dir, "b.db")) {
      assertThat(notes(a)).containsExactly("1|from a|a");
      chora(a).syncWith(chora(b));
      for (Connection r : List.of(a, b)) {
        assertThat(notes(r)).containsExactly("1|from b|b");
      }
      Conflict lost = sameKey(a).get(0);
      assertThat(lost.lostRow()).containsEntry("title", "from a").containsEntry("body", "a");
      chora(a).restoreConflict(lost.id());
      long fresh = scalar(a, "SELECT id FROM note WHERE title = 'from a'");
      assertThat(fresh).isGreaterThanOrEqualTo(1024); // a key of a's own block
      assertThat(sameKey(a)).isEmpty();
      chora(b).syncWith(chora(a));
      for (Connection r : List.of(a, b)) {
        assertThat(notes(r)).containsExactly("1|from b|b", fresh + "|from a|a");
        // restored once: no replica offers it again
        assertThat(sameKey(r)).as("open SAME_KEY conflicts").isEmpty();
      }
      assertThatThrownBy(() -> chora(a).restoreConflict(lost.id()))
          .hasMessageContaining("already restored");
    }
  }

  @Test
  void threeReplicasAgreeWhateverTheOrderAndARelayCarriesTheLostRow() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b");
        Connection c = replica("c")) {
      exec(a, "INSERT INTO note VALUES (7, 'a', 'from a')");
      exec(b, "INSERT INTO note VALUES (7, 'b', 'from b')");
      exec(c, "INSERT INTO note VALUES (7, 'c', 'from c')");
      chora(a).syncWith(chora(b)); // b wins there, a's row lost
      chora(b).syncWith(chora(c)); // c wins, b's row lost; a's row reaches c through b
      chora(a).syncWith(chora(c));
      for (Connection r : List.of(a, b, c)) {
        assertThat(notes(r)).containsExactly("7|c|from c");
        assertThat(ledger(r)).hasSize(2).isEqualTo(ledger(a));
      }
    }
  }

  @Test
  void updatesAndDeletesOfTheLosingRowAfterTheDecisionStayWithItsEntry() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b");
        Connection c = replica("c")) {
      exec(a, "INSERT INTO note VALUES (5, 'draft', 'v1')");
      chora(a).syncWith(chora(c)); // c holds a's row
      exec(b, "INSERT INTO note VALUES (5, 'other', 'b')");
      chora(a).syncWith(chora(b)); // a and b decide: b's row keeps the key
      exec(c, "UPDATE note SET body = 'v2' WHERE id = 5"); // c still edits a's record
      chora(c).syncWith(chora(a));
      for (Connection r : List.of(b, c)) {
        chora(r).syncWith(chora(a));
      }
      for (Connection r : List.of(a, b, c)) {
        assertThat(notes(r)).containsExactly("5|other|b"); // never "5|other|v2"
        assertThat(sameKey(r))
            .singleElement()
            .satisfies(k -> assertThat(k.lostRow()).containsEntry("body", "v2"));
      }
    }
  }

  @Test
  void aLosingRowDeletedByItsOwnReplicaLeavesNothingOpen() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b");
        Connection c = replica("c")) {
      exec(a, "INSERT INTO note VALUES (5, 'draft', 'v1')");
      chora(a).syncWith(chora(c));
      exec(b, "INSERT INTO note VALUES (5, 'other', 'b')");
      chora(a).syncWith(chora(b));
      assertThat(sameKey(a)).hasSize(1);
      exec(c, "DELETE FROM note WHERE id = 5"); // c deletes a's record, not knowing b's
      chora(c).syncWith(chora(a));
      chora(b).syncWith(chora(a));
      for (Connection r : List.of(a, b, c)) {
        assertThat(notes(r)).as("b's record was never deleted").containsExactly("5|other|b");
        assertThat(sameKey(r)).isEmpty();
      }
    }
  }

  /**
   * Convergence seed 6338, reduced: a deletes its own row while b, which holds it, edits it, and c
   * created a row under the same key that wins it. A row its own replica deleted is not lost (a
   * delete wins over a concurrent edit, as for any row): no replica may list it, whatever order the
   * delete, the edit and c's row reach it in. Each order is played into a fresh replica d, then the
   * three writers sync with each other as the suite's seed did (c takes a's delete before b's
   * edit).
   */
  @Test
  void aLosingRowItsReplicaDeletedWhileAnotherEditedItIsListedNowhereInAnyOrder() throws Exception {
    for (int n = 0; n < ORDERS.length; n++) {
      try (Connection a = replica("a" + n);
          Connection b = replica("b" + n);
          Connection c = replica("c" + n);
          Connection d = replica("d" + n)) {
        exec(a, "INSERT INTO note VALUES (2, 'a', 'from a')");
        chora(a).syncWith(chora(b)); // b holds a's row
        exec(b, "UPDATE note SET body = 'edited by b' WHERE id = 2");
        exec(a, "DELETE FROM note WHERE id = 2"); // not knowing b's edit
        exec(c, "INSERT INTO note VALUES (2, 'c', 'from c')"); // c's site id is the greater
        deliver(d, List.of(a, b, c), ORDERS[n]);
        chora(c).syncWith(chora(a)); // c: a's delete, then (below) b's edit
        chora(c).syncWith(chora(b));
        chora(a).syncWith(chora(b));
        chora(a).syncWith(chora(c));
        for (Connection r : List.of(a, b, c, d)) {
          String who = chora(r).siteId() + " (order " + n + ")";
          assertThat(notes(r)).as(who).containsExactly("2|c|from c");
          assertThat(ledger(r)).as(who).isEmpty();
        }
      }
    }
  }

  /**
   * Two replicas that hold a losing row edit the same cell of it concurrently: its entry keeps the
   * later write (last writer wins, as in a table), on every replica, whatever order the lost row,
   * the two edits and the winning row reach it in. Each order is played into a fresh replica d.
   */
  @Test
  void concurrentEditsOfALostRowFillItsEntryByLastWriterInAnyOrder() throws Exception {
    for (int n = 0; n < ORDERS.length; n++) {
      try (Connection a = replica("a" + n);
          Connection b = replica("b" + n);
          Connection c = replica("c" + n);
          Connection d = replica("d" + n)) {
        exec(a, "INSERT INTO note VALUES (5, 'draft', 'v1')");
        chora(a).syncWith(chora(c)); // c holds a's row
        exec(b, "INSERT INTO note VALUES (5, 'other', 'b')"); // b's site id beats a's
        exec(a, "UPDATE note SET body = 'by a' WHERE id = 5");
        Thread.sleep(2); // c's edit is the later one by the clock
        exec(c, "UPDATE note SET body = 'by c' WHERE id = 5");
        deliver(d, List.of(a, b, c), ORDERS[n]);
        chora(a).syncWith(chora(b));
        chora(a).syncWith(chora(c));
        chora(b).syncWith(chora(c));
        chora(a).syncWith(chora(d));
        for (Connection r : List.of(a, b, c, d)) {
          String who = chora(r).siteId() + " (order " + n + ")";
          assertThat(notes(r)).as(who).containsExactly("5|other|b");
          assertThat(ledger(r))
              .as(who)
              .containsExactly(
                  "note[5] kept b" + n + ":1 lost a" + n + ":1 {id=5, title=draft, body=by c}");
        }
      }
    }
  }

  /**
   * A file whose ledger an older chora made (lost rows' values without stamps) gets the stamps'
   * columns at its next open; the values it holds give way to any later write of the lost row.
   */
  @Test
  void aLedgerFromBeforeStampsIsUpgradedAndItsValuesGiveWayToLaterWrites() throws Exception {
    try (Connection b = replica("b");
        Connection c = replica("c")) {
      try (Connection a = replica("a")) {
        exec(a, "INSERT INTO note VALUES (5, 'draft', 'v1')");
        chora(a).syncWith(chora(c)); // c holds a's row
        exec(b, "INSERT INTO note VALUES (5, 'other', 'b')");
        chora(a).syncWith(chora(b)); // a's row lost its key on a
      }
      try (Connection old =
          java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("a.db"))) {
        exec(old, "ALTER TABLE chora_conflict_rows DROP COLUMN hlc");
        exec(old, "ALTER TABLE chora_conflict_rows DROP COLUMN site");
      }
      try (Connection readOnly = Db.chora(dir, "a.db", "open_mode=1")) { // reads, changes nothing
        assertThat(chora(readOnly).siteId()).isEqualTo("a");
        assertThat(sameKey(readOnly))
            .singleElement()
            .satisfies(k -> assertThat(k.lostRow()).containsEntry("body", "v1"));
        assertThat(rows(readOnly, "SELECT name FROM pragma_table_info('chora_conflict_rows')"))
            .containsExactly("conflict", "col", "value");
      }
      try (Connection a = Db.chora(dir, "a.db", "chora.site=a")) {
        assertThat(
                rows(a, "SELECT name FROM pragma_table_info('chora_conflict_rows') ORDER BY cid"))
            .containsExactly("conflict", "col", "value", "hlc", "site");
        assertThat(sameKey(a))
            .singleElement()
            .satisfies(k -> assertThat(k.lostRow()).containsEntry("body", "v1"));
        exec(c, "UPDATE note SET body = 'v2' WHERE id = 5"); // c still edits a's record
        chora(c).syncWith(chora(a));
        assertThat(notes(a)).containsExactly("5|other|b");
        assertThat(sameKey(a))
            .singleElement()
            .satisfies(k -> assertThat(k.lostRow()).containsEntry("body", "v2"));
      }
    }
  }

  /**
   * SameKeyRandomTest seed 155, reduced: b's row lost key 5 to c's on a and c; c's row was then
   * deleted on a and key 5 re-used there. A replica that only ever held b's row must still list it
   * as lost, not take the new row as having ended it (a knew b's row only as a lost one).
   */
  @Test
  void aLostRowStaysLostWhenTheWinnerIsDeletedAndTheKeyReused() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b");
        Connection c = replica("c");
        Connection d = replica("d")) {
      exec(b, "INSERT INTO note VALUES (5, 'b', 'from b')");
      chora(b).syncWith(chora(d)); // d holds b's row, and never sees c's
      exec(c, "INSERT INTO note VALUES (5, 'c', 'from c')");
      chora(a).syncWith(chora(b));
      chora(a).syncWith(chora(c)); // b's row lost to c's here
      assertThat(sameKey(a)).hasSize(1);
      exec(a, "DELETE FROM note WHERE id = 5"); // c's row, the winner
      exec(a, "INSERT INTO note VALUES (5, 'a', 'new')");
      for (Connection r : List.of(d, b, c)) {
        chora(a).syncWith(chora(r));
      }
      chora(a).syncWith(chora(d));
      for (Connection r : List.of(a, b, c, d)) {
        assertThat(notes(r)).containsExactly("5|a|new");
        assertThat(ledger(r)).as(chora(r).siteId()).hasSize(1).isEqualTo(ledger(a));
      }
    }
  }

  /**
   * SameKeyRandomTest seed 201, reduced: c deletes a's row, which it holds without knowing it lost
   * to b's, and re-uses the key. Replicas that list a's row as lost must learn that its own holder
   * deleted it, though the delete's transaction has a later insert of the key after it.
   */
  @Test
  void aLostRowDeletedByAReplicaThatHeldItIsClosedEvenIfTheKeyIsReused() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b");
        Connection c = replica("c")) {
      exec(a, "INSERT INTO note VALUES (5, 'a', 'from a')");
      chora(a).syncWith(chora(c));
      exec(b, "INSERT INTO note VALUES (5, 'b', 'from b')");
      chora(a).syncWith(chora(b)); // a's row lost to b's on a and b
      exec(c, "DELETE FROM note WHERE id = 5"); // a's row, as c knows it
      exec(c, "INSERT INTO note VALUES (5, 'c', 'new')");
      for (int round = 0; round < 2; round++) {
        chora(c).syncWith(chora(a));
        chora(b).syncWith(chora(a));
      }
      for (Connection r : List.of(a, b, c)) {
        assertThat(notes(r)).containsExactly("5|c|new");
        assertThat(ledger(r))
            .as(chora(r).siteId() + ": only b's row, which c never saw, is lost")
            .singleElement()
            .satisfies(e -> assertThat(e).contains("lost b:1"));
      }
    }
  }

  @Test
  void naturalAndUuidKeysStillMergeCellByCell() throws Exception {
    try (Connection a = Db.chora(dir, "a.db", "chora.site=a");
        Connection b = Db.chora(dir, "b.db", "chora.site=b")) {
      for (Connection r : List.of(a, b)) {
        exec(
            r,
            "CREATE TABLE person(uuid TEXT PRIMARY KEY, name TEXT, city TEXT)",
            "CREATE TABLE code(n INT PRIMARY KEY, label TEXT, note TEXT)");
      }
      exec(
          a,
          "INSERT INTO person VALUES ('u-1', 'Ann', NULL)",
          "INSERT INTO code VALUES (4, 'a', NULL)");
      exec(
          b,
          "INSERT INTO person VALUES ('u-1', NULL, 'Oslo')",
          "INSERT INTO code VALUES (4, NULL, 'b')");
      exec(
          a,
          "UPDATE person SET name = 'Anna' WHERE uuid = 'u-1'",
          "UPDATE code SET label = 'a2' WHERE n = 4");
      chora(a).syncWith(chora(b));
      for (Connection r : List.of(a, b)) {
        assertThat(rows(r, "SELECT * FROM person")).containsExactly("u-1|Anna|Oslo");
        assertThat(rows(r, "SELECT * FROM code")).containsExactly("4|a2|b");
        assertThat(sameKey(r)).isEmpty();
      }
    }
  }
}
