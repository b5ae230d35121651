package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import io.chora.sync.VectorClock;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random histories on three replicas, sent both ways: with each transaction's rows read
 * set-based ({@link SentRows}) and row by row, the reference. The wire bytes must be alike, to an
 * empty peer and to each other replica, for histories with deletes, re-inserts, REPLACE, rows
 * created concurrently under one rowid key (lives that give way), counters, tables and columns a
 * replica lacks (kept aside and sent on), a renamed column, keys of a non-rowid table (left to the
 * look-ups) and generated keys. Replay: {@code -Dchora.sentRows.seed=<seed>}; more: {@code
 * -Dchora.sentRows.tries=<n>} (default 25).
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
        run(new Random(seed), at);
      } catch (AssertionError | Exception e) {
        throw new AssertionError(
            "seed " + seed + " (replay: -Dchora.sentRows.seed=" + seed + ")", e);
      }
    }
  }

  private void run(Random rnd, Path at) throws Exception {
    List<Connection> replicas = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Connection c = Db.chora(at, "r" + i + ".db", "chora.site=r" + i + "&chora.counters=memo.n");
        exec(
            c,
            "CREATE TABLE memo(id INTEGER PRIMARY KEY, owner TEXT, body TEXT, n INTEGER NOT NULL"
                + " DEFAULT 0, qty REAL)",
            "CREATE TABLE u(k TEXT PRIMARY KEY, v)");
        replicas.add(c);
      }
      // r0 is ahead: a column and a table the others lack until later, which they keep aside
      exec(
          replicas.get(0),
          "ALTER TABLE memo ADD COLUMN extra TEXT",
          "CREATE TABLE only0(id INTEGER PRIMARY KEY, x)");
      int steps = 20 + rnd.nextInt(40);
      for (int step = 0; step < steps; step++) {
        int r = rnd.nextInt(3);
        Connection c = replicas.get(r);
        if (step == steps / 2) {
          exec(replicas.get(1), "ALTER TABLE memo RENAME COLUMN body TO text");
        } else if (rnd.nextInt(6) == 0) {
          int other = (r + 1 + rnd.nextInt(2)) % 3;
          Db.of(c).syncWith(Db.of(replicas.get(other)));
        } else {
          boolean tx = rnd.nextInt(3) == 0;
          if (tx) {
            c.setAutoCommit(false);
          }
          for (int w = tx ? 2 + rnd.nextInt(4) : 1; w > 0; w--) {
            write(rnd, c, r);
          }
          if (tx) {
            c.commit();
            c.setAutoCommit(true);
          }
        }
        if (rnd.nextInt(8) == 0) {
          compare(replicas);
        }
      }
      compare(replicas);
    } finally {
      for (Connection r : replicas) {
        r.close();
      }
    }
  }

  private void write(Random rnd, Connection c, int r) throws SQLException {
    long key = 1 + rnd.nextInt(6); // few keys: replicas create rows under one key concurrently
    String body = body(c);
    switch (rnd.nextInt(10)) {
      case 0, 1 ->
          exec(
              c,
              "INSERT OR IGNORE INTO memo(id, owner, "
                  + body
                  + ", qty) VALUES ("
                  + key
                  + ", 'r"
                  + r
                  + "', 'b"
                  + rnd.nextInt(99)
                  + "', "
                  + rnd.nextInt(9) * 0.5
                  + ")");
      case 2 -> exec(c, "INSERT INTO memo(owner) VALUES ('gen" + r + "')"); // a generated key
      case 3 ->
          exec(c, "UPDATE memo SET " + body + " = 'u" + rnd.nextInt(99) + "' WHERE id = " + key);
      case 4 -> exec(c, "UPDATE memo SET n = n + " + (1 + rnd.nextInt(3)) + " WHERE id = " + key);
      case 5 -> exec(c, "DELETE FROM memo WHERE id = " + key);
      case 6 ->
          exec(c, "INSERT OR REPLACE INTO memo(id, owner) VALUES (" + key + ", 'rep" + r + "')");
      case 7 ->
          exec(c, "INSERT OR REPLACE INTO u(k, v) VALUES ('k" + key + "', " + rnd.nextInt(9) + ")");
      case 8 -> exec(c, "DELETE FROM u WHERE k = 'k" + key + "'");
      default -> {
        if (r == 0) {
          exec(
              c,
              "INSERT OR REPLACE INTO only0(id, x) VALUES (" + key + ", " + rnd.nextInt(9) + ")",
              "UPDATE memo SET extra = 'e" + rnd.nextInt(9) + "' WHERE id = " + key);
        } else {
          exec(c, "UPDATE memo SET n = 7, qty = NULL WHERE id = " + key); // a counter's reset
        }
      }
    }
  }

  /** The text column's name on this replica (r1 renames it half-way). */
  private static String body(Connection c) throws SQLException {
    return Db.rows(c, "SELECT name FROM pragma_table_info('memo') WHERE name = 'text'").isEmpty()
        ? "body"
        : "text";
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
