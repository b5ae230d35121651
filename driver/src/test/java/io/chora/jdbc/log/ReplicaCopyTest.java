package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.shared.WallClock;
import io.chora.jdbc.testing.Db;
import io.chora.sync.SyncResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas made the way people make them: a copied or restored replica file goes on under a site id
 * of its own, and copies of a plain database share their rows as a baseline.
 */
class ReplicaCopyTest {
  @TempDir Path dir;

  @AfterEach
  void systemClock() {
    WallClock.reset();
  }

  private static void at(long millis) {
    WallClock.use(Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC));
  }

  private static ChoraConnection chora(Connection c) throws SQLException {
    return Db.of(c);
  }

  @Test
  void aCopiedReplicaWritesUnderASiteOfItsOwnAndBothConverge() throws Exception {
    try (Connection a = Db.chora(dir, "a.db", "chora.site=hostA")) {
      exec(
          a,
          "CREATE TABLE note(id TEXT PRIMARY KEY, title TEXT)",
          "INSERT INTO note VALUES ('1', 'one')");
    }
    Files.copy(dir.resolve("a.db"), dir.resolve("c.db"));
    try (Connection a = Db.chora(dir, "a.db");
        Connection c = Db.chora(dir, "c.db")) {
      assertThat(chora(a).siteId()).isEqualTo("hostA");
      assertThat(chora(c).siteId()).isNotEqualTo("hostA");
      exec(a, "INSERT INTO note VALUES ('2', 'written on A')");
      exec(c, "INSERT INTO note VALUES ('3', 'written on the copy')");
      assertThat(chora(c).clock().get("hostA")).isEqualTo(1); // the history stays
      SyncResult result = chora(a).syncWith(chora(c));
      assertThat(result.changesSent()).isEqualTo(1);
      assertThat(result.changesReceived()).isEqualTo(1);
      assertThat(rows(a, "SELECT * FROM note ORDER BY id"))
          .containsExactly("1|one", "2|written on A", "3|written on the copy")
          .isEqualTo(rows(c, "SELECT * FROM note ORDER BY id"));
      assertThat(chora(a).clock()).isEqualTo(chora(c).clock());
    }
  }

  @Test
  void aCopyTakenWhileTheAppWritesInWalModeConverges() throws Exception {
    try (Connection a = Db.chora(dir, "a.db", "chora.site=hostA&journal_mode=WAL")) {
      exec(
          a,
          "CREATE TABLE note(id TEXT PRIMARY KEY, title TEXT)",
          "INSERT INTO note VALUES ('1', 'one')");
      // copied while open, with its write-ahead log, as a backup tool or `cp a.db* …` would
      Files.copy(dir.resolve("a.db"), dir.resolve("c.db"));
      Files.copy(dir.resolve("a.db-wal"), dir.resolve("c.db-wal"));
      exec(a, "INSERT INTO note VALUES ('2', 'after the copy')");
      try (Connection c = Db.chora(dir, "c.db", "journal_mode=WAL")) {
        assertThat(chora(c).siteId()).isNotEqualTo("hostA");
        exec(c, "UPDATE note SET title = 'edited on the copy' WHERE id = '1'");
        chora(a).syncWith(chora(c));
        assertThat(rows(c, "SELECT * FROM note ORDER BY id"))
            .containsExactly("1|edited on the copy", "2|after the copy")
            .isEqualTo(rows(a, "SELECT * FROM note ORDER BY id"));
      }
    }
  }

  @Test
  void aRestoredBackupGoesOnWithoutLosingWhatItHadAlreadySynced() throws Exception {
    try (Connection a = Db.chora(dir, "a.db", "chora.site=hostA")) {
      exec(
          a,
          "CREATE TABLE note(id TEXT PRIMARY KEY, title TEXT)",
          "INSERT INTO note VALUES ('1', 'one')");
    }
    Files.copy(dir.resolve("a.db"), dir.resolve("backup.db"));
    try (Connection a = Db.chora(dir, "a.db");
        Connection b = Db.chora(dir, "b.db", "chora.site=hostB")) {
      exec(b, "CREATE TABLE note(id TEXT PRIMARY KEY, title TEXT)");
      exec(a, "INSERT INTO note VALUES ('2', 'synced, then lost with the disk')");
      chora(a).syncWith(chora(b));
    }
    // restored as backup tools do it: written next to the file, then renamed over it
    Files.copy(dir.resolve("backup.db"), dir.resolve("a.db.restoring"));
    Files.move(dir.resolve("a.db.restoring"), dir.resolve("a.db"), StandardCopyOption.ATOMIC_MOVE);
    try (Connection a = Db.chora(dir, "a.db");
        Connection b = Db.chora(dir, "b.db")) {
      assertThat(chora(a).siteId()).isNotEqualTo("hostA"); // hostA:2 is out there already
      exec(a, "INSERT INTO note VALUES ('3', 'after the restore')");
      chora(a).syncWith(chora(b));
      assertThat(rows(a, "SELECT * FROM note ORDER BY id"))
          .containsExactly("1|one", "2|synced, then lost with the disk", "3|after the restore")
          .isEqualTo(rows(b, "SELECT * FROM note ORDER BY id"));
    }
  }

  /** isCopy tells a read-only look (chora doctor) what the next writing open will do. */
  @Test
  void aCopyOpenedReadOnlyIsACopyUntilItsFirstWritingOpen() throws Exception {
    try (Connection a = Db.chora(dir, "a.db", "chora.site=hostA")) {
      exec(a, "CREATE TABLE note(id TEXT PRIMARY KEY)", "INSERT INTO note VALUES ('1')");
      assertThat(chora(a).isCopy()).isFalse();
    }
    Files.copy(dir.resolve("a.db"), dir.resolve("c.db"));
    try (Connection a = Db.chora(dir, "a.db", "open_mode=1");
        Connection c = Db.chora(dir, "c.db", "open_mode=1")) {
      assertThat(chora(a).isCopy()).isFalse();
      assertThat(chora(c).isCopy()).isTrue();
      assertThat(chora(c).siteId()).isEqualTo("hostA");
    }
    try (Connection c = Db.chora(dir, "c.db")) {
      assertThat(chora(c).isCopy()).isFalse();
      assertThat(chora(c).siteId()).isNotEqualTo("hostA");
    }
  }

  @Test
  void aMovedReplicaKeepsItsSite() throws IOException, SQLException {
    try (Connection a = Db.chora(dir, "a.db", "chora.site=hostA")) {
      exec(a, "CREATE TABLE note(id TEXT PRIMARY KEY)", "INSERT INTO note VALUES ('1')");
    }
    Files.move(dir.resolve("a.db"), dir.resolve("moved.db"));
    try (Connection a = Db.chora(dir, "moved.db")) {
      assertThat(chora(a).siteId()).isEqualTo("hostA");
    }
  }

  /** A plain database with {@code n} rows, as an app had it before chora. */
  private void plain(String name, int n) throws SQLException {
    try (Connection p = Db.sqlite(dir, name)) {
      exec(p, "CREATE TABLE task(id INTEGER PRIMARY KEY, title TEXT, done INTEGER)");
      exec(
          p,
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
              + n
              + ")"
              + " INSERT INTO task SELECT i, 'task ' || i, 0 FROM n");
    }
  }

  @Test
  void copiesOfAPlainDatabaseShareTheirRowsAsABaseline() throws Exception {
    plain("plain.db", 1000);
    Files.copy(dir.resolve("plain.db"), dir.resolve("laptop.db"));
    Files.copy(dir.resolve("plain.db"), dir.resolve("phone.db"));
    at(1_000_000);
    try (Connection laptop = Db.chora(dir, "laptop.db", "chora.site=laptop")) {
      at(2_000_000); // an edit on the laptop, made before the phone ever ran chora
      exec(laptop, "UPDATE task SET done = 1 WHERE id = 1");
      exec(laptop, "UPDATE task SET title = 'laptop' WHERE id = 2");
    }
    at(3_000_000);
    try (Connection laptop = Db.chora(dir, "laptop.db");
        Connection phone = Db.chora(dir, "phone.db", "chora.site=phone")) {
      assertThat(chora(phone).clock().entries().keySet())
          .as("the phone's baseline is the laptop's")
          .containsExactlyElementsOf(
              chora(laptop).clock().entries().keySet().stream()
                  .filter(s -> s.startsWith("base."))
                  .toList());
      at(4_000_000);
      exec(phone, "UPDATE task SET title = 'phone' WHERE id = 2"); // concurrent with the laptop's
      exec(phone, "UPDATE task SET title = 'phone only' WHERE id = 3");
      SyncResult result = chora(laptop).syncWith(chora(phone));
      assertThat(result.changesSent()).as("the baseline is not sent").isEqualTo(2);
      assertThat(result.changesReceived()).isEqualTo(2);
      assertThat(rows(laptop, "SELECT * FROM task WHERE id <= 4 ORDER BY id"))
          .containsExactly("1|task 1|1", "2|phone|0", "3|phone only|0", "4|task 4|0")
          .isEqualTo(rows(phone, "SELECT * FROM task WHERE id <= 4 ORDER BY id"));
      assertThat(rows(laptop, "SELECT * FROM task")).isEqualTo(rows(phone, "SELECT * FROM task"));
      assertThat(chora(laptop).conflicts()).as("only the real concurrent edit").hasSize(1);
      assertThat(chora(laptop).conflicts().get(0).key()).containsExactly(2L);
      assertThat(chora(phone).conflicts()).hasSize(1);
    }
  }

  @Test
  void identicalBaselinesHaveNothingToSendAndAFreshReplicaGetsThem() throws Exception {
    plain("plain.db", 50);
    Files.copy(dir.resolve("plain.db"), dir.resolve("b.db"));
    try (Connection a = Db.chora(dir, "plain.db", "chora.site=a");
        Connection b = Db.chora(dir, "b.db", "chora.site=b");
        Connection fresh = Db.chora(dir, "fresh.db", "chora.site=fresh")) {
      SyncResult same = chora(a).syncWith(chora(b));
      assertThat(same.changesSent()).isZero();
      assertThat(same.changesReceived()).isZero();
      exec(fresh, "CREATE TABLE task(id INTEGER PRIMARY KEY, title TEXT, done INTEGER)");
      chora(fresh).syncWith(chora(b));
      assertThat(rows(fresh, "SELECT * FROM task"))
          .hasSize(50)
          .isEqualTo(rows(a, "SELECT * FROM task"));
      assertThat(chora(fresh).conflicts()).isEmpty();
    }
  }

  @Test
  void aCopyOpenedUnderItsOwnChoraSiteKeepsIt() throws IOException, SQLException {
    try (Connection a = Db.chora(dir, "a.db", "chora.site=hostA")) {
      exec(a, "CREATE TABLE note(id TEXT PRIMARY KEY)", "INSERT INTO note VALUES ('1')");
    }
    Files.copy(dir.resolve("a.db"), dir.resolve("other-disk.db"));
    try (Connection a = Db.chora(dir, "other-disk.db", "chora.site=hostA")) {
      assertThat(chora(a).siteId()).as("the URL vouches for a move").isEqualTo("hostA");
    }
  }

  @Test
  void aCloneOfALiveReplicaSyncsWithNothingToSend() throws Exception {
    // the clone waits for the writer's lock like any writer: sqlite-jdbc's default 3 s is too
    // short on a loaded machine (seen once), as for an app
    try (Connection a =
        Db.chora(dir, "a.db", "chora.site=hostA&journal_mode=WAL&busy_timeout=10000")) {
      exec(a, "CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
      java.util.concurrent.atomic.AtomicBoolean stop =
          new java.util.concurrent.atomic.AtomicBoolean();
      Thread writer =
          new Thread(
              () -> {
                try (Connection w = Db.chora(dir, "a.db", "busy_timeout=10000")) {
                  for (int i = 0; i < 2000 && !stop.get(); i++) {
                    exec(w, "INSERT INTO note(title) VALUES ('row " + i + "')");
                  }
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      writer.start();
      while (Db.scalar(a, "SELECT count(*) FROM note") < 50) {
        Thread.sleep(5);
      }
      String site = chora(a).cloneTo(dir.resolve("clone.db"), "hostC");
      stop.set(true);
      writer.join(30_000);
      assertThat(site).isEqualTo("hostC");
      try (Connection c = Db.chora(dir, "clone.db")) {
        assertThat(chora(c).siteId()).isEqualTo("hostC");
        assertThat(chora(c).clock().get("hostA")).isPositive();
        long before = Db.scalar(c, "SELECT count(*) FROM note");
        assertThat(chora(a).changesSince(chora(c).clock()).size())
            .as("what the writer added after the snapshot")
            .isEqualTo(Db.scalar(a, "SELECT count(*) FROM note") - before);
        assertThat(chora(c).changesSince(chora(a).clock()).size())
            .as("nothing the other lacks")
            .isZero();
        exec(c, "INSERT INTO note(id, title) VALUES (1000000, 'on the clone')");
        chora(a).syncWith(chora(c));
        assertThat(rows(c, "SELECT * FROM note ORDER BY id"))
            .isEqualTo(rows(a, "SELECT * FROM note ORDER BY id"));
      }
      assertThatThrownBy(() -> chora(a).cloneTo(dir.resolve("clone.db"), null))
          .hasMessageContaining("the file exists");
      assertThatThrownBy(() -> chora(a).cloneTo(dir.resolve("again.db"), "hostA"))
          .hasMessageContaining("already wrote transactions");
    }
  }
}
