package io.chora.it;

import static io.chora.it.HubFixture.await;
import static io.chora.it.HubFixture.sameRows;
import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.hub.SnapshotPolicy;
import io.chora.jdbc.HubStatus;
import io.chora.jdbc.testing.Db;
import io.chora.jdbc.testing.DeviceKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots and compaction through the hub, end to end with real replicas (protocol 1.1): a new
 * replica starts from a member's snapshot and ends where one that replayed the history ends; a
 * member away past the retention is refused, never sent a partial history; an encrypted snapshot is
 * ciphertext on the hub.
 */
class HubSnapshotTest {
  private static final String SECRET = "the-plaintext-marker-0815";

  @TempDir Path dir;
  private HubFixture hubs;

  @AfterEach
  void stop() throws Exception {
    if (hubs != null) {
      hubs.close();
    }
  }

  private void start(SnapshotPolicy policy) throws Exception {
    hubs = new HubFixture(dir, config -> config.withSnapshots(policy));
  }

  private long hubCount(String sql) throws Exception {
    try (Connection store = DriverManager.getConnection("jdbc:sqlite:" + hubs.store());
        Statement st = store.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void pushed(Connection c) throws Exception {
    await("pushed", () -> Db.of(c).hubStatus().pendingTransactions() == 0);
  }

  /**
   * Inserts, updates and deletes (tombstones), each pushed before the next, so the log holds many
   * envelopes (commits made while a push is in flight would travel in one).
   */
  private static void history(Connection c, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      exec(c, "INSERT INTO note VALUES (" + i + ", 'note " + i + "')");
      if (i % 3 == 0) {
        exec(c, "UPDATE note SET title = 'edited " + i + "' WHERE id = " + i);
      }
      if (i % 4 == 0) {
        exec(c, "DELETE FROM note WHERE id = " + (i - 1));
      }
      pushed(c);
    }
  }

  @Test
  void aReplicaStartedFromTheSnapshotEqualsOneThatReplayedTheHistory() throws Exception {
    start(new SnapshotPolicy(5, Duration.ofDays(1), Duration.ofDays(1)));
    Connection laptop = hubs.replica("laptop");
    history(laptop, 1, 30);
    pushed(laptop);
    await("laptop uploaded a snapshot", () -> hubCount("SELECT count(*) FROM snapshot") == 1);
    history(laptop, 30, 36); // after the snapshot: reaches the new replica as envelopes
    pushed(laptop);

    Connection phone = hubs.replica("phone"); // new, protocol 1.1: starts from the snapshot
    await("phone caught up", () -> Db.of(phone).hubStatus().healthy() && sameRows(laptop, phone));

    int port = hubs.hub.port();
    hubs.hub.close(); // the same log, served from its history only
    hubs.reconfigure(config -> config.withSnapshots(SnapshotPolicy.OFF));
    hubs.start(port);
    Connection tablet = hubs.replica("tablet");
    await(
        "tablet caught up", () -> Db.of(tablet).hubStatus().healthy() && sameRows(laptop, tablet));

    assertThat(rows(phone, "SELECT * FROM note ORDER BY id"))
        .hasSizeGreaterThan(20)
        .isEqualTo(rows(tablet, "SELECT * FROM note ORDER BY id"));
    assertThat(Db.of(phone).clock())
        .isEqualTo(Db.of(tablet).clock())
        .isEqualTo(Db.of(laptop).clock());
  }

  @Test
  void aMemberAwayPastRetentionIsToldToStartAgainAndNothingComesBack() throws Exception {
    start(new SnapshotPolicy(3, Duration.ZERO, Duration.ofMillis(50))); // away = disconnected
    Connection laptop = hubs.replica("laptop");
    Connection phone = hubs.replica("phone");
    exec(laptop, "INSERT INTO note VALUES (1, 'to be deleted')");
    await("phone has the row", () -> sameRows(laptop, phone) && Db.of(phone).hubStatus().healthy());
    hubs.close(phone);
    try (Connection offline =
        DriverManager.getConnection("jdbc:chora:" + dir.resolve("phone.db"))) {
      exec(offline, "UPDATE note SET title = 'edited offline' WHERE id = 1");
    }

    exec(laptop, "DELETE FROM note WHERE id = 1");
    history(laptop, 10, 20);
    pushed(laptop);
    await(
        "the delete was compacted away",
        () -> hubCount("SELECT coalesce(max(last), 0) FROM compacted") > 2);

    Connection back = hubs.replica("phone");
    await("phone is refused", () -> Db.of(back).hubStatus().refused());
    HubStatus status = Db.of(back).hubStatus();
    assertThat(status.lastError()).contains("re-bootstrap").contains("new, empty database file");
    assertThat(rows(back, "SELECT title FROM note WHERE id = 1")).containsExactly("edited offline");

    Connection desk = hubs.replica("desk"); // new: starts from the snapshot
    await("desk caught up", () -> Db.of(desk).hubStatus().healthy() && sameRows(laptop, desk));
    assertThat(rows(desk, "SELECT * FROM note WHERE id = 1")).isEmpty();
    assertThat(rows(laptop, "SELECT * FROM note WHERE id = 1")).isEmpty();
    for (int look = 0; look < 150; look++) { // across its retries, never welcomed, never healthy
      HubStatus now = Db.of(back).hubStatus();
      assertThat(now.refused()).as("still refused at look %d: %s", look, now).isTrue();
      assertThat(now.healthy()).isFalse();
      Thread.sleep(10);
    }
  }

  @Test
  void anEncryptedWorkspacesSnapshotIsCiphertextOnTheHub() throws Exception {
    start(new SnapshotPolicy(3, Duration.ofDays(1), Duration.ofDays(1)));
    Path members = dir.resolve("members.txt");
    Path laptopKey = DeviceKeys.member(dir, members, "laptop");
    Path phoneKey = DeviceKeys.member(dir, members, "phone");
    String crypt = "&chora.recipients=" + members + "&chora.encrypt=";
    Connection laptop = hubs.replica("laptop", HubFixture.TOKEN, crypt + laptopKey);
    exec(laptop, "INSERT INTO note VALUES (4242, '" + SECRET + "')");
    history(laptop, 1, 8);
    pushed(laptop);
    await("laptop uploaded a snapshot", () -> hubCount("SELECT count(*) FROM snapshot") == 1);

    Connection phone = hubs.replica("phone", HubFixture.TOKEN, crypt + phoneKey);
    await("phone caught up", () -> Db.of(phone).hubStatus().healthy() && sameRows(laptop, phone));
    assertThat(rows(phone, "SELECT title FROM note WHERE id = 4242")).containsExactly(SECRET);

    String payload;
    try (Connection store = DriverManager.getConnection("jdbc:sqlite:" + hubs.store());
        Statement st = store.createStatement();
        ResultSet rs = st.executeQuery("SELECT payload FROM snapshot")) {
      rs.next();
      payload = rs.getString(1);
    }
    String opened = new String(Base64.getDecoder().decode(payload), StandardCharsets.ISO_8859_1);
    assertThat(opened).startsWith("age-encryption.org/v1").doesNotContain(SECRET, "note");

    hubs.hub.close(); // flush the store to its files
    try (Stream<Path> files = Files.list(dir.resolve("hub"))) {
      for (Path file : files.toList()) {
        String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertThat(bytes).as(file.toString()).doesNotContain(SECRET, "note", "4242", "title");
      }
    }
  }
}
