package io.chora.bench;

import io.chora.hub.HubConfig;
import io.chora.hub.HubServer;
import io.chora.hub.SnapshotPolicy;
import io.chora.jdbc.ChoraConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/**
 * Hub storage under a steady workload with and without compaction, and a fresh replica's catch-up
 * from the snapshot versus from the whole history, in one run. {@code java -cp
 * bench/target/benchmarks.jar io.chora.bench.HubSnapshotBench [commits] [rows]} (defaults 6,000 and
 * 500): one writer updates a fixed set of rows, a commit at a time; every 1,000 commits it prints
 * the envelopes the hub's log holds, their payload bytes and the log file's size. Then a new
 * replica connects and is timed until it holds the writer's rows and clock.
 */
public final class HubSnapshotBench {
  private static final String TOKEN = "bench-token-0123456789";
  private static final SnapshotPolicy COMPACTING =
      new SnapshotPolicy(50, Duration.ofSeconds(2), Duration.ofMillis(250));

  private HubSnapshotBench() {}

  public static void main(String[] args) throws Exception {
    int commits = args.length > 0 ? Integer.parseInt(args[0]) : 6_000;
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    System.out.printf("steady workload: %,d commits over %,d rows%n", commits, rows);
    run("snapshots + compaction", COMPACTING, commits, rows);
    run("no compaction (protocol 1.0 behaviour)", SnapshotPolicy.OFF, commits, rows);
  }

  private static void run(String label, SnapshotPolicy policy, int commits, int rows)
      throws Exception {
    Path dir = Files.createTempDirectory("chora-hub-snapshots");
    HubConfig config =
        HubConfig.of(dir.resolve("hub"), Map.of("team", TOKEN))
            .withPushesPerSecond(10_000)
            .withSnapshots(policy);
    System.out.println();
    System.out.println(label);
    System.out.println("  commits  envelopes  payload-bytes  snapshot-bytes  log-file-bytes");
    try (HubServer hub = HubServer.start(config);
        Connection writer = replica(dir, hub, "writer")) {
      Path log = dir.resolve("hub").resolve("team.db");
      try (Statement st = writer.createStatement()) {
        st.execute("CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, qty REAL)");
      }
      try (PreparedStatement upsert =
          writer.prepareStatement("INSERT OR REPLACE INTO item VALUES (?, ?, ?)")) {
        for (int i = 1; i <= commits; i++) {
          upsert.setInt(1, i % rows);
          upsert.setString(2, "item " + i + " of a steady workload");
          upsert.setDouble(3, i);
          upsert.executeUpdate();
          if (i % 20 == 0) {
            awaitPushed(writer); // a hub client coalesces commits; this keeps envelopes small
          }
          if (i % 1_000 == 0) {
            Thread.sleep(600); // a compaction round or two
            System.out.printf(
                "  %7d  %9d  %13d  %14d  %14d%n",
                i,
                HubLogFile.count(log, "SELECT count(*) FROM envelope"),
                HubLogFile.count(log, "SELECT coalesce(sum(length(payload)), 0) FROM envelope"),
                HubLogFile.count(log, "SELECT coalesce(sum(length(payload)), 0) FROM snapshot"),
                HubLogFile.bytes(log));
          }
        }
      }
      awaitPushed(writer);
      long started = System.nanoTime();
      try (Connection fresh = replica(dir, hub, "fresh")) {
        ChoraConnection w = writer.unwrap(ChoraConnection.class);
        ChoraConnection f = fresh.unwrap(ChoraConnection.class);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!f.clock().equals(w.clock()) || !f.hubStatus().caughtUp()) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the fresh replica did not catch up");
          }
          Thread.sleep(2);
        }
        System.out.printf(
            "  fresh replica caught up in %.0f ms (%d envelopes in the log)%n",
            (System.nanoTime() - started) / 1e6,
            HubLogFile.count(log, "SELECT count(*) FROM envelope"));
      }
    }
  }

  private static Connection replica(Path dir, HubServer hub, String site) throws Exception {
    return DriverManager.getConnection(
        "jdbc:chora:"
            + dir.resolve(site + ".db")
            + "?chora.site="
            + site
            + "&chora.hub=ws://127.0.0.1:"
            + hub.port()
            + "/team&chora.hub.token="
            + TOKEN);
  }

  private static void awaitPushed(Connection c) throws Exception {
    ChoraConnection chora = c.unwrap(ChoraConnection.class);
    for (int i = 0; i < 30_000 && chora.hubStatus().pendingTransactions() > 0; i++) {
      Thread.sleep(1);
    }
  }
}
