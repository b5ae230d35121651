package io.chora.bench;

import io.chora.hub.HubServer;
import io.chora.hub.StoreUrl;
import io.chora.hub.testing.PgCluster;
import io.chora.jdbc.ChoraConnection;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the hub stores from real chora replicas, the driver's own hub client pushing: {@code java
 * -cp bench/target/benchmarks.jar io.chora.bench.HubDriverThroughput [replicas] [seconds]}
 * (defaults 50 and 10), SQLite store, then PostgreSQL with {@code -Dchora.bench.store=start} (a
 * throwaway server) or {@code =jdbc:postgresql://…}. Each replica is a file of its own with a
 * thread committing one-row autocommit inserts as fast as it can; the driver keeps one push in
 * flight and puts the commits made meanwhile into the next envelope
 * (docs/protocol.md#client-behaviour-the- driver). Every replica also applies what the others push.
 * Reported: transactions the hub holds (the sum of its clock, read by {@link HubClockProbe}) per
 * second, and commits made.
 */
public final class HubDriverThroughput {
  private static final int WARM_UP_SECONDS = 3;

  private HubDriverThroughput() {}

  public static void main(String[] args) throws Exception {
    int replicas = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    run(replicas, seconds, null);
    boolean start = "start".equals(System.getProperty("chora.bench.store"));
    StoreUrl given = start ? null : HubThroughput.pgStore();
    if (start) {
      try (PgCluster cluster = PgCluster.start()) {
        run(replicas, seconds, new StoreUrl(cluster.newDatabase(), null));
      }
    } else if (given != null) {
      run(replicas, seconds, given);
    }
  }

  private static void run(int replicas, int seconds, StoreUrl store) throws Exception {
    Path dir = Files.createTempDirectory("chora-hub-driver");
    HttpClient http = HttpClient.newHttpClient();
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong commits = new AtomicLong();
    List<Connection> connections = new ArrayList<>();
    List<Thread> writers = new ArrayList<>();
    try (HubServer hub = HubThroughput.startHub("driver", store)) {
      for (int i = 0; i < replicas; i++) {
        Connection c =
            DriverManager.getConnection(
                "jdbc:chora:"
                    + dir.resolve("r" + i + ".db")
                    + "?chora.site=r"
                    + i
                    + "&chora.hub="
                    + hub.url()
                    + "/"
                    + HubThroughput.WORKSPACE
                    + "&chora.hub.token="
                    + HubThroughput.TOKEN);
        try (Statement st = c.createStatement()) {
          st.execute("CREATE TABLE IF NOT EXISTS item(id INTEGER PRIMARY KEY, v TEXT)");
        }
        connections.add(c);
      }
      for (int i = 0; i < replicas; i++) {
        Connection c = connections.get(i);
        long base = (i + 1L) * 1_000_000_000L;
        Thread writer =
            new Thread(
                () -> {
                  try (PreparedStatement insert =
                      c.prepareStatement("INSERT INTO item(id, v) VALUES (?, ?)")) {
                    for (long n = base; writing.get(); n++) {
                      insert.setLong(1, n);
                      insert.setString(2, "a small row of a busy replica " + n);
                      insert.executeUpdate();
                      commits.incrementAndGet();
                    }
                  } catch (Exception e) {
                    System.err.println("writer stopped: " + e);
                  }
                },
                "writer-" + i);
        writer.setDaemon(true);
        writer.start();
        writers.add(writer);
      }
      Thread.sleep(TimeUnit.SECONDS.toMillis(WARM_UP_SECONDS));
      long storedBefore = HubClockProbe.transactions(http, hub.url(), "bench", HubThroughput.TOKEN);
      long commitsBefore = commits.get();
      long start = System.nanoTime();
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      long stored =
          HubClockProbe.transactions(http, hub.url(), "bench", HubThroughput.TOKEN) - storedBefore;
      double elapsed = (System.nanoTime() - start) / 1e9;
      long made = commits.get() - commitsBefore;
      writing.set(false);
      for (Thread writer : writers) {
        writer.join(10_000);
      }
      long pending = 0;
      for (Connection c : connections) {
        pending += c.unwrap(ChoraConnection.class).hubStatus().pendingTransactions();
      }
      System.out.printf(
          "driver replicas, %s store: %d replicas committing one-row transactions, %.0f s"
              + " measured%n  committed: %,.0f transactions/s%n  stored by the hub (acked): %,.0f"
              + " transactions/s (%,d pending at the end)%n",
          store == null ? "SQLite" : "PostgreSQL",
          replicas,
          elapsed,
          made / elapsed,
          stored / elapsed,
          pending);
    } finally {
      for (Connection c : connections) {
        c.close();
      }
    }
  }
}
