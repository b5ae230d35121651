package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import io.chora.sync.ChangeSet;
import io.chora.sync.VectorClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compact()} removes superseded state, and what it removes no peer could be sent: for every
 * clock the replica ever had (and the empty one), {@code changesSince} gives the same transactions
 * before and after, and a fresh replica bootstrapped from the compacted log holds the same rows.
 */
class CompactionTest {
  @TempDir Path dir;

  private static final String[] SCHEMA = {
    "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER)",
    "CREATE TABLE tag(name TEXT PRIMARY KEY, note TEXT, weight INTEGER)"
  };

  /** Tries of random histories; {@code -Dchora.compaction.seed=N} replays one printed seed. */
  @Test
  void compactionChangesNoAnswerForAnyClock() throws Exception {
    Long replay = Long.getLong("chora.compaction.seed");
    long first = replay != null ? replay : System.nanoTime();
    long removed = 0;
    for (int i = 0; i < (replay != null ? 1 : 6); i++) {
      long seed = first + i;
      System.out.println("CompactionTest seed " + seed + " (-Dchora.compaction.seed=" + seed + ")");
      removed += oneTry(Files.createDirectories(dir.resolve("try" + i)), seed);
    }
    assertThat(removed).as("rows compaction removed over the tries").isPositive();
  }

  /**
   * A file an older chora set up has no index of live conflicts: it is still set up (a read-only
   * open keeps capture's reads), and a writing open or {@code compact()} makes the index.
   */
  @Test
  void aFileWithoutTheLiveConflictIndexStaysSetUpAndGetsIt() throws Exception {
    try (Connection a = Db.chora(dir, "old.db", "chora.site=hostA")) {
      exec(a, SCHEMA);
      exec(a, "INSERT INTO item(id, name, qty) VALUES (1, 'one', 1)");
    }
    try (Connection plain = Db.sqlite(dir, "old.db")) {
      exec(plain, "DROP INDEX " + OpenConflicts.INDEX);
    }
    String index = "SELECT count(*) FROM sqlite_schema WHERE name = '" + OpenConflicts.INDEX + "'";
    try (Connection ro = Db.chora(dir, "old.db", "open_mode=1")) {
      assertThat(Db.of(ro).clock().get("hostA")).isEqualTo(1);
      assertThat(Db.of(ro).conflicts()).isEmpty(); // capture is on: the ledger reads
    }
    try (Connection a = Db.chora(dir, "old.db")) {
      Db.of(a).compact(); // the writing open may already have made it (the schema changed)
      assertThat(Db.scalar(a, index)).isEqualTo(1);
    }
    try (Connection ro = Db.chora(dir, "old.db", "open_mode=1")) {
      assertThat(Db.of(ro).conflicts()).isEmpty();
    }
  }

  private static long oneTry(Path dir, long seed) throws Exception {
    Random random = new Random(seed);
    List<VectorClock> clocks = new ArrayList<>(List.of(new VectorClock()));
    try (Connection a = Db.chora(dir, "a.db", "chora.site=hostA");
        Connection b = Db.chora(dir, "b.db", "chora.site=hostB")) {
      exec(a, SCHEMA);
      exec(b, SCHEMA);
      for (int round = 0; round < 8; round++) {
        write(a, random);
        write(b, random);
        clocks.add(Db.of(a).clock());
        clocks.add(Db.of(b).clock());
        if (random.nextInt(3) > 0) {
          Db.of(a).syncWith(Db.of(b)); // concurrent writes meet: ledger entries, superseded ones
          clocks.add(Db.of(a).clock());
        }
      }
      ChoraConnection source = Db.of(a);
      List<ChangeSet> before = new ArrayList<>();
      for (VectorClock clock : clocks) {
        before.add(source.changesSince(clock));
      }
      long logBefore = Db.scalar(a, "SELECT count(*) FROM chora_log");
      long ledgerBefore = Db.scalar(a, "SELECT count(*) FROM chora_conflicts");
      long removed = source.compact();
      assertThat(
              Db.scalar(a, "SELECT count(*) FROM chora_log")
                  + Db.scalar(a, "SELECT count(*) FROM chora_conflicts"))
          .as("seed %d", seed)
          .isEqualTo(logBefore + ledgerBefore - removed);
      for (int i = 0; i < clocks.size(); i++) {
        ChangeSet after = source.changesSince(clocks.get(i));
        assertThat(after.transactions())
            .as("seed %d, changes since %s", seed, clocks.get(i))
            .isEqualTo(before.get(i).transactions());
        assertThat(after.clock()).isEqualTo(before.get(i).clock());
      }
      assertThat(source.compact()).as("seed %d: nothing left to remove", seed).isZero();
      try (Connection fresh = Db.chora(dir, "fresh.db", "chora.site=hostF")) {
        exec(fresh, SCHEMA);
        Db.of(fresh).syncWith(source);
        for (String table : List.of("item", "tag")) {
          assertThat(Db.typedRows(fresh, table))
              .as("seed %d, %s", seed, table)
              .isEqualTo(Db.typedRows(a, table));
        }
        assertThat(Db.of(fresh).conflicts()).hasSameSizeAs(source.conflicts());
      }
      return removed;
    }
  }

  /** Updates of random cells, deletes and re-inserts of a few keys, in one transaction or more. */
  private static void write(Connection conn, Random random) throws SQLException {
    for (int i = 0; i < 10; i++) {
      int id = 1 + random.nextInt(6);
      String tag = "t" + random.nextInt(5);
      switch (random.nextInt(6)) {
        case 0 -> run(conn, "INSERT OR IGNORE INTO item(id, name, qty) VALUES (?, 'new', 0)", id);
        case 1 -> run(conn, "DELETE FROM item WHERE id = ?", id);
        case 2 ->
            run(conn, "INSERT OR IGNORE INTO tag(name, note, weight) VALUES (?, 'n', 1)", tag);
        case 3 -> run(conn, "DELETE FROM tag WHERE name = ?", tag);
        case 4 ->
            run(
                conn,
                "UPDATE item SET " + (random.nextBoolean() ? "name" : "qty") + " = ? WHERE id = ?",
                random.nextInt(100),
                id);
        default ->
            run(
                conn,
                "UPDATE tag SET "
                    + (random.nextBoolean() ? "note" : "weight")
                    + " = ? WHERE name = ?",
                random.nextInt(100),
                tag);
      }
    }
  }

  private static void run(Connection conn, String sql, Object... values) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        ps.setObject(i + 1, values[i]);
      }
      ps.executeUpdate();
    }
  }
}
