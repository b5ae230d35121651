package io.chora.it.conformance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * One thread of {@link ThreadScenarios}: random writes (and reads, batches, transactions) on keys
 * only it uses, on statements of its own, noting what it observes. What it does depends on its
 * random choices alone, never on how the threads interleave, so both drivers must observe the same.
 *
 * <p>Transactions are per connection, so an application that shares one connection and runs
 * transactions on it keeps the other threads' writes out of them with a lock of its own, as
 * sqlite-jdbc apps do: autocommit writes take {@code lock}'s read side (they still run at the same
 * time as each other), a transaction its write side. Reads take no lock: they read the thread's own
 * rows, which no other thread's transaction touches.
 */
final class ThreadWorker {
  final int thread;
  private final Connection conn;
  private final Random random;
  private final ThreadScenarios.Workload work;
  private final ReadWriteLock lock;
  final List<String> seen = new ArrayList<>();

  /** The keys of each transaction this thread committed: the log must hold exactly these. */
  final List<Set<Long>> committed = new ArrayList<>();

  /** What the thread threw, which ended it. */
  Throwable failure;

  private List<Long> live = new ArrayList<>();

  /** The keys the open transaction wrote, outside savepoints rolled back (null in autocommit). */
  private Set<Long> writing;

  int statements;
  int batchesRun;
  int entries;
  int commits;
  int rollbacks;
  private long next;
  private Statement st;
  private PreparedStatement insert;
  private PreparedStatement update;
  private PreparedStatement select;

  ThreadWorker(
      Connection conn, int thread, Random random, ThreadScenarios.Workload work, ReadWriteLock l) {
    this.conn = conn;
    this.thread = thread;
    this.random = random;
    this.work = work;
    this.lock = l;
    this.next = 1_000_000L * (thread + 1);
  }

  void run(CountDownLatch start) {
    try (Statement s = conn.createStatement();
        PreparedStatement i =
            conn.prepareStatement("INSERT INTO item(id, thread, v) VALUES (?, ?, ?)");
        PreparedStatement u = conn.prepareStatement("UPDATE item SET v = ? WHERE id = ?");
        PreparedStatement q = conn.prepareStatement("SELECT v FROM item WHERE id = ?")) {
      st = s;
      insert = i;
      update = u;
      select = q;
      start.await();
      for (int op = 0; op < work.ops(); op++) {
        int kind = live.isEmpty() ? 0 : random.nextInt(8);
        if (kind == 7 && work.transactions()) {
          transaction(op);
        } else if (kind >= 5 && work.reads()) {
          read();
        } else if (lock == null) {
          autocommit(Math.min(kind, 4), op);
        } else {
          lock.readLock().lock();
          try {
            autocommit(Math.min(kind, 4), op);
          } finally {
            lock.readLock().unlock();
          }
        }
      }
    } catch (Throwable e) {
      failure = e;
      seen.add("threw " + Run.error(e));
    }
  }

  /** One autocommit write of {@code kind}: one transaction of its own on both drivers. */
  private void autocommit(int kind, int op) throws SQLException {
    if (kind == 4 && work.batches()) {
      batchesRun++;
      entries += 2;
    } else {
      statements++;
    }
    write(kind, op);
    committed.add(writing);
    writing = null;
  }

  /**
   * One write of {@code kind} on a row of this thread's; its keys go to {@link #writing}. Kind 4 is
   * a batch of two inserts where the workload has batches, else a delete.
   */
  private void write(int kind, int op) throws SQLException {
    if (writing == null) {
      writing = new TreeSet<>();
    }
    long id = kind == 0 || kind == 1 || live.isEmpty() ? 0 : live.get(random.nextInt(live.size()));
    String v = "t" + thread + "-" + op;
    switch (id == 0 ? random.nextInt(2) : kind) {
      case 0 -> {
        bind(next, v);
        noted("prepared insert", insert.executeUpdate(), next++);
      }
      case 1 -> {
        String sql = "INSERT INTO item(id, thread, v) VALUES (" + next + ", " + thread + ", '" + v;
        noted("insert", st.executeUpdate(sql + "')"), next++);
      }
      case 2 -> {
        update.setString(1, v);
        update.setLong(2, id);
        seen.add("prepared update " + update.executeUpdate());
        writing.add(id);
      }
      case 3 -> {
        seen.add("update " + st.executeUpdate("UPDATE item SET v = v || '+' WHERE id = " + id));
        writing.add(id);
      }
      default -> {
        if (work.batches()) {
          batch(v);
        } else {
          seen.add("delete " + st.executeUpdate("DELETE FROM item WHERE id = " + id));
          live.remove(Long.valueOf(id));
          writing.add(id);
        }
      }
    }
  }

  private void bind(long id, String v) throws SQLException {
    insert.setLong(1, id);
    insert.setInt(2, thread);
    insert.setString(3, v);
  }

  private void noted(String what, int count, long id) {
    seen.add(what + " " + count);
    live.add(id);
    writing.add(id);
  }

  /** A batch of two inserts. */
  private void batch(String v) throws SQLException {
    for (int k = 0; k < 2; k++) {
      bind(next + k, v + "/" + k);
      insert.addBatch();
    }
    seen.add("batch " + Arrays.toString(insert.executeBatch()));
    for (int k = 0; k < 2; k++) {
      live.add(next);
      writing.add(next++);
    }
  }

  /**
   * A point read of one of this thread's rows (of a key it has not used yet when a transaction
   * deleted them all), without the application's lock.
   */
  private void read() throws SQLException {
    select.setLong(1, live.isEmpty() ? next : live.get(random.nextInt(live.size())));
    try (ResultSet rs = select.executeQuery()) {
      seen.add("read " + (rs.next() ? rs.getString(1) : "(none)"));
    }
  }

  /**
   * A transaction of one to four writes and a read, under the application's lock: through JDBC
   * ({@code setAutoCommit(false)}, perhaps with a savepoint rolled back), as {@code BEGIN} sent as
   * SQL, or opened by a {@code SAVEPOINT} in autocommit mode; committed or, one time in five,
   * rolled back.
   */
  private void transaction(int op) throws SQLException {
    int how = random.nextInt(3);
    boolean commit = random.nextInt(5) > 0;
    List<Long> before = List.copyOf(live);
    lock.writeLock().lock();
    try {
      switch (how) {
        case 0 -> conn.setAutoCommit(false);
        case 1 -> st.execute("BEGIN");
        default -> st.execute("SAVEPOINT tx");
      }
      write(random.nextInt(5), op);
      int more = random.nextInt(4);
      for (int w = 0; w < more; w++) {
        write(random.nextInt(5), op);
      }
      if (how == 0 && random.nextBoolean()) {
        rolledBackSavepoint(op);
      }
      read();
      end(how, commit);
    } finally {
      if (how == 0) {
        conn.setAutoCommit(true);
      }
      lock.writeLock().unlock();
    }
    seen.add("transaction " + how + (commit ? " committed" : " rolled back"));
    if (commit) {
      commits++;
      committed.add(writing);
    } else {
      rollbacks++;
      live = new ArrayList<>(before);
    }
    writing = null;
  }

  /** A JDBC savepoint, a write or two in it, then a rollback to it: those writes leave no trace. */
  private void rolledBackSavepoint(int op) throws SQLException {
    Set<Long> kept = new TreeSet<>(writing);
    List<Long> liveKept = List.copyOf(live);
    Savepoint sp = conn.setSavepoint();
    write(random.nextInt(5), op);
    if (random.nextBoolean()) {
      write(random.nextInt(5), op);
    }
    conn.rollback(sp);
    writing = kept;
    live = new ArrayList<>(liveKept);
    seen.add("rolled back to a savepoint");
  }

  private void end(int how, boolean commit) throws SQLException {
    switch (how) {
      case 0 -> {
        if (commit) {
          conn.commit();
        } else {
          conn.rollback();
        }
      }
      case 1 -> st.execute(commit ? "COMMIT" : "ROLLBACK");
      default -> st.execute(commit ? "RELEASE tx" : "ROLLBACK");
    }
  }
}
