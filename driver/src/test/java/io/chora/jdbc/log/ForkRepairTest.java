package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repair of a fork: one side's transactions from the first differing dot on move to a new site,
 * both histories survive, and the replicas converge; a replica that is not forked is refused and
 * left as it was.
 */
class ForkRepairTest {
  @TempDir Path dir;

  private static ChoraConnection chora(Connection c) throws SQLException {
    return Db.of(c);
  }

  private String sha256(String name) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve(name))));
  }

  private static void write(Connection c, String sql) throws SQLException {
    exec(c, sql);
  }

  private Connection open(String name, String query) throws SQLException {
    Connection c = Db.chora(dir, name, query);
    exec(c, "CREATE TABLE IF NOT EXISTS note(id INTEGER PRIMARY KEY, title TEXT, body TEXT)");
    return c;
  }

  /** a.db wrote as hostA; c.db is its plain copy, to be opened with chora.site=hostA too. */
  private void copyKeptUnderTheOriginalsSite() throws Exception {
    try (Connection a = open("a.db", "chora.site=hostA")) {
      write(a, "INSERT INTO note VALUES (1, 'before the copy', '')");
    }
    Files.copy(dir.resolve("a.db"), dir.resolve("c.db"));
  }

  private static void assertConverged(Connection... replicas) throws SQLException {
    for (Connection c : replicas) {
      assertThat(chora(c).clock()).isEqualTo(chora(replicas[0]).clock());
      assertThat(rows(c, "SELECT * FROM note ORDER BY id"))
          .isEqualTo(rows(replicas[0], "SELECT * FROM note ORDER BY id"));
    }
  }

  @Test
  void twoFilesWrittenAsOneSiteFromEmptyKeepBothHistories() throws Exception {
    try (Connection a = open("a.db", "chora.site=x");
        Connection b = open("b.db", "chora.site=x");
        Connection bPooled = open("b.db", "chora.site=x")) {
      write(a, "INSERT INTO note VALUES (1, 'a one', 'a')");
      write(a, "INSERT INTO note VALUES (2, 'a two', 'a')");
      write(a, "UPDATE note SET body = 'a again' WHERE id = 1");
      write(b, "INSERT INTO note VALUES (3, 'b three', 'b')");
      write(b, "INSERT INTO note VALUES (1, 'b one', 'b')");

      String moved = chora(b).repairFork(chora(a), null);

      assertThat(moved).startsWith("x.fork.");
      assertThat(chora(b).siteId()).isEqualTo(moved);
      assertThat(chora(bPooled).siteId()).as("an open connection follows").isEqualTo(moved);
      assertThat(chora(b).clock().get("x")).isZero();
      assertThat(chora(b).clock().get(moved)).isEqualTo(2);
      chora(a).syncWith(chora(b));
      assertConverged(a, b);
      assertThat(rows(a, "SELECT id FROM note ORDER BY id")).containsExactly("1", "2", "3");

      // a connection opened before the repair writes as the new site, not as x again
      write(bPooled, "INSERT INTO note VALUES (4, 'pooled', 'b')");
      assertThat(chora(bPooled).clock().get(moved)).isEqualTo(3);
      chora(a).syncWith(chora(b));
      assertConverged(a, b);
      assertThat(rows(a, "SELECT title FROM note WHERE id = 4")).containsExactly("pooled");
    }
  }

  @Test
  void aCopyKeptUnderTheOriginalsSiteAndAThirdReplicaThatGotItsBranchAllConverge()
      throws Exception {
    copyKeptUnderTheOriginalsSite();
    try (Connection a = open("a.db", "");
        Connection c = open("c.db", "chora.site=hostA");
        Connection t = open("t.db", "chora.site=third")) {
      write(a, "INSERT INTO note VALUES (2, 'on the original', '')");
      write(c, "INSERT INTO note VALUES (3, 'on the copy', '')");
      write(c, "UPDATE note SET body = 'edited on the copy' WHERE id = 1");
      write(t, "INSERT INTO note VALUES (9, 'third', '')");
      chora(t).syncWith(chora(c)); // the third replica receives the copy's branch
      assertThatThrownBy(() -> chora(a).syncWith(chora(t)))
          .hasMessageContaining("from hostA:2 on")
          .hasMessageContaining("chora repair-fork");

      String moved = chora(c).repairFork(chora(a), null);
      assertThat(chora(t).repairFork(chora(a), null))
          .as("the same branch moves to the same name")
          .isEqualTo(moved);
      assertThat(chora(c).siteId()).as("the copy writes as the new site").isEqualTo(moved);
      assertThat(chora(t).siteId()).as("the third keeps its own").isEqualTo("third");

      chora(a).syncWith(chora(c));
      chora(a).syncWith(chora(t));
      chora(c).syncWith(chora(t));
      assertConverged(a, c, t);
      assertThat(rows(a, "SELECT * FROM note ORDER BY id"))
          .containsExactly(
              "1|before the copy|edited on the copy",
              "2|on the original|",
              "3|on the copy|",
              "9|third|");
    }
  }

  @Test
  void aBackupRestoredOverTheFileInPlaceGetsItsLostWritesBackAndKeepsItsNewOnes() throws Exception {
    Path file = dir.resolve("a.db");
    try (Connection a = open("a.db", "chora.site=a");
        Connection b = open("b.db", "chora.site=b")) {
      write(a, "INSERT INTO note VALUES (1, 'in the backup', '')");
      chora(a).syncWith(chora(b));
    }
    byte[] backup = Files.readAllBytes(file);
    try (Connection a = open("a.db", "");
        Connection b = open("b.db", "")) {
      write(a, "INSERT INTO note VALUES (2, 'after the backup, synced', '')");
      chora(a).syncWith(chora(b));
    }
    Files.write(file, backup); // same inode: the file's identity cannot tell
    try (Connection a = open("a.db", "");
        Connection b = open("b.db", "")) {
      write(a, "INSERT INTO note VALUES (3, 'after the restore', '')");
      assertThatThrownBy(() -> chora(a).syncWith(chora(b))).hasMessageContaining("fork");

      String moved = chora(a).repairFork(chora(b), "a-restored");
      assertThat(moved).isEqualTo("a-restored");
      chora(a).syncWith(chora(b));
      assertConverged(a, b);
      assertThat(rows(a, "SELECT id FROM note ORDER BY id")).containsExactly("1", "2", "3");
      assertThat(chora(a).siteId()).isEqualTo("a-restored");
    }
  }

  @Test
  void replicasThatDoNotForkAreRefusedAndUnchanged() throws Exception {
    try (Connection a = open("a.db", "chora.site=a");
        Connection b = open("b.db", "chora.site=b")) {
      write(a, "INSERT INTO note VALUES (1, 'one', '')");
      chora(a).syncWith(chora(b));
      String before = sha256("b.db");
      assertThatThrownBy(() -> chora(b).repairFork(chora(a), null))
          .hasMessageContaining("no fork")
          .hasMessageContaining("nothing was changed");
      assertThatThrownBy(() -> chora(b).repairFork(chora(a), "bad name!"))
          .hasMessageContaining("chora.site must be");
      assertThat(sha256("b.db")).isEqualTo(before);
    }
  }

  @Test
  void aThirdReplicaStillHoldingTheMovedBranchIsRefusedUntilItRepairsToo() throws Exception {
    copyKeptUnderTheOriginalsSite();
    try (Connection a = open("a.db", "");
        Connection c = open("c.db", "chora.site=hostA");
        Connection t = open("t.db", "chora.site=third")) {
      write(a, "INSERT INTO note VALUES (2, 'on the original', '')");
      write(c, "INSERT INTO note VALUES (3, 'on the copy', '')");
      write(c, "UPDATE note SET body = 'edited on the copy' WHERE id = 1");
      chora(t).syncWith(chora(c));
      String moved = chora(c).repairFork(chora(a), null);
      String before = sha256("c.db");
      String beforeT = sha256("t.db");
      // t would hand c its own moved branch back under the old dots, and take it again under
      // the new site: the fork again, refused both ways
      assertThatThrownBy(() -> chora(c).syncWith(chora(t)))
          .hasMessageContaining("a fork repair moved")
          .hasMessageContaining("chora repair-fork");
      assertThatThrownBy(() -> chora(t).syncWith(chora(c)))
          .hasMessageContaining("fork repair moved")
          .hasMessageContaining("chora repair-fork");
      assertThat(sha256("c.db")).isEqualTo(before);
      assertThat(sha256("t.db")).isEqualTo(beforeT);

      assertThat(chora(t).repairFork(chora(a), null)).isEqualTo(moved);
      chora(c).syncWith(chora(t));
      chora(a).syncWith(chora(c));
      chora(a).syncWith(chora(t));
      assertConverged(a, c, t);
    }
  }

  @Test
  void aThirdReplicaRepairsAfterTheTwoSidesHaveConverged() throws Exception {
    copyKeptUnderTheOriginalsSite();
    try (Connection a = open("a.db", "");
        Connection c = open("c.db", "chora.site=hostA");
        Connection t = open("t.db", "chora.site=third")) {
      write(a, "INSERT INTO note VALUES (2, 'on the original', '')");
      write(c, "INSERT INTO note VALUES (3, 'on the copy', '')");
      chora(t).syncWith(chora(c));
      String moved = chora(c).repairFork(chora(a), null);
      chora(a).syncWith(chora(c)); // a holds the moved branch now
      assertThat(chora(t).repairFork(chora(a), null)).isEqualTo(moved);
      chora(a).syncWith(chora(t));
      chora(c).syncWith(chora(t));
      assertConverged(a, c, t);
    }
  }

  @Test
  void theSiteARepairMovedAwayFromIsNeverWrittenAsHereAgain() throws Exception {
    try (Connection a = open("a.db", "chora.site=x");
        Connection b = open("b.db", "chora.site=x")) {
      write(a, "INSERT INTO note VALUES (1, 'a one', 'a')");
      write(b, "INSERT INTO note VALUES (2, 'b two', 'b')");
      String moved = chora(b).repairFork(chora(a), null);
      // the app's unchanged URL: nothing is shared (the fork is at x:1), yet x is a's now
      assertThatThrownBy(() -> Db.chora(dir, "b.db", "chora.site=x").close())
          .hasMessageContaining("given up here by a fork repair");
      try (Connection again = Db.chora(dir, "b.db", "")) {
        assertThat(chora(again).siteId()).isEqualTo(moved);
      }
      chora(a).syncWith(chora(b));
      assertConverged(a, b);
    }
  }
}
