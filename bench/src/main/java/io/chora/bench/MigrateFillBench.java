package io.chora.bench;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.ChangeSet;
import io.chora.sync.VectorClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A migration that takes in what was kept aside: {@code java -cp bench/target/benchmarks.jar
 * io.chora.bench.MigrateFillBench [cells] [rounds]} (default 100,000 and 5). A replica a version
 * behind holds {@code cells} rows and, for each, one value of column {@code x} it lacks (the source
 * migrated and ran {@code UPDATE item SET x = id}); it runs {@code ALTER TABLE item ADD COLUMN x
 * INTEGER} through the driver in autocommit, which fills the kept cells in the same transaction
 * (docs/schema-changes.md). Next to it, on the same rows: the same ALTER on plain sqlite-jdbc and
 * on a chora replica with nothing kept (what the fill adds), and the source's update applied as an
 * ordinary set to a replica that has the column already (the same cells merged the usual way). Each
 * round runs each case once on a fresh copy of a prepared file, after one warm-up round; prints
 * every round, the median and the best, and fails if a case leaves other values.
 */
public final class MigrateFillBench {
  private static final String ADD_X = "ALTER TABLE item ADD COLUMN x INTEGER";
  private static final String[] CASES = {
    "ALTER, plain sqlite-jdbc",
    "ALTER, chora, nothing kept",
    "ALTER, chora, filling the kept cells",
    "the same cells applied as a set"
  };

  /** The driver's logger, held so that its filter stays. */
  private static final Logger DRIVER = Logger.getLogger("io.chora.jdbc");

  private final Path dir;
  private final int cells;
  private ChangeSet update;
  private int copies;

  private MigrateFillBench(Path dir, int cells) {
    this.dir = dir;
    this.cells = cells;
  }

  public static void main(String[] args) throws Exception {
    int cells = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    // each copy is opened as the replica it copies on purpose: used once, then deleted
    DRIVER.setFilter(
        r -> r.getMessage() == null || !r.getMessage().contains("is a copy or a moved"));
    Path dir = BenchDb.tempDir(BenchDb.JAVA);
    try {
      new MigrateFillBench(dir, cells).run(rounds);
    } finally {
      BenchDb.deleteTree(dir);
    }
  }

  private void run(int rounds) throws Exception {
    prepare();
    long[][] ms = new long[CASES.length][rounds];
    for (int round = -1; round < rounds; round++) {
      for (int c = 0; c < CASES.length; c++) {
        long t = once(c);
        if (round >= 0) {
          ms[c][round] = t;
        }
      }
    }
    System.out.printf("%,d rows, %,d cells of x; ms per round, median, best:%n", cells, cells);
    for (int c = 0; c < CASES.length; c++) {
      long[] sorted = ms[c].clone();
      Arrays.sort(sorted);
      System.out.printf(
          "  %-38s %s  median %,d  best %,d%n",
          CASES[c], Arrays.toString(ms[c]), sorted[sorted.length / 2], sorted[0]);
    }
  }

  /** The source, its two sets, and the files the cases copy. */
  private void prepare() throws SQLException {
    ChangeSet rows;
    try (Connection source = BenchDb.replica(BenchDb.JAVA, dir, "source")) {
      ChoraConnection chora = source.unwrap(ChoraConnection.class);
      BenchDb.fill(source, 1, cells, cells);
      rows = chora.changesSince(new VectorClock());
      exec(source, ADD_X, "UPDATE item SET x = id");
      update = chora.changesSince(rows.clock());
    }
    try (Connection plain = BenchDb.replica(BenchDb.SQLITE, dir, "plain")) {
      BenchDb.fill(plain, 1, cells, cells);
    }
    try (Connection caughtUp = BenchDb.replica(BenchDb.JAVA, dir, "caughtUp")) {
      caughtUp.unwrap(ChoraConnection.class).apply(rows);
    }
    try (Connection behind = BenchDb.replica(BenchDb.JAVA, dir, "behind")) {
      ChoraConnection chora = behind.unwrap(ChoraConnection.class);
      chora.apply(rows);
      chora.apply(update);
      if (!chora.heldAside().equals(Map.of("item", (long) cells))) {
        throw new IllegalStateException("behind holds " + chora.heldAside());
      }
    }
    try (Connection migrated = BenchDb.replica(BenchDb.JAVA, dir, "migrated")) {
      migrated.unwrap(ChoraConnection.class).apply(rows);
      exec(migrated, ADD_X);
    }
  }

  /** Case {@code c} on a fresh copy of its file: the time of the one timed step, in ms. */
  private long once(int c) throws Exception {
    String template = new String[] {"plain", "caughtUp", "behind", "migrated"}[c];
    String mode = c == 0 ? BenchDb.SQLITE : BenchDb.JAVA;
    Path file = copy(template);
    try (Connection conn = BenchDb.connect(mode, file, template)) {
      long start = System.nanoTime();
      if (c == 3) {
        conn.unwrap(ChoraConnection.class).apply(update);
      } else {
        exec(conn, ADD_X);
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      long filled = count(conn, "SELECT count(*) FROM item WHERE x = id");
      long rows = count(conn, "SELECT count(*) FROM item WHERE x IS NULL");
      if (c <= 1 ? rows != cells : filled != cells) {
        throw new IllegalStateException(CASES[c] + ": " + filled + " filled, " + rows + " null");
      }
      if (c >= 2 && !conn.unwrap(ChoraConnection.class).heldAside().isEmpty()) {
        throw new IllegalStateException(CASES[c] + " still holds cells aside");
      }
      return ms;
    } finally {
      for (String suffix : List.of("", "-wal", "-shm")) {
        Files.deleteIfExists(Path.of(file + suffix));
      }
    }
  }

  /** A copy of {@code name}.db (closed, so checkpointed) under a new name. */
  private Path copy(String name) throws Exception {
    Path to = dir.resolve("copy" + copies++ + ".db");
    for (String suffix : List.of("", "-wal")) {
      Path from = dir.resolve(name + ".db" + suffix);
      if (Files.exists(from)) {
        Files.copy(from, Path.of(to + suffix));
      }
    }
    return to;
  }

  private static void exec(Connection conn, String... sql) throws SQLException {
    try (Statement st = conn.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  private static long count(Connection conn, String sql) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
