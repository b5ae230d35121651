package io.chora.it;

import static io.chora.it.HubFixture.await;
import static io.chora.it.HubFixture.sameRows;
import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.hub.LogPurge;
import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.HubStatus;
import io.chora.jdbc.QuarantinedEnvelope;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One envelope a replica cannot read or apply is held back there (docs/quarantine.md): it and what
 * depends on it wait, visible in the status, while every other origin's changes go on crossing; it
 * applies once the replica can (a repair, a restart after an upgrade).
 */
class HubQuarantineTest {
  /** base64 of "garbage": what any token holder can push, and no replica can read. */
  private static final String GARBAGE = "Z2FyYmFnZQ==";

  @TempDir Path dir;
  private HubFixture hubs;

  @BeforeEach
  void startHub() throws Exception {
    hubs = new HubFixture(dir);
  }

  @AfterEach
  void stop() throws Exception {
    hubs.close();
  }

  @Test
  void anUndecodableEnvelopeIsHeldBackAndBlocksOnlyItsOrigin() throws Exception {
    Connection a = hubs.replica("a");
    Connection b = hubs.replica("b");
    exec(a, "INSERT INTO note VALUES (1, 'before')");
    await("b has a's first row", () -> rows(b, "SELECT id FROM note").size() == 1);
    try (RawHubClient mallory =
        new RawHubClient(hubs.hub.port(), HubFixture.WORKSPACE, HubFixture.TOKEN, "mallory")) {
      mallory.push("mallory", 1, 1, "{}", GARBAGE);
      mallory.push("mallory", 2, 2, "{}", GARBAGE);
    }
    exec(a, "INSERT INTO note VALUES (2, 'after, from a')");
    exec(b, "INSERT INTO note VALUES (3, 'after, from b')");
    await("a and b exchanged their later rows", () -> sameRows(a, b) && count(a) == 3);

    for (Connection c : List.of(a, b)) {
      await("both of mallory's envelopes are held", () -> held(c).size() == 2);
      List<QuarantinedEnvelope> held = held(c);
      assertThat(held.get(0).name()).isEqualTo("mallory 1..1");
      assertThat(held.get(0).waitsFor()).isNull();
      assertThat(held.get(0).reason()).startsWith("cannot read it");
      assertThat(held.get(1).name()).isEqualTo("mallory 2..2");
      assertThat(held.get(1).waitsFor()).isEqualTo("mallory 1..1");
      HubStatus status = chora(c).hubStatus();
      assertThat(status.connected()).isTrue();
      assertThat(status.healthy()).as("a replica holding envelopes back is not healthy").isFalse();
      assertThat(chora(c).clock().get("mallory")).isZero();
    }

    // a fresh device joining gets every row, not two of three
    Connection fresh = hubs.replica("fresh");
    await("the fresh replica has every row", () -> count(fresh) == 3 && sameRows(a, fresh));
    await("it holds mallory's envelopes back too", () -> held(fresh).size() == 2);

    // kept in the file: a connection without the hub, and a restart, still see them
    hubs.close(b);
    try (Connection plain = DriverManager.getConnection("jdbc:chora:" + dir.resolve("b.db"))) {
      assertThat(chora(plain).quarantined()).hasSize(2);
    }
    Connection again = hubs.replica("b");
    await(
        "the hub's resend after the restart is tried again",
        () -> held(again).get(0).attempts() >= 2 && chora(again).hubStatus().caughtUp());
    exec(a, "INSERT INTO note VALUES (4, 'after the restart')");
    await("b still gets a's writes", () -> count(again) == 4);
  }

  @Test
  void anEnvelopeThisReplicaRefusesWaitsWithItsDependentsUntilARepairLetsItApply()
      throws Exception {
    Connection a = hubs.replica("a");
    Connection b = hubs.replica("b");
    Connection c = hubs.replica("c");
    // b alone refuses some titles (a local rule the others do not have)
    exec(
        b,
        "CREATE TRIGGER no_secrets BEFORE INSERT ON note WHEN NEW.title LIKE 'secret%'"
            + " BEGIN SELECT RAISE(ABORT, 'no secrets here'); END");
    exec(a, "INSERT INTO note VALUES (1, 'secret plan')");
    await("c has a's row", () -> count(c) == 1);
    await("b holds a's transaction back", () -> held(b).size() == 1);
    assertThat(held(b).get(0).reason()).contains("no secrets here");

    exec(a, "INSERT INTO note VALUES (2, 'a again')"); // a's next: waits for a's first
    exec(c, "UPDATE note SET title = 'secret plan, edited' WHERE id = 1"); // depends on it
    exec(c, "INSERT INTO note VALUES (3, 'c, after its edit')"); // follows c's edit: waits too
    await("a has every write", () -> count(a) == 3 && sameRows(a, c));
    // c's two transactions may travel in one envelope or two: what counts is what is held
    await("b holds a's and c's dependent transactions back", () -> heldUpTo(b, "c") == 2);
    assertThat(heldUpTo(b, "a")).isEqualTo(2);
    assertThat(held(b).get(0).name()).isEqualTo("a 1..1");
    assertThat(held(b).get(0).waitsFor()).isNull();
    assertThat(held(b).subList(1, held(b).size()))
        .allSatisfy(h -> assertThat(h.waitsFor()).isEqualTo("a 1..1"));
    assertThat(rows(b, "SELECT id FROM note")).isEmpty();

    exec(c, "DELETE FROM note WHERE id = 3"); // c's later transactions wait too: they follow
    await("b holds c's later transaction back too", () -> heldUpTo(b, "c") == 3);

    exec(b, "DROP TRIGGER no_secrets"); // the repair: b's next try applies everything held
    await("b caught up with the others", () -> sameRows(a, b, c) && held(b).isEmpty());
    assertThat(chora(b).hubStatus().healthy()).isTrue();
    assertThat(chora(b).clock()).isEqualTo(chora(a).clock());
  }

  @Test
  void anAdminPurgesWhatNoReplicaCanReadAndEveryReplicaIsHealthyAgain() throws Exception {
    Connection a = hubs.replica("a");
    Connection b = hubs.replica("b");
    try (RawHubClient mallory =
        new RawHubClient(hubs.hub.port(), HubFixture.WORKSPACE, HubFixture.TOKEN, "mallory")) {
      mallory.push("mallory", 1, 1, "{}", GARBAGE);
    }
    exec(a, "INSERT INTO note VALUES (1, 'from a')");
    await("b holds mallory's envelope back", () -> held(b).size() == 1 && count(b) == 1);

    int port = hubs.hub.port();
    hubs.hub.close();
    LogPurge.Result purged =
        LogPurge.purge(dir.resolve("hub"), HubFixture.WORKSPACE, "mallory", 1, false);
    assertThat(purged.removed()).containsExactly("mallory 1..1");
    hubs.start(port);

    for (Connection c : List.of(a, b)) {
      await(
          "the replica reconnected and no longer holds anything back",
          () -> chora(c).hubStatus().healthy());
      assertThat(chora(c).quarantined()).isEmpty();
    }
    exec(b, "INSERT INTO note VALUES (2, 'from b')");
    await("sync goes on", () -> count(a) == 2 && sameRows(a, b));
  }

  /** The last seq of {@code origin} that {@code c} holds back, 0 when none. */
  private static long heldUpTo(Connection c, String origin) throws SQLException {
    return held(c).stream()
        .filter(h -> h.origin().equals(origin))
        .mapToLong(QuarantinedEnvelope::last)
        .max()
        .orElse(0);
  }

  private static List<QuarantinedEnvelope> held(Connection c) throws SQLException {
    return chora(c).hubStatus().quarantined();
  }

  private static ChoraConnection chora(Connection c) throws SQLException {
    return c.unwrap(ChoraConnection.class);
  }

  private static int count(Connection c) throws SQLException {
    return rows(c, "SELECT id FROM note").size();
  }
}
