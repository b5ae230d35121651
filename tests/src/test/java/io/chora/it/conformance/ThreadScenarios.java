package io.chora.it.conformance;

import io.chora.jdbc.ChoraConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.sqlite.SQLiteCommitListener;

/**
 * One connection shared by 8 to 32 threads, as sqlite-jdbc allows (issue 17 part 1): each thread
 * writes and reads rows of its own keys, so what it observes does not depend on how the threads
 * interleave and both drivers must observe the same. Each thread's observations are noted after all
 * have finished, in thread order. On chora the run also checks what sqlite-jdbc has no counterpart
 * of: one dot per committed transaction, and a replica synced from it equal.
 *
 * <p>The threads' random choices come from one seed per JVM, printed, so a failure replays with
 * {@code -Dchora.threads.seed=...}.
 */
final class ThreadScenarios {
  private ThreadScenarios() {}

  static final long SEED = Long.getLong("chora.threads.seed", System.nanoTime());

  static {
    System.out.println("ThreadScenarios seed " + SEED + " (-Dchora.threads.seed=...)");
  }

  private static final String T =
      "CREATE TABLE item(id INTEGER PRIMARY KEY NOT NULL, thread INTEGER, v TEXT NOT NULL)";

  static List<Scenario> all() {
    return new Scenarios("threads")
        .add("8 threads, autocommit writes", r -> shared(r, 8, 40, false, false))
        .add("32 threads, autocommit writes", r -> shared(r, 32, 12, false, false))
        .add("8 threads, writes and point reads", r -> shared(r, 8, 40, true, false))
        .add("16 threads, writes, reads and batches", r -> shared(r, 16, 20, true, true))
        .list();
  }

  /**
   * {@code threads} threads each run {@code ops} random writes (and reads, and autocommit batches)
   * on the run's one connection, each on statements of its own.
   */
  private static void shared(Run r, int threads, int ops, boolean reads, boolean batches)
      throws Exception {
    r.setup(T);
    AtomicInteger commits = new AtomicInteger();
    SQLiteCommitListener counter =
        new SQLiteCommitListener() {
          @Override
          public void onCommit() {
            commits.incrementAndGet();
          }

          @Override
          public void onRollback() {}
        };
    r.sqlite().addCommitListener(counter);
    Random random = new Random(SEED ^ (threads * 31L + ops));
    List<Worker> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(new Worker(r.conn, t, new Random(random.nextLong()), ops, reads, batches));
    }
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> running = new ArrayList<>();
    for (Worker w : workers) {
      Thread thread = new Thread(() -> w.run(start), "conformance-" + w.thread);
      running.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : running) {
      thread.join(TimeUnit.SECONDS.toMillis(120));
      if (thread.isAlive()) {
        r.note(thread.getName() + " still running after 120 s (deadlock?)");
        return;
      }
    }
    r.sqlite().removeCommitListener(counter);
    int statements = 0;
    int batched = 0;
    int entries = 0;
    for (Worker w : workers) {
      w.seen.forEach(line -> r.note("thread " + w.thread + " " + line));
      statements += w.statements;
      batched += w.batchesRun;
      entries += w.entries;
    }
    // however the threads interleaved, each autocommit write commits on its own; an autocommit
    // batch is one transaction in java mode (KnownDeviations), one per entry on sqlite-jdbc
    int n = commits.get();
    r.note(
        "commits: "
            + (n == statements + entries
                ? "one per statement, one per batch entry"
                : n == statements + batched ? "one per statement, one per batch" : n));
    r.query("SELECT count(*), sum(length(v)) FROM item");
    if (r.isChora()) {
      checkDotsAndReplica(r, statements + batched);
    }
  }

  /** Each committed transaction is one dot, and a replica synced from this one ends equal. */
  private static void checkDotsAndReplica(Run r, int transactions) throws Exception {
    ChoraConnection a = r.conn.unwrap(ChoraConnection.class);
    long dots = a.clock().get(a.siteId());
    if (dots != transactions) {
      throw new AssertionError(transactions + " transactions but " + dots + " dots, seed " + SEED);
    }
    String copy = r.url("").replace("db.sqlite", "replica.sqlite");
    try (Connection b = DriverManager.getConnection(copy);
        Statement s = b.createStatement()) {
      s.execute(T);
      a.syncWith(b.unwrap(ChoraConnection.class));
      String mine = dump(r.conn);
      String theirs = dump(b);
      if (!mine.equals(theirs)) {
        throw new AssertionError("the synced replica differs, seed " + SEED);
      }
    }
  }

  private static String dump(Connection c) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, thread, v FROM item ORDER BY id")) {
      while (rs.next()) {
        out.append(rs.getLong(1)).append('|').append(rs.getInt(2)).append('|');
        out.append(rs.getString(3)).append('\n');
      }
    }
    return out.toString();
  }

  /** One thread: random writes on keys only it uses, its own statements, its own notes. */
  private static final class Worker {
    final Connection conn;
    final int thread;
    final Random random;
    final int ops;
    final boolean reads;
    final boolean batches;
    final List<String> seen = new ArrayList<>();
    final List<Long> live = new ArrayList<>();
    int statements;
    int batchesRun;
    int entries;
    long next;

    Worker(Connection conn, int thread, Random random, int ops, boolean reads, boolean batches) {
      this.conn = conn;
      this.thread = thread;
      this.random = random;
      this.ops = ops;
      this.reads = reads;
      this.batches = batches;
      this.next = 1_000_000L * (thread + 1);
    }

    void run(CountDownLatch start) {
      try (Statement st = conn.createStatement();
          PreparedStatement insert =
              conn.prepareStatement("INSERT INTO item(id, thread, v) VALUES (?, ?, ?)");
          PreparedStatement update = conn.prepareStatement("UPDATE item SET v = ? WHERE id = ?");
          PreparedStatement select = conn.prepareStatement("SELECT v FROM item WHERE id = ?")) {
        start.await();
        for (int i = 0; i < ops; i++) {
          step(i, st, insert, update, select);
        }
      } catch (Throwable e) {
        seen.add("threw " + Run.error(e));
      }
    }

    private void step(
        int i,
        Statement st,
        PreparedStatement insert,
        PreparedStatement update,
        PreparedStatement select)
        throws SQLException {
      int kind = live.isEmpty() ? 0 : random.nextInt(reads ? 7 : 5);
      long id = live.isEmpty() ? 0 : live.get(random.nextInt(live.size()));
      String v = "t" + thread + "-" + i;
      switch (kind) {
        case 0 -> {
          insert.setLong(1, next);
          insert.setInt(2, thread);
          insert.setString(3, v);
          wrote("prepared insert", insert.executeUpdate());
          live.add(next++);
        }
        case 1 -> {
          wrote("insert", st.executeUpdate(insertSql(next, v)));
          live.add(next++);
        }
        case 2 -> {
          update.setString(1, v);
          update.setLong(2, id);
          wrote("prepared update", update.executeUpdate());
        }
        case 3 ->
            wrote("update", st.executeUpdate("UPDATE item SET v = v || '+' WHERE id = " + id));
        case 4 -> {
          if (batches) {
            batch(insert, v);
          } else {
            wrote("delete", st.executeUpdate("DELETE FROM item WHERE id = " + id));
            live.remove(Long.valueOf(id));
          }
        }
        default -> {
          select.setLong(1, id);
          try (ResultSet rs = select.executeQuery()) {
            seen.add("read " + (rs.next() ? rs.getString(1) : "(none)"));
          }
        }
      }
    }

    /** An autocommit batch of two inserts. */
    private void batch(PreparedStatement insert, String v) throws SQLException {
      for (int k = 0; k < 2; k++) {
        insert.setLong(1, next + k);
        insert.setInt(2, thread);
        insert.setString(3, v + "/" + k);
        insert.addBatch();
      }
      int[] counts = insert.executeBatch();
      seen.add("batch " + Arrays.toString(counts));
      batchesRun++;
      entries += counts.length;
      live.add(next++);
      live.add(next++);
    }

    private void wrote(String what, int count) {
      seen.add(what + " " + count);
      statements++;
    }

    private static String insertSql(long id, String v) {
      return "INSERT INTO item(id, thread, v) VALUES ("
          + id
          + ", "
          + (id / 1_000_000 - 1)
          + ", '"
          + v
          + "')";
    }
  }
}
