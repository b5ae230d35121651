package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import io.chora.sync.ChangeSet;
import io.chora.sync.Conflict;
import io.chora.sync.VectorClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random histories of rows created, updated and deleted under a few rowid keys on 2 to 4
 * replicas: the SAME_KEY rule gives every replica the same rows and the same open ledger entries
 * whatever order changes arrive in, and never a blend (a row's body is written by updates of that
 * same row, so it begins with the row's owner). Each try first gives the replicas' offline sets to
 * two observers in two random orders, which must end alike, then syncs pairs at random with writes
 * between (relays), then all. Replay: {@code -Dchora.sameKey.seed=<seed>}; more: {@code
 * -Dchora.sameKey.tries=<n>} (default 40; 1,500 passed once, seeds 155 and 201 failed before
 * deletes named the life they ended, see {@code SameKeyRowsTest}).
 */
class SameKeyRandomTest {
  @TempDir Path dir;

  @Test
  void everyReplicaKeepsTheSameRecordsWhateverTheOrder() throws Exception {
    String one = System.getProperty("chora.sameKey.seed");
    long first = one != null ? Long.parseLong(one) : 1;
    int tries = one != null ? 1 : Integer.getInteger("chora.sameKey.tries", 40);
    for (long seed = first; seed < first + tries; seed++) {
      System.out.println("SameKeyRandomTest seed " + seed);
      Path at = Files.createDirectory(dir.resolve("seed" + seed));
      try {
        run(new Random(seed), at);
      } catch (AssertionError | Exception e) {
        throw new AssertionError(
            "seed " + seed + " (replay: -Dchora.sameKey.seed=" + seed + ")", e);
      }
    }
  }

  private int owners;

  private void run(Random rnd, Path at) throws Exception {
    owners = 0; // a replay names rows as the try did
    int n = 2 + rnd.nextInt(3);
    List<Connection> replicas = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        replicas.add(open(at, "r" + i));
      }
      // offline: every replica creates, edits and deletes rows under keys 1 to 3
      for (int step = 0; step < 4 * n; step++) {
        write(rnd, replicas.get(rnd.nextInt(n)), rnd.nextInt(n));
      }
      List<ChangeSet> sets = new ArrayList<>();
      for (Connection r : replicas) {
        sets.add(chora(r).changesSince(new VectorClock()));
      }
      // two observers take the same sets in two orders: the same rows and entries
      List<List<String>> seen = new ArrayList<>();
      for (int o = 0; o < 2; o++) {
        List<ChangeSet> order = new ArrayList<>(sets);
        Collections.shuffle(order, rnd);
        try (Connection observer = open(at, "obs" + o)) {
          for (ChangeSet set : order) {
            chora(observer).apply(set);
          }
          seen.add(state(observer));
        }
      }
      assertThat(seen.get(1)).as("observer 1 vs observer 0").isEqualTo(seen.get(0));
      // then partial syncs (relays) with more writes between them, then everyone syncs
      for (int step = 0; step < 3 * n; step++) {
        int a = rnd.nextInt(n);
        int b = (a + 1 + rnd.nextInt(n - 1)) % n;
        chora(replicas.get(a)).syncWith(chora(replicas.get(b)));
        if (TRACE) {
          System.out.println("  sync r" + a + " r" + b);
          for (Connection r : replicas) {
            System.out.println(
                "    "
                    + chora(r).siteId()
                    + " "
                    + rows(r, "SELECT * FROM memo")
                    + " "
                    + rows(
                        r,
                        "SELECT pk, lost_site, lost_seq, status, cl FROM chora_conflicts WHERE kind"
                            + " = 'SAME_KEY'")
                    + " rows "
                    + rows(r, "SELECT pk, cl, site, seq, life_site, life_seq FROM chora_rows"));
          }
        }
        write(rnd, replicas.get(rnd.nextInt(n)), rnd.nextInt(n));
      }
      for (int round = 0; round < 2; round++) {
        for (int i = 1; i < n; i++) {
          chora(replicas.get(0)).syncWith(chora(replicas.get(i)));
        }
      }
      List<String> expected = state(replicas.get(0));
      for (int i = 1; i < n; i++) {
        assertThat(state(replicas.get(i))).as("r" + i + " vs r0").isEqualTo(expected);
      }
    } finally {
      for (Connection r : replicas) {
        r.close();
      }
    }
  }

  private static Connection open(Path at, String site) throws SQLException {
    Connection c = Db.chora(at, site + ".db", "chora.site=" + site);
    exec(c, "CREATE TABLE IF NOT EXISTS memo(id INTEGER PRIMARY KEY, owner TEXT, body TEXT)");
    return c;
  }

  private static final boolean TRACE = Boolean.getBoolean("chora.sameKey.trace");

  private void write(Random rnd, Connection c, int replica) throws SQLException {
    long key = 1 + rnd.nextInt(3);
    if (TRACE) {
      System.out.println("  on " + chora(c).siteId() + " (key " + key + ")");
    }
    switch (rnd.nextInt(4)) {
      case 0, 1 -> {
        String owner = "r" + replica + "." + owners++;
        exec(c, "INSERT OR IGNORE INTO memo(id, owner) VALUES (" + key + ", '" + owner + "')");
      }
      case 2 ->
          exec(c, "UPDATE memo SET body = owner || ':" + rnd.nextInt(9) + "' WHERE id = " + key);
      default -> exec(c, "DELETE FROM memo WHERE id = " + key);
    }
    if (TRACE) {
      System.out.println("    -> " + rows(c, "SELECT * FROM memo WHERE id = " + key));
    }
  }

  private static ChoraConnection chora(Connection c) throws SQLException {
    return Db.of(c);
  }

  /** Rows and open SAME_KEY entries, each checked to be one record. */
  private static List<String> state(Connection c) throws SQLException {
    List<String> state = new ArrayList<>();
    for (String row : rows(c, "SELECT id, owner, body FROM memo ORDER BY id")) {
      String[] cells = row.split("\\|", -1);
      assertThat(cells[2].equals("null") || cells[2].startsWith(cells[1] + ":"))
          .as("row " + row + " is one record")
          .isTrue();
      state.add(row);
    }
    for (Conflict k : chora(c).conflicts()) {
      if (k.kind() == Conflict.Kind.CELL) { // two replicas edited the kept row concurrently
        state.add(k.key() + "." + k.column() + " kept " + k.keptDot() + " lost " + k.lostDot());
        continue;
      }
      assertThat(k.kind()).isEqualTo(Conflict.Kind.SAME_KEY);
      Map<String, Object> lost = k.lostRow();
      Object body = lost.get("body");
      assertThat(body == null || String.valueOf(body).startsWith(lost.get("owner") + ":"))
          .as("lost row " + lost + " is one record")
          .isTrue();
      state.add(k.key() + " kept " + k.keptDot() + " lost " + k.lostDot() + " " + lost);
    }
    Collections.sort(state.subList(rows(c, "SELECT id FROM memo").size(), state.size()));
    return state;
  }
}
