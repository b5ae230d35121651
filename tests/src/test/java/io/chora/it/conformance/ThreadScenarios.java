package io.chora.it.conformance;

import io.chora.jdbc.ChoraConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.sqlite.SQLiteCommitListener;

/**
 * One connection shared by 8 to 32 threads, as sqlite-jdbc allows (issue 17 part 1): each thread
 * ({@link ThreadWorker}) writes and reads rows of its own keys, so what it observes does not depend
 * on how the threads interleave and both drivers must observe the same: every update count, every
 * read, the commits and rollbacks the listeners hear, the rows. Each thread's observations are
 * noted after all have finished, in thread order. On chora the run also checks what sqlite-jdbc has
 * no counterpart of: the log holds one transaction per autocommit statement and per committed
 * transaction, each with exactly the keys it wrote, one dot each, and a replica synced from it ends
 * equal.
 *
 * <p>The threads' random choices come from one seed per JVM, printed, so a failure replays with
 * {@code -Dchora.threads.seed=...}; {@link ThreadRoundsTest} runs them again under other seeds.
 */
final class ThreadScenarios {
  private ThreadScenarios() {}

  static final long SEED = Long.getLong("chora.threads.seed", System.nanoTime());

  static {
    System.out.println("ThreadScenarios seed " + SEED + " (-Dchora.threads.seed=...)");
  }

  static final String T =
      "CREATE TABLE item(id INTEGER PRIMARY KEY NOT NULL, thread INTEGER, v TEXT NOT NULL)";

  /**
   * What the threads do: {@code ops} steps each; point reads, autocommit batches of two inserts and
   * transactions (under the application's lock) among them, or not.
   */
  record Workload(int threads, int ops, boolean reads, boolean batches, boolean transactions) {}

  static List<Scenario> all() {
    return seeded(SEED);
  }

  /** The scenarios with their threads' choices drawn from {@code seed}. */
  static List<Scenario> seeded(long seed) {
    return new Scenarios("threads")
        .add("8 threads, autocommit writes", r -> shared(r, seed, w(8, 40, 0)))
        .add("32 threads, autocommit writes", r -> shared(r, seed, w(32, 12, 0)))
        .add("8 threads, writes and point reads", r -> shared(r, seed, w(8, 40, READS)))
        .add(
            "16 threads, writes, reads and batches",
            r -> shared(r, seed, w(16, 20, READS | BATCHES)))
        .add(
            "8 threads, writes, reads and transactions",
            r -> shared(r, seed, w(8, 30, READS | TRANSACTIONS)))
        .add(
            "24 threads, writes, reads, batches and transactions",
            r -> shared(r, seed, w(24, 15, READS | BATCHES | TRANSACTIONS)))
        .list();
  }

  private static final int READS = 1;
  private static final int BATCHES = 2;
  private static final int TRANSACTIONS = 4;

  private static Workload w(int threads, int ops, int what) {
    return new Workload(
        threads, ops, (what & READS) != 0, (what & BATCHES) != 0, (what & TRANSACTIONS) != 0);
  }

  /** The workload's threads on the run's one connection, each on statements of its own. */
  private static void shared(Run r, long seed, Workload work) throws Exception {
    r.setup(T);
    AtomicInteger commits = new AtomicInteger();
    AtomicInteger rollbacks = new AtomicInteger();
    SQLiteCommitListener counter =
        new SQLiteCommitListener() {
          @Override
          public void onCommit() {
            commits.incrementAndGet();
          }

          @Override
          public void onRollback() {
            rollbacks.incrementAndGet();
          }
        };
    r.sqlite().addCommitListener(counter);
    Random random = new Random(seed ^ (work.threads() * 31L + work.ops()));
    ReadWriteLock appLock = work.transactions() ? new ReentrantReadWriteLock() : null;
    List<ThreadWorker> workers = new ArrayList<>();
    for (int t = 0; t < work.threads(); t++) {
      workers.add(new ThreadWorker(r.conn, t, new Random(random.nextLong()), work, appLock));
    }
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> running = new ArrayList<>();
    for (ThreadWorker w : workers) {
      Thread thread = new Thread(() -> w.run(start), "conformance-" + w.thread);
      running.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : running) {
      thread.join(TimeUnit.SECONDS.toMillis(120));
      if (thread.isAlive()) {
        r.note(thread.getName() + " still running after 120 s (deadlock?), seed " + seed);
        return;
      }
    }
    r.sqlite().removeCommitListener(counter);
    int statements = 0;
    int batched = 0;
    int entries = 0;
    int committed = 0;
    int rolledBack = 0;
    List<Set<Long>> transactions = new ArrayList<>();
    for (ThreadWorker w : workers) {
      w.seen.forEach(line -> r.note("thread " + w.thread + " " + line));
      statements += w.statements;
      batched += w.batchesRun;
      entries += w.entries;
      committed += w.commits;
      rolledBack += w.rollbacks;
      transactions.addAll(w.committed);
    }
    // however the threads interleaved, each autocommit write commits on its own, and each
    // transaction once; an autocommit batch is one transaction in java mode (KnownDeviations),
    // one per entry on sqlite-jdbc
    int n = commits.get() - committed;
    r.note(
        "commits: "
            + (n == statements + entries
                ? "one per statement and transaction, one per batch entry"
                : n == statements + batched
                    ? "one per statement and transaction, one per batch"
                    : commits.get()
                        + " (statements "
                        + statements
                        + ", batches "
                        + batched
                        + " of "
                        + entries
                        + " entries, transactions "
                        + committed
                        + ")"));
    r.note(
        "rollbacks: "
            + (rollbacks.get() == rolledBack ? "one per rolled-back transaction" : rollbacks));
    r.query("SELECT count(*), sum(length(v)) FROM item");
    if (r.isChora()) {
      // nothing in these workloads fails on sqlite-jdbc: an error here is chora's, or the
      // workload's, and either would otherwise pass as an observation both drivers share
      for (ThreadWorker w : workers) {
        if (w.failure != null) {
          throw new AssertionError("thread " + w.thread + " threw, seed " + seed, w.failure);
        }
      }
      checkLogAndReplica(r, seed, transactions);
    }
  }

  /**
   * The log holds each committed transaction as one of its own, with the keys it wrote (no write of
   * one thread merged into another's transaction, none lost); one dot each; and a replica synced
   * from this one ends equal.
   */
  private static void checkLogAndReplica(Run r, long seed, List<Set<Long>> expected)
      throws Exception {
    ChoraConnection a = r.conn.unwrap(ChoraConnection.class);
    List<String> logged = new ArrayList<>();
    // the log as written, not changesSince: a set leaves out what later writes superseded. Each
    // transaction is its rows' keys up to its commit marker (op 0), whose seq numbers it
    Set<Long> keys = new TreeSet<>();
    long seq = 0;
    try (Statement s = r.conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT op, pk, seq FROM chora_log ORDER BY id")) {
      while (rs.next()) {
        if (rs.getInt(1) != 0) {
          keys.add(rs.getLong(2));
        } else if (rs.getLong(3) != ++seq) {
          throw new AssertionError("marker " + rs.getLong(3) + " after " + (seq - 1));
        } else {
          logged.add(keys.toString());
          keys = new TreeSet<>();
        }
      }
    }
    if (!keys.isEmpty()) {
      throw new AssertionError("log rows after the last marker: " + keys + ", seed " + seed);
    }
    List<String> wanted = new ArrayList<>();
    expected.forEach(each -> wanted.add(each.toString()));
    logged.sort(null);
    wanted.sort(null);
    if (!logged.equals(wanted)) {
      throw new AssertionError(
          "the log's transactions are not the committed ones, seed "
              + seed
              + "\n"
              + Diff.readable(wanted, logged));
    }
    long dots = a.clock().get(a.siteId());
    if (dots != expected.size()) {
      throw new AssertionError(
          expected.size() + " transactions but " + dots + " dots, seed " + seed);
    }
    String copy = r.url("").replace("db.sqlite", "replica.sqlite");
    try (Connection b = DriverManager.getConnection(copy);
        Statement s = b.createStatement()) {
      s.execute(T);
      a.syncWith(b.unwrap(ChoraConnection.class));
      if (!dump(r.conn).equals(dump(b))) {
        throw new AssertionError("the synced replica differs, seed " + seed);
      }
      if (!b.unwrap(ChoraConnection.class).clock().equals(a.clock())) {
        throw new AssertionError("the synced replica's clock differs, seed " + seed);
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
}
