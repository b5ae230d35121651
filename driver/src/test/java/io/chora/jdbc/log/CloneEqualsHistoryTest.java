package io.chora.jdbc.log;

import static io.chora.jdbc.testing.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica made by {@code cloneTo} (a snapshot of the source's state) holds exactly what one made
 * by replaying the source's history holds: the same rows, cell by cell with their storage classes,
 * and the same clock; and the two have nothing to send each other.
 */
class CloneEqualsHistoryTest {
  @TempDir Path dir;

  private static final List<String> TABLES = List.of("item", "tag");
  private static final String[] SCHEMA = {
    "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER, price REAL, data BLOB)",
    "CREATE TABLE tag(name TEXT PRIMARY KEY, note TEXT, weight)"
  };

  /** Tries of random histories; {@code -Dchora.clone.seed=N} replays one printed seed. */
  @Test
  void aCloneHoldsWhatABootstrapByHistoryHolds() throws Exception {
    Long replay = Long.getLong("chora.clone.seed");
    long first = replay != null ? replay : System.nanoTime();
    for (int i = 0; i < (replay != null ? 1 : 5); i++) {
      long seed = first + i;
      System.out.println(
          "CloneEqualsHistoryTest seed " + seed + " (-Dchora.clone.seed=" + seed + ")");
      oneTry(dir.resolve("try" + i), seed);
    }
  }

  private static void oneTry(Path dir, long seed) throws Exception {
    java.nio.file.Files.createDirectories(dir);
    Random random = new Random(seed);
    try (Connection a = Db.chora(dir, "a.db", "chora.site=hostA");
        Connection b = Db.chora(dir, "b.db", "chora.site=hostB")) {
      exec(a, SCHEMA);
      exec(b, SCHEMA);
      for (int round = 0; round < 6; round++) {
        write(a, random);
        write(b, random);
        if (round % 2 == 1) {
          Db.of(a).syncWith(Db.of(b)); // concurrent edits meet: merged cells, ledger entries
        }
      }
      write(b, random); // B's last writes reach the source through A's history of B
      Db.of(a).syncWith(Db.of(b));
      write(a, random); // and A's own, not yet sent anywhere
    }
    try (Connection a = Db.chora(dir, "a.db");
        Connection byHistory = Db.chora(dir, "history.db", "chora.site=hostD")) {
      // another program's write while A is open, which the clone must carry as A's: logged by
      // the file's triggers, adopted as A's transaction before the snapshot
      try (Connection plain = Db.sqlite(dir, "a.db")) {
        exec(plain, "INSERT INTO tag(name, note, weight) VALUES ('by sqlite3', 'shell', 1)");
      }
      Db.of(a).cloneTo(dir.resolve("clone.db"), "hostC");
      exec(byHistory, SCHEMA);
      Db.of(byHistory).syncWith(Db.of(a));
      try (Connection clone = Db.chora(dir, "clone.db")) {
        ChoraConnection c = Db.of(clone);
        ChoraConnection d = Db.of(byHistory);
        assertThat(c.clock()).as("seed " + seed).isEqualTo(d.clock()).isEqualTo(Db.of(a).clock());
        for (String table : TABLES) {
          assertThat(Db.typedRows(clone, table))
              .as("%s, seed %d", table, seed)
              .isNotEmpty()
              .isEqualTo(Db.typedRows(byHistory, table))
              .isEqualTo(Db.typedRows(a, table));
        }
        assertThat(c.changesSince(d.clock()).size()).as("seed " + seed).isZero();
        assertThat(d.changesSince(c.clock()).size()).as("seed " + seed).isZero();
      }
    }
  }

  /** A few random writes: inserts, updates of random cells, deletes, re-inserts of one key. */
  private static void write(Connection conn, Random random) throws SQLException {
    for (int i = 0; i < 8; i++) {
      int id = 1 + random.nextInt(12);
      switch (random.nextInt(5)) {
        case 0, 1 ->
            run(
                conn,
                "INSERT OR REPLACE INTO item(id, name, qty, price, data) VALUES (?, ?, ?, ?, ?)",
                id,
                "n" + random.nextInt(100),
                random.nextInt(3) == 0 ? null : random.nextInt(1000),
                random.nextDouble(),
                new byte[] {(byte) random.nextInt(), 0, (byte) id});
        case 2 -> {
          String[] columns = {"name", "qty", "price"};
          String column = columns[random.nextInt(columns.length)];
          Object value =
              switch (column) {
                case "name" -> "u" + random.nextInt(100);
                case "qty" -> random.nextInt(1000);
                default -> random.nextDouble() * 10;
              };
          run(conn, "UPDATE item SET " + column + " = ? WHERE id = ?", value, id);
        }
        case 3 -> run(conn, "DELETE FROM item WHERE id = ?", id);
        default ->
            run(
                conn,
                "INSERT INTO tag(name, note, weight) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE"
                    + " SET note = excluded.note, weight = excluded.weight",
                "t" + random.nextInt(6),
                "note " + random.nextInt(50),
                random.nextBoolean() ? (Object) random.nextInt(9) : "heavy");
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
