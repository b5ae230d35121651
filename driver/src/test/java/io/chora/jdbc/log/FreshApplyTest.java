package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.shared.WallClock;
import io.chora.jdbc.testing.Db;
import io.chora.sync.ChangeSet;
import io.chora.sync.VectorClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random histories on three replicas ({@link RandomHistory}); now and then each replica's
 * sets go into fresh receivers twice, once with the apply's shortcuts for tables that hold no row
 * state yet ({@link FreshTables}) and once without, the reference: every table of the two files,
 * user tables, merge state, log, ledger, clock and meta (but the file's inode), must be alike byte
 * for byte. A receiver first takes one replica's whole set (its tables fresh), then another's (some
 * rows known, some not); half the receivers lack the column and the table only r0 has. Replay:
 * {@code -Dchora.freshApply.seed=<seed>}; more: {@code -Dchora.freshApply.tries=<n>} (default 20).
 */
class FreshApplyTest {
  @TempDir Path dir;

  private Random rnd;
  private Path at;
  private int receivers;

  @AfterEach
  void realClock() {
    WallClock.reset();
  }

  @Test
  void applyingWithShortcutsLeavesWhatTheRulesLeave() throws Exception {
    String one = System.getProperty("chora.freshApply.seed");
    long first = one != null ? Long.parseLong(one) : 1;
    int tries = one != null ? 1 : Integer.getInteger("chora.freshApply.tries", 20);
    for (long seed = first; seed < first + tries; seed++) {
      System.out.println("FreshApplyTest seed " + seed);
      at = Files.createDirectory(dir.resolve("seed" + seed));
      rnd = new Random(seed);
      receivers = 0;
      try {
        RandomHistory.run(rnd, at, this::compare);
      } catch (AssertionError | Exception e) {
        throw new AssertionError(
            "seed " + seed + " (replay: -Dchora.freshApply.seed=" + seed + ")", e);
      } finally {
        WallClock.reset();
      }
    }
  }

  private void compare(List<Connection> replicas) throws Exception {
    int a = rnd.nextInt(3);
    int b = (a + 1 + rnd.nextInt(2)) % 3;
    List<ChangeSet> sets = new ArrayList<>();
    sets.add(Db.of(replicas.get(a)).changesSince(new VectorClock()));
    sets.add(Db.of(replicas.get(b)).changesSince(new VectorClock()));
    boolean ahead = rnd.nextBoolean();
    long now = System.currentTimeMillis();
    List<List<String>> files = new ArrayList<>();
    for (boolean shortcuts : new boolean[] {true, false}) {
      Path home = Files.createDirectory(at.resolve("recv" + receivers++));
      WallClock.use(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC));
      try (Connection c = Db.chora(home, "x.db", "chora.site=x&chora.counters=memo.n")) {
        exec(
            c,
            "CREATE TABLE memo(id INTEGER PRIMARY KEY, owner TEXT, body TEXT, n INTEGER NOT NULL"
                + " DEFAULT 0, qty REAL)",
            "CREATE TABLE u(k TEXT PRIMARY KEY, v)");
        if (ahead) {
          exec(
              c,
              "ALTER TABLE memo ADD COLUMN extra TEXT",
              "CREATE TABLE only0(id INTEGER PRIMARY KEY, x)");
        }
        LogConnection log = (LogConnection) c.unwrap(ChoraConnection.class);
        for (ChangeSet set : sets) {
          log.applySet(set, true, shortcuts);
        }
      } finally {
        WallClock.reset();
      }
      files.add(everyTable(home));
    }
    assertThat(files.get(0)).as("with shortcuts vs without").isEqualTo(files.get(1));
  }

  /** Every row of every table of the file, as storage classes and values. */
  private static List<String> everyTable(Path home) throws Exception {
    List<String> all = new ArrayList<>();
    try (Connection c = Db.sqlite(home, "x.db")) {
      for (String table :
          Db.rows(c, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
        all.add("table " + table);
        for (String row : Db.typedRows(c, table)) {
          if (!(table.equals("chora_meta") && row.startsWith("text:file|"))) {
            all.add(row); // but the file's identity (device and inode): SiteIdentity's
          }
        }
      }
    }
    return all;
  }
}
