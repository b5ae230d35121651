package io.chora.jdbc.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import io.chora.sync.VectorClock;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random histories on three replicas ({@link RandomHistory}), sent both ways: with each
 * transaction's rows read set-based ({@link SentRows}) and row by row, the reference. The wire
 * bytes must be alike, to an empty peer and to each other replica. Replay: {@code
 * -Dchora.sentRows.seed=<seed>}; more: {@code -Dchora.sentRows.tries=<n>} (default 25).
 */
class SentRowsTest {
  @TempDir Path dir;

  @Test
  void sendingSetBasedWritesWhatSendingRowByRowWrites() throws Exception {
    String one = System.getProperty("chora.sentRows.seed");
    long first = one != null ? Long.parseLong(one) : 1;
    int tries = one != null ? 1 : Integer.getInteger("chora.sentRows.tries", 25);
    for (long seed = first; seed < first + tries; seed++) {
      System.out.println("SentRowsTest seed " + seed);
      Path at = Files.createDirectory(dir.resolve("seed" + seed));
      try {
        RandomHistory.run(new Random(seed), at, SentRowsTest::compare);
      } catch (AssertionError | Exception e) {
        throw new AssertionError(
            "seed " + seed + " (replay: -Dchora.sentRows.seed=" + seed + ")", e);
      }
    }
  }

  /** Each replica's set for an empty peer and for each other replica, sent both ways. */
  private static void compare(List<Connection> replicas) throws Exception {
    for (Connection c : replicas) {
      List<VectorClock> peers = new ArrayList<>();
      peers.add(new VectorClock());
      for (Connection other : replicas) {
        if (other != c) {
          peers.add(Db.of(other).clock());
        }
      }
      for (VectorClock peer : peers) {
        String rowByRow = sent(c, peer, false);
        String setBased = sent(c, peer, true);
        assertThat(setBased).as(Db.of(c).siteId() + " to " + peer).isEqualTo(rowByRow);
      }
    }
  }

  private static String sent(Connection c, VectorClock peer, boolean setBased) throws Exception {
    LogConnection log = (LogConnection) c.unwrap(ChoraConnection.class);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    log.writeChanges(peer, out, setBased);
    return out.toString(StandardCharsets.UTF_8);
  }
}
