package io.chora.jdbc.shared;

import static io.chora.jdbc.testing.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import io.chora.sync.ChangeSet;
import io.chora.sync.SyncEvent;
import io.chora.sync.VectorClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a replica remembers of its peers: their clocks and the recent exchanges. */
class SyncHistoryTest {
  @TempDir Path dir;

  private Connection replica(String site) throws SQLException {
    Connection conn = Db.chora(dir, site + ".db", "chora.site=" + site);
    exec(conn, "CREATE TABLE IF NOT EXISTS note(id INTEGER PRIMARY KEY, title TEXT)");
    return conn;
  }

  @Test
  void aSyncIsRecordedOnBothSidesWithThePeersClock() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      exec(a, "INSERT INTO note VALUES (1, 'x')", "INSERT INTO note VALUES (2, 'y')");
      exec(b, "INSERT INTO note VALUES (3, 'z')");
      Db.of(a).syncWith(Db.of(b));

      VectorClock both = VectorClock.parse("{a=2, b=1}");
      assertThat(Db.of(a).peerClocks()).containsExactlyEntriesOf(java.util.Map.of("b", both));
      assertThat(Db.of(b).peerClocks()).containsExactlyEntriesOf(java.util.Map.of("a", both));
      SyncEvent onA = Db.of(a).syncHistory(10).get(0);
      SyncEvent onB = Db.of(b).syncHistory(10).get(0);
      assertThat(List.of(onA.peer(), onA.changesSent(), onA.changesReceived()))
          .containsExactly("b", 2, 1);
      assertThat(List.of(onB.peer(), onB.changesSent(), onB.changesReceived()))
          .containsExactly("a", 1, 2);
      assertThat(Db.of(a).syncHistory(10)).hasSize(1);
    }
  }

  @Test
  void appliedSetsTeachThePeersClockAndAnOldSetNeverMovesItBack() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      ChoraConnection rb = Db.of(b);
      exec(a, "INSERT INTO note VALUES (1, 'x')");
      ChangeSet first = Db.of(a).changesSince(new VectorClock());
      exec(a, "INSERT INTO note VALUES (2, 'y')");
      ByteArrayOutputStream wire = new ByteArrayOutputStream();
      Db.of(a).changesSince(new VectorClock(), wire);

      rb.apply(new ByteArrayInputStream(wire.toByteArray())); // streamed
      rb.apply(first); // delivered late
      assertThat(rb.peerClocks().get("a")).isEqualTo(VectorClock.parse("{a=2}"));
      List<SyncEvent> history = rb.syncHistory(10);
      assertThat(history).extracting(SyncEvent::changesReceived).containsExactly(1, 2);
      assertThat(history).extracting(SyncEvent::peer).containsOnly("a");
      assertThat(rb.syncHistory(1)).hasSize(1);
      assertThatThrownBy(() -> rb.syncHistory(-1)).isInstanceOf(SQLException.class);
    }
  }
}
