package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.typedRows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.testing.Db;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random local histories, folded twice from two copies of one file: once allowing {@link
 * BulkFold}, once row by row. The merge state, the log and chora_meta must come out byte for byte
 * alike, whether the history was one the bulk fold takes (inserts only, of keys of every storage
 * class, in several transactions, with writes to an untracked table) or one it must leave to the
 * rules (an update, a delete, a REPLACE of a row, a second insert of a key). Replay: {@code
 * -Dchora.bulkFold.seed=<seed>}; more: {@code -Dchora.bulkFold.tries=<n>} (default 60).
 */
class BulkFoldTest {
  @TempDir Path dir;

  @Test
  void foldingInBulkLeavesWhatFoldingRowByRowLeaves() throws Exception {
    String one = System.getProperty("chora.bulkFold.seed");
    long first = one != null ? Long.parseLong(one) : 1;
    int tries = one != null ? 1 : Integer.getInteger("chora.bulkFold.tries", 60);
    int bulk = 0;
    int rules = 0;
    for (long seed = first; seed < first + tries; seed++) {
      System.out.println("BulkFoldTest seed " + seed);
      Path at = Files.createDirectory(dir.resolve("seed" + seed));
      try {
        if (run(new Random(seed), at)) {
          bulk++;
        } else {
          rules++;
        }
      } catch (AssertionError | Exception e) {
        throw new AssertionError(
            "seed " + seed + " (replay: -Dchora.bulkFold.seed=" + seed + ")", e);
      }
    }
    if (one == null) {
      assertThat(bulk).as("histories folded in bulk").isPositive();
      assertThat(rules).as("histories left to the rules").isPositive();
    }
  }

  /** Returns whether the bulk fold took the history. */
  private boolean run(Random rnd, Path at) throws Exception {
    next = 0; // a replay names rows as the try did
    boolean plain = rnd.nextInt(3) > 0; // else one step that only the rules may fold
    try (Connection c = Db.chora(at, "a.db", "chora.site=a")) {
      exec(
          c,
          "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, qty REAL)",
          "CREATE TABLE u(k TEXT PRIMARY KEY, v)",
          "CREATE TABLE b(k BLOB PRIMARY KEY, v)",
          "CREATE TABLE untracked(x)");
      int transactions = 1 + rnd.nextInt(5);
      int special = plain ? -1 : rnd.nextInt(transactions);
      for (int tx = 0; tx < transactions; tx++) {
        c.setAutoCommit(false);
        int rows = 1 + rnd.nextInt(20);
        for (int r = 0; r < rows; r++) {
          insert(c, rnd);
        }
        if (tx == special) {
          exec(c, spoiler(rnd));
        }
        c.commit();
        c.setAutoCommit(true);
      }
      if (rnd.nextBoolean()) {
        exec(c, "INSERT INTO untracked VALUES (1)");
      }
    }
    Files.copy(at.resolve("a.db"), at.resolve("b.db"));
    boolean took = fold(at.resolve("a.db"), true);
    assertThat(fold(at.resolve("b.db"), false)).isFalse();
    assertThat(state(at.resolve("a.db"))).isEqualTo(state(at.resolve("b.db")));
    if (plain) {
      assertThat(took).as("a history of inserts only folds in bulk").isTrue();
    }
    return took;
  }

  private int next;

  private void insert(Connection c, Random rnd) throws Exception {
    int id = ++next;
    String sql =
        switch (rnd.nextInt(3)) {
          case 0 -> "INSERT INTO t(id, name, qty) VALUES (?, ?, ?)";
          case 1 -> "INSERT INTO u(k, v) VALUES ('k' || ?, ?)";
          default -> "INSERT INTO b(k, v) VALUES (?, ?)";
        };
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (sql.startsWith("INSERT INTO b")) {
        byte[] key = new byte[5];
        rnd.nextBytes(key);
        key[4] = (byte) id; // distinct keys
        ps.setBytes(1, key);
      } else {
        ps.setInt(1, id);
      }
      ps.setObject(2, rnd.nextBoolean() ? "n" + id : null);
      if (sql.startsWith("INSERT INTO t")) {
        ps.setDouble(3, id * 0.5);
      }
      ps.executeUpdate();
    }
  }

  /** A write that the bulk fold must leave to the rules. */
  private String spoiler(Random rnd) {
    return switch (rnd.nextInt(4)) {
      case 0 -> "UPDATE t SET name = 'x' WHERE id = (SELECT max(id) FROM t)";
      case 1 -> "DELETE FROM u WHERE k = (SELECT min(k) FROM u)";
      case 2 -> "INSERT OR REPLACE INTO t(id, name, qty) VALUES (1, 'again', 0)";
      default -> "INSERT INTO t(id, name, qty) VALUES (" + (++next) + ", 'late', 1)";
    };
  }

  /** Folds the file's unfolded log in a write transaction; returns whether it did so in bulk. */
  private static boolean fold(Path file, boolean bulk) throws Exception {
    try (Connection conn = Db.sqlite(file.getParent(), file.getFileName().toString())) {
      conn.setAutoCommit(false);
      Map<Long, TableInfo> tables = TriggerSync.tracked(conn);
      boolean took;
      try (RowReader rows = new RowReader(conn);
          MergeState state = new MergeState(conn)) {
        took = state.fold(tables, rows::exists, bulk);
      }
      conn.commit();
      return took;
    }
  }

  private static List<String> state(Path file) throws Exception {
    List<String> all = new ArrayList<>();
    try (Connection conn = Db.sqlite(file.getParent(), file.getFileName().toString())) {
      for (String table :
          List.of("chora_rows", "chora_cells", "chora_log", "chora_meta", "chora_conflicts")) {
        all.add(table);
        all.addAll(typedRows(conn, table));
      }
    }
    return all;
  }
}
