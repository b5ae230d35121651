package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.jdbc.testing.Db;
import io.chora.sync.Conflict;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Merges that would break a UNIQUE or FOREIGN KEY constraint: every replica ends with the same rows
 * whichever way the changes travel, the removed row is in the ledger, and it can be restored.
 */
class ConstraintMergeTest {
  @TempDir Path dir;

  private Connection replica(String site, String... schema) throws SQLException {
    Connection conn = Db.chora(dir, site + ".db", "chora.site=" + site + "&foreign_keys=true");
    exec(conn, schema);
    return conn;
  }

  private static final String USERS =
      "CREATE TABLE person(id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT)";

  private static void sync(Connection x, Connection y) throws SQLException {
    Db.of(x).syncWith(Db.of(y));
  }

  private static List<Conflict> conflicts(Connection c, Conflict.Kind kind) throws SQLException {
    return Db.of(c).conflicts().stream().filter(k -> k.kind() == kind).toList();
  }

  @ParameterizedTest(name = "older side syncs first: {0}")
  @ValueSource(booleans = {true, false})
  void theOlderClaimOnAUniqueValueKeepsIt(boolean olderFirst) throws Exception {
    try (Connection a = replica("a", USERS);
        Connection b = replica("b", USERS);
        Connection c = replica("c", USERS)) {
      exec(a, "INSERT INTO person VALUES (1, 'ann@example.com', 'Ann')");
      Thread.sleep(3);
      exec(b, "INSERT INTO person VALUES (2, 'ann@example.com', 'Impostor')");
      if (olderFirst) {
        sync(a, b);
      } else {
        sync(b, a);
      }
      sync(c, b); // c only ever hears of the clash from b
      for (Connection x : List.of(a, b, c)) {
        assertThat(rows(x, "SELECT * FROM person ORDER BY id"))
            .as(Db.of(x).siteId())
            .containsExactly("1|ann@example.com|Ann");
      }
      assertThat(Db.of(a).clock()).isEqualTo(Db.of(b).clock());
      List<Conflict> removed = new ArrayList<>(); // in the ledger of whichever replica saw it
      for (Connection x : List.of(a, b, c)) {
        removed.addAll(conflicts(x, Conflict.Kind.UNIQUE));
      }
      assertThat(removed).isNotEmpty();
      for (Conflict conflict : removed) {
        assertThat(conflict.table()).isEqualTo("person");
        assertThat(conflict.key()).containsExactly(2L);
        assertThat(conflict.column()).isEqualTo("UNIQUE(email)");
        assertThat(conflict.lost()).isEqualTo("ann@example.com");
        assertThat(conflict.lostDot().site()).isEqualTo("b");
        assertThat(conflict.keptDot().site()).isEqualTo("a");
        assertThat(conflict.lostRow())
            .containsEntry("id", 2L)
            .containsEntry("name", "Impostor")
            .containsEntry("email", "ann@example.com");
      }
      assertThat(Db.of(a).syncWith(Db.of(b)).changesSent()).isZero();
    }
  }

  @Test
  void anUpdateThatTakesAValueLosesToTheRowThatHadItFirst() throws Exception {
    try (Connection a = replica("a", USERS);
        Connection b = replica("b", USERS)) {
      exec(a, "INSERT INTO person VALUES (1, 'one@example.com', 'One')");
      exec(a, "INSERT INTO person VALUES (2, 'two@example.com', 'Two')");
      sync(a, b);
      exec(b, "INSERT INTO person VALUES (3, 'new@example.com', 'Three')");
      Thread.sleep(3);
      exec(a, "UPDATE person SET email = 'new@example.com' WHERE id = 1"); // a later claim
      sync(a, b);
      sync(b, a);
      for (Connection x : List.of(a, b)) {
        assertThat(rows(x, "SELECT id, email FROM person ORDER BY id"))
            .as(Db.of(x).siteId())
            .containsExactly("2|two@example.com", "3|new@example.com");
      }
    }
  }

  @Test
  void aRemovedRowIsRestoredOnceItsValueIsFreeAndTheRestoreSyncs() throws Exception {
    try (Connection a = replica("a", USERS);
        Connection b = replica("b", USERS)) {
      exec(a, "INSERT INTO person VALUES (1, 'ann@example.com', 'Ann')");
      Thread.sleep(3);
      exec(b, "INSERT INTO person VALUES (2, 'ann@example.com', 'Anna')");
      sync(a, b);
      Conflict removed = conflicts(b, Conflict.Kind.UNIQUE).get(0);
      assertThatThrownBy(() -> Db.of(b).restoreConflict(removed.id()))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("conflict " + removed.id())
          .hasMessageContaining("UNIQUE");
      assertThat(Db.of(b).conflicts()).extracting(Conflict::id).contains(removed.id());
      exec(b, "UPDATE person SET email = 'ann@old.example.com' WHERE id = 1");
      Db.of(b).restoreConflict(removed.id());
      assertThat(Db.of(b).conflicts()).extracting(Conflict::id).doesNotContain(removed.id());
      sync(a, b);
      for (Connection x : List.of(a, b)) {
        assertThat(rows(x, "SELECT * FROM person ORDER BY id"))
            .containsExactly("1|ann@old.example.com|Ann", "2|ann@example.com|Anna");
      }
    }
  }

  private static final String[] FAMILY = {
    "CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT)",
    "CREATE TABLE child(id INTEGER PRIMARY KEY, parent INTEGER %s, note TEXT)"
  };

  private static String[] family(String references) {
    return new String[] {FAMILY[0], FAMILY[1].formatted(references)};
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "REFERENCES parent(id)",
        "REFERENCES parent(id) ON DELETE CASCADE",
        "REFERENCES parent(id) ON DELETE RESTRICT",
        "REFERENCES parent DEFERRABLE INITIALLY DEFERRED",
        "NOT NULL REFERENCES parent(id) ON DELETE CASCADE"
      })
  void aDeletedParentTakesAConcurrentNewChildWithIt(String references) throws Exception {
    for (boolean deleteFirst : new boolean[] {true, false}) {
      try (Connection a = replica("a" + deleteFirst, family(references));
          Connection b = replica("b" + deleteFirst, family(references));
          Connection c = replica("c" + deleteFirst, family(references))) {
        exec(a, "INSERT INTO parent VALUES (1, 'p'), (2, 'q')");
        exec(a, "INSERT INTO child VALUES (10, 2, 'stays')");
        sync(a, b);
        sync(a, c);
        exec(a, "DELETE FROM parent WHERE id = 1");
        exec(b, "INSERT INTO child VALUES (11, 1, 'orphan'), (12, 2, 'fine')");
        if (deleteFirst) {
          sync(a, b);
        } else {
          sync(b, a);
        }
        sync(c, b);
        sync(c, a);
        sync(a, b);
        for (Connection x : List.of(a, b, c)) {
          String site = Db.of(x).siteId();
          assertThat(rows(x, "SELECT * FROM parent")).as(site).containsExactly("2|q");
          assertThat(rows(x, "SELECT * FROM child ORDER BY id"))
              .as(site + ", " + references)
              .containsExactly("10|2|stays", "12|2|fine");
          assertThat(rows(x, "PRAGMA foreign_key_check")).as(site).isEmpty();
        }
        assertThat(Db.of(a).clock()).isEqualTo(Db.of(b).clock()).isEqualTo(Db.of(c).clock());
        List<Conflict> removed = new ArrayList<>();
        for (Connection x : List.of(a, b, c)) {
          removed.addAll(conflicts(x, Conflict.Kind.FOREIGN_KEY));
        }
        if (!references.contains("CASCADE")) { // a declared cascade is no violation
          assertThat(removed).isNotEmpty();
          assertThat(removed.get(0).lostRow()).containsEntry("note", "orphan");
          assertThat(removed.get(0).column()).startsWith("FOREIGN KEY(parent) REFERENCES parent");
        }
      }
    }
  }

  /**
   * Found by the random test: rows a merged transaction names were read back from the log as
   * Integer keys, taken for the doings of ON DELETE CASCADE and committed again as local writes.
   */
  @Test
  void mergedRowsAreNotTakenForTheWorkOfCascades() throws Exception {
    String[] schema = {
      FAMILY[0],
      FAMILY[1].formatted("REFERENCES parent(id) ON DELETE CASCADE"),
      "CREATE TABLE note(id INTEGER PRIMARY KEY, body TEXT)"
    };
    try (Connection a = replica("a", schema);
        Connection b = replica("b", schema)) {
      exec(a, "INSERT INTO parent VALUES (1, 'p')", "INSERT INTO child VALUES (10, 1, 'c')");
      exec(a, "INSERT INTO note VALUES (1, 'a'), (2, 'a')");
      sync(a, b);
      exec(b, "DELETE FROM parent WHERE id = 1", "UPDATE note SET body = 'b' WHERE id = 1");
      exec(b, "DELETE FROM note WHERE id = 2");
      long ownBefore = Db.seq(a);
      Db.of(a).apply(Db.of(b).changesSince(Db.of(a).clock()));
      assertThat(Db.seq(a)).as("a's own transactions after the merge").isEqualTo(ownBefore);
      assertThat(rows(a, "SELECT * FROM note")).containsExactly("1|b");
      assertThat(rows(a, "SELECT * FROM child")).isEmpty();
      assertThat(Db.of(a).clock()).isEqualTo(Db.of(b).clock());
    }
  }

  @Test
  void setNullKeepsTheChildWithoutItsParent() throws Exception {
    String[] schema = family("REFERENCES parent(id) ON DELETE SET NULL");
    try (Connection a = replica("a", schema);
        Connection b = replica("b", schema)) {
      exec(a, "INSERT INTO parent VALUES (1, 'p')");
      sync(a, b);
      exec(a, "DELETE FROM parent WHERE id = 1");
      exec(b, "INSERT INTO child VALUES (11, 1, 'kept')");
      sync(b, a); // a: the child arrives after its parent is gone
      sync(a, b); // b: the delete arrives and SQLite sets the reference to NULL
      for (Connection x : List.of(a, b)) {
        assertThat(rows(x, "SELECT id, parent, note FROM child"))
            .as(Db.of(x).siteId())
            .containsAnyOf("11|null|kept");
      }
      assertThat(rows(a, "SELECT * FROM child")).isEqualTo(rows(b, "SELECT * FROM child"));
    }
  }

  /** Found in review: the holder lookup compared with the column's collation, not the index's. */
  @Test
  void aUniqueIndexWithItsOwnCollationIsKeptByTheRule() throws Exception {
    String[] schema = {
      "CREATE TABLE person(id INTEGER PRIMARY KEY, email TEXT)",
      "CREATE UNIQUE INDEX person_email ON person(email COLLATE NOCASE)"
    };
    try (Connection a = replica("a", schema);
        Connection b = replica("b", schema)) {
      exec(a, "INSERT INTO person VALUES (1, 'Ann@x.org')");
      Thread.sleep(3);
      exec(b, "INSERT INTO person VALUES (2, 'ann@x.org')");
      sync(a, b);
      assertThat(rows(a, "SELECT * FROM person")).containsExactly("1|Ann@x.org");
      assertThat(rows(b, "SELECT * FROM person")).containsExactly("1|Ann@x.org");
    }
  }

  /**
   * Found by the convergence suite (seed 465, fixed in bdc43e0): x and y insert key 5 at once, both
   * claiming an email r claimed first. A relay holding both lives sends them to r in one set: r
   * merges x's life, removes it (UNIQUE), lets y's greater life take the key and removes that one
   * too. Both removals must be logged. When only the first was, and r then freed the email, y
   * (which hears of the clash only with the email already free) kept its row while r had none:
   * equal clocks, different rows.
   */
  @Test
  void oneMergeThatRemovesTwoLivesOfAKeyLogsBothRemovals() throws Exception {
    try (Connection r = replica("r", USERS);
        Connection x = replica("x", USERS);
        Connection y = replica("y", USERS);
        Connection relay = replica("relay", USERS)) {
      exec(r, "INSERT INTO person VALUES (9, 'ann@example.com', 'Ann')"); // the oldest claim
      Thread.sleep(3);
      exec(x, "INSERT INTO person VALUES (5, 'ann@example.com', 'from x')");
      Thread.sleep(3);
      exec(y, "INSERT INTO person VALUES (5, 'ann@example.com', 'from y')"); // the greater life
      sync(relay, x);
      sync(relay, y);
      // one apply on r, only from the relay: both lives of key 5, each removed
      Db.of(r).apply(Db.of(relay).changesSince(Db.of(r).clock()));
      exec(r, "UPDATE person SET email = 'ann@elsewhere.example' WHERE id = 9"); // frees it
      for (int round = 0; round < 2; round++) {
        for (Connection a : List.of(r, x, y, relay)) {
          for (Connection b : List.of(r, x, y, relay)) {
            if (a != b) {
              sync(a, b);
            }
          }
        }
      }
      for (Connection c : List.of(r, x, y, relay)) {
        assertThat(rows(c, "SELECT * FROM person ORDER BY id"))
            .as(Db.of(c).siteId())
            .containsExactly("9|ann@elsewhere.example|Ann");
        assertThat(Db.of(c).clock()).isEqualTo(Db.of(r).clock());
      }
    }
  }

  /**
   * Found in review: a foreign key the rule cannot settle (the child table is not tracked) failed
   * the COMMIT and left the transaction open, the database locked. Now the apply fails cleanly.
   */
  @Test
  void aFailedCommitOfAMergeLeavesTheConnectionUsable() throws Exception {
    String[] schema = {
      FAMILY[0], "CREATE TABLE note(parent INTEGER REFERENCES parent(id), body TEXT)" // no key
    };
    try (Connection a = replica("a", schema);
        Connection b = replica("b", schema)) {
      exec(a, "INSERT INTO parent VALUES (1, 'p')");
      sync(a, b);
      exec(b, "INSERT INTO note VALUES (1, 'untracked child')");
      exec(a, "DELETE FROM parent WHERE id = 1");
      assertThatThrownBy(() -> sync(a, b))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("FOREIGN KEY");
      assertThat(rows(b, "PRAGMA foreign_key_check")).isEmpty();
      exec(b, "INSERT INTO parent VALUES (2, 'still writable')");
      assertThat(b.getAutoCommit()).isTrue();
      assertThat(rows(b, "SELECT id FROM parent ORDER BY id")).containsExactly("1", "2");
    }
  }
}
