package io.chora.it;

import static io.chora.it.HubFixture.sameRows;
import static io.chora.jdbc.testing.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.hub.testing.PgCluster;
import io.chora.jdbc.testing.Db;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three hub instances, each a JVM of its own, on one PostgreSQL store; three replicas given all
 * three instances, writing all the time. One instance at a time is killed with {@code kill -9} at
 * seeded random moments and started again: every change a hub acknowledged is in the store right
 * after the kill, and the replicas end with the same rows and clocks. Replay a run with {@code
 * -Dchora.killSeed=SEED} (and {@code -Dchora.killRounds=N}).
 */
class SeveralHubsKillTest {
  private static final String[] SITES = {"laptop", "phone", "tablet"};
  private static final Duration PATIENCE = Duration.ofSeconds(90);

  @TempDir Path dir;
  private final List<Process> started = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<Connection> open = new ArrayList<>();
  // a thread per start: the common pool has one thread on two cores, and starts overlap here
  private final java.util.concurrent.ExecutorService starter =
      java.util.concurrent.Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws Exception {
    for (Connection c : open) {
      c.close();
    }
    starter.shutdown();
    starter.awaitTermination(60, TimeUnit.SECONDS); // a start in progress ends in started
    for (Process hub : started) {
      hub.destroyForcibly();
      hub.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void killingInstancesDuringPushesLosesNothingAcknowledgedAndTheReplicasConverge()
      throws Exception {
    long seed = Long.getLong("chora.killSeed", System.nanoTime());
    int rounds = Integer.getInteger("chora.killRounds", 20);
    System.out.println(
        "SeveralHubsKillTest seed " + seed + " (replay: -Dchora.killSeed=" + seed + ")");
    Random random = new Random(seed);
    String store = PgCluster.shared().newDatabase();
    Connection storeDb = open(store); // open already when a kill is to be checked
    int[] ports = new int[3];
    List<CompletableFuture<Process>> hubs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ports[i] = HubProcess.stablePort();
      hubs.add(start(i, ports[i], store));
    }
    CompletableFuture.allOf(hubs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    Connection[] writers = new Connection[3];
    Connection[] watchers = new Connection[3]; // a second connection each: the same hub client
    for (int r = 0; r < 3; r++) {
      String url = url(r, ports);
      writers[r] = open(url);
      exec(writers[r], "CREATE TABLE IF NOT EXISTS note(id INTEGER PRIMARY KEY, title TEXT)");
      watchers[r] = open(url);
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    long[] written = new long[3];
    List<Thread> threads = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      int replica = r;
      Random pace = new Random(seed + r);
      threads.add(
          thread(
              SITES[r] + "-writer",
              () -> {
                while (writing.get()) {
                  long id = replica * 1_000_000L + written[replica] + 1;
                  exec(writers[replica], "INSERT INTO note VALUES (" + id + ", 'n" + id + "')");
                  written[replica]++;
                  Thread.sleep(1 + pace.nextInt(8));
                }
              }));
    }
    AtomicLongArray acked = new AtomicLongArray(3); // what each replica knows the hub holds
    threads.add(
        thread(
            "ack-watcher",
            () -> {
              while (writing.get()) {
                for (int r = 0; r < 3; r++) {
                  acked.accumulateAndGet(r, ackedAtLeast(watchers[r]), Math::max);
                }
                Thread.sleep(5);
              }
            }));

    for (int round = 0; round < rounds; round++) {
      Thread.sleep(150 + random.nextInt(500)); // while all three replicas push
      // restarts run meanwhile (a JVM takes seconds to start): kill only while another is up
      List<Integer> up = up(hubs);
      while (up.size() < 2) {
        CompletableFuture.anyOf(
                hubs.stream().filter(h -> !h.isDone()).toArray(CompletableFuture[]::new))
            .get(60, TimeUnit.SECONDS);
        up = up(hubs);
      }
      int victim = up.get(random.nextInt(up.size()));
      long[] before = new long[3];
      for (int r = 0; r < 3; r++) {
        before[r] = acked.get(r);
      }
      Process killed = hubs.get(victim).get();
      killed.destroyForcibly(); // SIGKILL: no drain, no close, its sockets just drop
      killed.waitFor(10, TimeUnit.SECONDS);
      for (int r = 0; r < 3; r++) { // at once: the replicas are pushing again elsewhere already
        assertThat(storedUpTo(storeDb, SITES[r]))
            .as("%s's acknowledged changes after kill %d (seed %d)", SITES[r], round + 1, seed)
            .isGreaterThanOrEqualTo(before[r]);
      }
      hubs.set(victim, start(victim, ports[victim], store));
      System.out.println(
          "SeveralHubsKillTest: kill "
              + (round + 1)
              + " of instance "
              + victim
              + ", acked "
              + java.util.Arrays.toString(before));
    }

    writing.set(false);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    CompletableFuture.allOf(hubs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    long total = written[0] + written[1] + written[2];
    System.out.println("SeveralHubsKillTest: " + rounds + " kills, " + total + " rows written");
    await(
        "every replica holds every row (seed " + seed + ")",
        () ->
            Db.of(writers[0]).clock().equals(Db.of(writers[1]).clock())
                && Db.of(writers[0]).clock().equals(Db.of(writers[2]).clock())
                && Db.scalar(writers[0], "SELECT count(*) FROM note") == total);
    assertThat(sameRows(writers)).as("seed %d", seed).isTrue();
    for (int r = 0; r < 3; r++) {
      assertThat(Db.seq(writers[r])).isEqualTo(written[r]);
      assertThat(storedUpTo(storeDb, SITES[r])).as("seed %d", seed).isEqualTo(written[r]);
    }
  }

  private static List<Integer> up(List<CompletableFuture<Process>> hubs) {
    List<Integer> up = new ArrayList<>();
    for (int i = 0; i < hubs.size(); i++) {
      if (hubs.get(i).isDone() && !hubs.get(i).isCompletedExceptionally()) {
        up.add(i);
      }
    }
    return up;
  }

  private CompletableFuture<Process> start(int instance, int port, String store) {
    Path data = dir.resolve("hub" + instance);
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            Process hub = HubProcess.start(data, port, store);
            started.add(hub);
            return hub;
          } catch (Exception e) {
            throw new IllegalStateException("hub " + instance + " did not start", e);
          }
        },
        starter);
  }

  /** The replica's URL: all three instances, each replica starting on another. */
  private String url(int replica, int[] ports) {
    StringBuilder hub = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      int instance = (replica + i) % 3;
      hub.append(i == 0 ? "" : ",")
          .append("ws://127.0.0.1:")
          .append(ports[instance])
          .append('/')
          .append(HubFixture.WORKSPACE);
    }
    return "jdbc:chora:"
        + dir.resolve(SITES[replica] + ".db")
        + "?chora.site="
        + SITES[replica]
        + "&chora.hub="
        + hub
        + "&chora.hub.token="
        + HubFixture.TOKEN
        + "&busy_timeout=10000";
  }

  private Connection open(String url) throws SQLException {
    Connection c = DriverManager.getConnection(url);
    open.add(c);
    return c;
  }

  /**
   * A lower bound of this replica's seq the hub acknowledged: the status counts pending against a
   * clock read after this one.
   */
  private static long ackedAtLeast(Connection c) throws SQLException {
    long seq = Db.seq(c);
    return Math.max(0, seq - Db.of(c).hubStatus().pendingTransactions());
  }

  /** The last seq of {@code origin} the store holds with every one before it. */
  private static long storedUpTo(Connection db, String origin) throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement(
            "SELECT first, last FROM chora_hub.envelope WHERE origin = ? ORDER BY first")) {
      st.setString(1, origin);
      long upTo = 0;
      try (ResultSet rows = st.executeQuery()) {
        while (rows.next() && rows.getLong(1) <= upTo + 1) {
          upTo = Math.max(upTo, rows.getLong(2));
        }
      }
      return upTo;
    }
  }

  @FunctionalInterface
  private interface Body {
    void run() throws Exception;
  }

  private static Thread thread(String name, Body body) {
    Thread t =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (Exception e) {
                throw new IllegalStateException(name + " failed", e);
              }
            },
            name);
    t.start();
    return t;
  }

  private static void await(String what, HubFixture.Check condition) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      try {
        if (condition.holds()) {
          return;
        }
      } catch (SQLException busy) {
        // an apply holds the file for a moment: look again
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(50);
    }
  }
}
