package io.chora.it;

import io.chora.jdbc.testing.Db;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * A mixed OLTP workload for a pool: many threads, each borrowing a connection per transaction.
 * Counts the write transactions that committed (those that changed at least one row), which is what
 * a chora replica's clock must count.
 */
final class PoolWorkload {
  static final String SCHEMA =
      "CREATE TABLE item(id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, qty INTEGER, note TEXT)";
  static final String ROLLED_BACK = "rolled back";
  private static final String INSERT = "INSERT INTO item(owner, qty, note) VALUES (?, ?, ?)";
  private static final String UPDATE = "UPDATE item SET qty = qty + ?, note = ? WHERE id = ?";
  private static final String DELETE = "DELETE FROM item WHERE id = ?";

  /** What a run did: its wall time and how many transactions committed a change. */
  record Outcome(int transactions, long nanos, int committedWrites) {
    double perSecond() {
      return transactions * 1e9 / nanos;
    }
  }

  private final DataSource pool;
  private final AtomicInteger committedWrites = new AtomicInteger();
  private final AtomicLong highestId;

  private PoolWorkload(DataSource pool, long seededRows) {
    this.pool = pool;
    this.highestId = new AtomicLong(seededRows);
  }

  /** Creates the table and seeds it in one transaction: one committed write transaction. */
  static void setUp(DataSource pool, int rows) throws SQLException {
    try (Connection c = pool.getConnection()) {
      Db.exec(c, SCHEMA);
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(INSERT)) {
        for (int i = 0; i < rows; i++) {
          ps.setInt(1, -1);
          ps.setInt(2, i);
          ps.setString(3, "seed " + i);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
    }
  }

  /**
   * Seeds the table, warms up, then measures {@code threads} × {@code perThread} transactions. The
   * outcome's committed writes count every write transaction the database saw: the seeding, the
   * warm-up and the measured run.
   */
  static Outcome measure(DataSource pool, int seeded, int threads, int warmUp, int perThread)
      throws Exception {
    setUp(pool, seeded);
    Outcome warm = run(pool, seeded, threads, warmUp);
    Outcome run = run(pool, seeded + (long) threads * warmUp, threads, perThread);
    return new Outcome(
        run.transactions(), run.nanos(), 1 + warm.committedWrites() + run.committedWrites());
  }

  /**
   * Runs {@code threads} × {@code perThread} transactions against {@code pool}, whose table was
   * seeded with {@code seededRows} rows, and returns what committed.
   */
  static Outcome run(DataSource pool, long seededRows, int threads, int perThread)
      throws Exception {
    PoolWorkload work = new PoolWorkload(pool, seededRows);
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int owner = t;
        done.add(
            executor.submit(
                () -> {
                  Random random = new Random(owner);
                  go.await();
                  for (int i = 0; i < perThread; i++) {
                    work.transaction(owner, random);
                  }
                  return null;
                }));
      }
      long start = System.nanoTime();
      go.countDown();
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
      long nanos = System.nanoTime() - start;
      return new Outcome(threads * perThread, nanos, work.committedWrites.get());
    } finally {
      executor.shutdownNow();
      executor.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** One borrow, one transaction of a randomly chosen kind. */
  private void transaction(int owner, Random random) throws SQLException {
    int dice = random.nextInt(100);
    try (Connection c = pool.getConnection()) {
      if (dice < 30) { // autocommit single insert
        insert(c, owner, random, "insert");
        committedWrites.incrementAndGet();
      } else if (dice < 45) { // autocommit single update; a missing row changes nothing
        countIfChanged(update(c, random, "update"));
      } else if (dice < 55) { // autocommit single delete
        countIfChanged(delete(c, random));
      } else if (dice < 75) { // multi-statement JDBC transaction
        c.setAutoCommit(false);
        insert(c, owner, random, "tx insert");
        update(c, random, "tx update");
        if (random.nextBoolean()) {
          delete(c, random);
        }
        c.commit(); // the insert always changed a row
        committedWrites.incrementAndGet();
      } else if (dice < 80) { // rolled back on purpose
        c.setAutoCommit(false);
        insert(c, owner, random, ROLLED_BACK);
        update(c, random, ROLLED_BACK);
        c.rollback();
      } else if (dice < 85) { // abandoned: returned uncommitted, the pool rolls it back
        c.setAutoCommit(false);
        insert(c, owner, random, ROLLED_BACK);
        delete(c, random);
      } else if (dice < 93) { // autocommit read
        read(c, random);
      } else { // read-only JDBC transaction
        c.setAutoCommit(false);
        read(c, random);
        read(c, random);
        c.commit();
      }
    }
  }

  private void countIfChanged(int rows) {
    if (rows > 0) {
      committedWrites.incrementAndGet();
    }
  }

  private void insert(Connection c, int owner, Random random, String note) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      ps.setInt(1, owner);
      ps.setInt(2, random.nextInt(1000));
      ps.setString(3, note);
      ps.executeUpdate();
    }
    highestId.incrementAndGet(); // an upper bound: rowids grow by one per insert at most
  }

  private int update(Connection c, Random random, String note) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
      ps.setInt(1, 1 + random.nextInt(9));
      ps.setString(2, note);
      ps.setLong(3, someId(random));
      return ps.executeUpdate();
    }
  }

  private int delete(Connection c, Random random) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(DELETE)) {
      ps.setLong(1, someId(random));
      return ps.executeUpdate();
    }
  }

  private long read(Connection c, Random random) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT count(*), sum(qty) FROM item WHERE id BETWEEN ? AND ?")) {
      long from = someId(random);
      ps.setLong(1, from);
      ps.setLong(2, from + 50);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) + rs.getLong(2);
      }
    }
  }

  private long someId(Random random) {
    return 1 + (long) (random.nextDouble() * highestId.get());
  }
}
