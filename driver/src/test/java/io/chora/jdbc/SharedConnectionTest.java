package io.chora.jdbc;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.testing.SyncMode;
import io.chora.sync.VectorClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One connection shared by many threads, as sqlite-jdbc allows (issue 17): every autocommit write
 * of every thread is one transaction with one dot, returns sqlite-jdbc's update count, and a
 * replica synced from it ends with the same rows. Each thread keeps its own model of its rows
 * (explicit keys below zero, generated keys read back) and checks its reads against it.
 */
class SharedConnectionTest {
  private static final int OPS = 120;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @EnumSource(SyncMode.class)
  void threadsSharingOneConnectionKeepEveryWriteAsItsOwnTransaction(SyncMode mode)
      throws Exception {
    long seed = Long.getLong("chora.seed", System.nanoTime());
    System.out.println("SharedConnectionTest " + mode + " seed " + seed + " (-Dchora.seed=...)");
    Random random = new Random(seed);
    int threads = Integer.getInteger("chora.threads", 8 + random.nextInt(25));
    try (Connection shared = mode.open(dir, "a", "journal_mode=WAL", "synchronous=OFF");
        Connection other = mode.open(dir, "b", "journal_mode=WAL", "synchronous=OFF")) {
      String table =
          "CREATE TABLE item(id INTEGER PRIMARY KEY NOT NULL, thread INTEGER, v TEXT NOT NULL"
              + " DEFAULT '')";
      exec(shared, table);
      exec(other, table);
      Map<Long, String> expected = new ConcurrentHashMap<>();
      AtomicInteger writes = new AtomicInteger();
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Worker w = new Worker(shared, t, new Random(random.nextLong()), expected, writes);
        w.returning = mode == SyncMode.JAVA;
        w.batchCommits = mode == SyncMode.JAVA ? 1 : 3;
        Thread thread =
            new Thread(
                () -> {
                  try {
                    start.await();
                    w.run();
                  } catch (Throwable e) {
                    failures.add(new AssertionError("thread " + w.thread + ", seed " + seed, e));
                  }
                },
                "shared-" + t);
        workers.add(thread);
        thread.start();
      }
      start.countDown();
      for (Thread thread : workers) {
        thread.join(TimeUnit.SECONDS.toMillis(120));
        assertThat(thread.isAlive())
            .as("%s still running (deadlock?), seed %d", thread, seed)
            .isFalse();
      }
      if (!failures.isEmpty()) {
        AssertionError all = new AssertionError(failures.size() + " threads failed, seed " + seed);
        failures.forEach(all::addSuppressed);
        throw all;
      }

      ChoraConnection a = SyncMode.chora(shared);
      assertThat(rowsById(shared)).as("rows, seed %d", seed).isEqualTo(new TreeMap<>(expected));
      if (mode == SyncMode.JAVA) {
        // native mode's changes are cr-sqlite's latest cell versions, not a log: a transaction
        // whose every cell a later one overwrote is gone, so there the clock alone counts them
        assertThat(a.changesSince(new VectorClock()).transactions())
            .as("one committed transaction per autocommit write, seed %d", seed)
            .hasSize(writes.get());
      }
      assertThat(a.clock().get(a.siteId())).as("clock, seed %d", seed).isEqualTo(writes.get());
      a.syncWith(SyncMode.chora(other));
      assertThat(rowsById(other))
          .as("the synced replica, seed %d", seed)
          .isEqualTo(rowsById(shared));
      assertThat(SyncMode.chora(other).clock()).isEqualTo(a.clock());
    }
  }

  private static Map<Long, String> rowsById(Connection c) throws SQLException {
    Map<Long, String> out = new TreeMap<>();
    for (String row : rows(c, "SELECT id, thread || ':' || v FROM item")) {
      int bar = row.indexOf('|');
      out.put(Long.parseLong(row.substring(0, bar)), row.substring(bar + 1));
    }
    return out;
  }

  /** One thread's writes: each kind of autocommit write, at random, on its own statements. */
  private static final class Worker {
    final Connection conn;
    final int thread;
    final Random random;
    final Map<Long, String> expected;
    final AtomicInteger writes;
    final List<Long> mine = new ArrayList<>();

    /**
     * Whether to insert with RETURNING too. Not in native mode: there, as under plain sqlite-jdbc,
     * an autocommit batch fails (SQLITE_BUSY) while another thread's RETURNING cursor is open.
     */
    boolean returning;

    /**
     * Transactions a three-row autocommit batch commits: one in java mode, which wraps it; one per
     * row in native mode, as sqlite-jdbc runs it.
     */
    int batchCommits;

    long nextExplicit;

    Worker(
        Connection conn, int thread, Random random, Map<Long, String> expected, AtomicInteger w) {
      this.conn = conn;
      this.thread = thread;
      this.random = random;
      this.expected = expected;
      this.writes = w;
      this.nextExplicit = -1_000_000L * (thread + 1);
    }

    void run() throws SQLException {
      try (Statement st = conn.createStatement();
          PreparedStatement insert =
              conn.prepareStatement("INSERT INTO item(id, thread, v) VALUES (?, ?, ?)");
          PreparedStatement generated =
              conn.prepareStatement(
                  "INSERT INTO item(thread, v) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS);
          PreparedStatement update =
              conn.prepareStatement("UPDATE item SET v = ? WHERE id = ? AND v = ?");
          PreparedStatement count =
              conn.prepareStatement("SELECT count(*) FROM item WHERE thread = ?")) {
        for (int i = 0; i < OPS; i++) {
          String v = "v" + i;
          switch (random.nextInt(8)) {
            case 0 -> {
              long id = nextExplicit--;
              written(st.executeUpdate(values(id, v)), id, v);
            }
            case 1 -> {
              long id = nextExplicit--;
              insert.setLong(1, id);
              insert.setInt(2, thread);
              insert.setString(3, v);
              written(insert.executeUpdate(), id, v);
            }
            case 2 -> {
              int n =
                  st.executeUpdate(
                      "INSERT INTO item(thread, v) VALUES (" + thread + ", '" + v + "')",
                      Statement.RETURN_GENERATED_KEYS);
              written(n, key(st.getGeneratedKeys()), v);
            }
            case 3 -> {
              generated.setInt(1, thread);
              generated.setString(2, v);
              written(generated.executeUpdate(), key(generated.getGeneratedKeys()), v);
            }
            case 4 -> {
              if (!returning) {
                break;
              }
              try (ResultSet rs =
                  st.executeQuery(
                      "INSERT INTO item(thread, v) VALUES ("
                          + thread
                          + ", '"
                          + v
                          + "') RETURNING id")) {
                written(1, key(rs), v);
              }
            }
            case 5 -> { // optimistic locking: the count tells whether the row was still as read
              if (mine.isEmpty()) {
                break;
              }
              long id = mine.get(random.nextInt(mine.size()));
              String old = expected.get(id).substring(expected.get(id).indexOf(':') + 1);
              update.setString(1, v);
              update.setLong(2, id);
              update.setString(3, old);
              assertThat(update.executeUpdate()).as("update of own row %d", id).isEqualTo(1);
              writes.incrementAndGet();
              expected.put(id, thread + ":" + v);
            }
            case 6 -> { // a batch in autocommit mode is one transaction, as in sqlite-jdbc
              long first = nextExplicit;
              for (int b = 0; b < 3; b++) {
                insert.setLong(1, nextExplicit--);
                insert.setInt(2, thread);
                insert.setString(3, v);
                insert.addBatch();
              }
              assertThat(insert.executeBatch()).containsExactly(1, 1, 1);
              writes.addAndGet(batchCommits);
              for (long id = first; id > nextExplicit; id--) {
                expected.put(id, thread + ":" + v);
                mine.add(id);
              }
            }
            default -> {
              count.setInt(1, thread);
              try (ResultSet rs = count.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).as("own rows read").isEqualTo(mine.size());
              }
            }
          }
        }
      }
    }

    private String values(long id, String v) {
      return "INSERT INTO item(id, thread, v) VALUES (" + id + ", " + thread + ", '" + v + "')";
    }

    private static long key(ResultSet rs) throws SQLException {
      try (rs) {
        assertThat(rs.next()).as("a key").isTrue();
        return rs.getLong(1);
      }
    }

    private void written(int count, long id, String v) {
      assertThat(count).as("update count of an insert").isEqualTo(1);
      writes.incrementAndGet();
      assertThat(expected.put(id, thread + ":" + v)).as("key %d taken twice", id).isNull();
      mine.add(id);
    }
  }
}
