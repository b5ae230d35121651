package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.shared.WallClock;
import io.chora.jdbc.testing.Db;
import io.chora.sync.Conflict;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger tells the truth: an open cell conflict keeps what the table holds, loses only a write
 * nobody overwrote knowingly, and every replica holding the same writes holds the same conflicts,
 * whatever order they arrived in.
 */
class LedgerTruthTest {
  @TempDir Path dir;
  private long now = 1_767_225_600_000L;

  @AfterEach
  void realTime() {
    WallClock.reset();
  }

  /** Each write a millisecond after the last, so HLCs order the writes as the test makes them. */
  private void write(Connection c, String sql) throws SQLException {
    WallClock.use(Clock.fixed(Instant.ofEpochMilli(now++), ZoneOffset.UTC));
    exec(c, sql);
  }

  private Connection replica(String site) throws SQLException {
    Connection c = Db.chora(dir, site + ".db", "chora.site=" + site);
    // a key that names the entity (not the rowid, where rows created concurrently under one key
    // are two records: SameKeyRowsTest), so that concurrent inserts merge cell by cell
    exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, x TEXT) WITHOUT ROWID");
    return c;
  }

  private static ChoraConnection chora(Connection c) throws SQLException {
    return Db.of(c);
  }

  /** Open conflicts as "kept (dot) / lost (dot)". */
  private static List<String> open(Connection c) throws SQLException {
    return chora(c).conflicts().stream()
        .filter(k -> k.status() == Conflict.Status.OPEN)
        .map(k -> k.kept() + " (" + k.keptDot() + ") / " + k.lost() + " (" + k.lostDot() + ")")
        .sorted()
        .toList();
  }

  @Test
  void anInsertLaterUpdatedBeforeTheSyncIsNotALossAndBothSidesAgree() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      write(a, "INSERT INTO t VALUES (1, 'a-first')");
      write(b, "INSERT INTO t VALUES (1, 'b-middle')");
      write(a, "UPDATE t SET x = 'a-last' WHERE id = 1");
      chora(a).syncWith(chora(b));
      assertThat(rows(b, "SELECT x FROM t")).containsExactly("a-last");
      assertThat(open(b)).containsExactly("a-last (a:2) / b-middle (b:1)");
      assertThat(open(a)).isEqualTo(open(b));
    }
  }

  @Test
  void threeConcurrentWritesGiveEveryReplicaTheSameTwoConflictsWhateverTheOrder() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b");
        Connection c = replica("c")) {
      write(a, "INSERT INTO t VALUES (1, 'from a')");
      write(b, "INSERT INTO t VALUES (1, 'from b')");
      write(c, "INSERT INTO t VALUES (1, 'from c')");
      chora(a).syncWith(chora(b)); // a and b first: b wins there, then c arrives
      chora(b).syncWith(chora(c));
      chora(a).syncWith(chora(c));
      for (Connection r : List.of(a, b, c)) {
        assertThat(rows(r, "SELECT x FROM t")).containsExactly("from c");
      }
      // a and b hold all three writes; b's kept side moved to c's write when it arrived
      assertThat(open(a))
          .containsExactly("from c (c:1) / from a (a:1)", "from c (c:1) / from b (b:1)")
          .isEqualTo(open(b));
      // c got a's write only relayed by b, after it had lost there: b tells it by the value a
      // wrote (kept in b's ledger), not the cell's winner, so c lists the same
      assertThat(open(c)).isEqualTo(open(a));
    }
  }

  @Test
  void aLocalWriteOrADeleteAfterAConflictMakesItMootEverywhere() throws Exception {
    try (Connection a = replica("a");
        Connection b = replica("b")) {
      write(a, "INSERT INTO t VALUES (1, 'from a'), (2, 'two from a')");
      write(b, "INSERT INTO t VALUES (1, 'from b'), (2, 'two from b')");
      chora(a).syncWith(chora(b));
      assertThat(open(a)).hasSize(2).isEqualTo(open(b));

      write(a, "UPDATE t SET x = 'decided on a' WHERE id = 1"); // seen both, chose
      write(b, "DELETE FROM t WHERE id = 2");
      chora(a).syncWith(chora(b));
      assertThat(open(a)).isEmpty();
      assertThat(open(b)).isEmpty();
      assertThat(rows(a, "SELECT DISTINCT status FROM chora_conflicts"))
          .as("kept, as superseded")
          .containsExactly("SUPERSEDED");
      assertThat(rows(a, "SELECT * FROM t")).containsExactly("1|decided on a");
    }
  }
}
