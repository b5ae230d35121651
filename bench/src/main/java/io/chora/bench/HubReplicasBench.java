package io.chora.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated workspace of many replicas on one hub (SQLite store): {@code java -Xmx3g -cp
 * bench/target/benchmarks.jar io.chora.bench.HubReplicasBench [replicas] [concurrent] [pushes]
 * [every] [snapshotBytesPerTransaction]} (defaults 10,000, 250, 2, 1,000 and 32). Light replicas
 * ({@link HubReplica}, each its own site) join in waves of {@code concurrent}: each starts new
 * (from the hub's snapshot once there is one), pushes {@code pushes} envelopes of one ~100-byte
 * transaction, receives the others' live, and leaves. Run twice, each on a hub in its own JVM
 * ({@link HubProcess}): snapshots every {@code every} envelopes with compaction (retention 2 s,
 * waves 2.6 s apart), and the same with a retention of a day, under which the members that came and
 * went keep every envelope. Printed every 1,000 replicas: the log's envelopes and bytes, the
 * snapshot's bytes, member rows, the file's size, and the hub's heap after GC with a wave
 * connected. At the end, a fresh replica's catch-up: from the snapshot, and (protocol 1.0, on the
 * hub that kept everything) from the whole history.
 */
public final class HubReplicasBench {
  private static final long PAUSE_MILLIS = 2_600;

  private HubReplicasBench() {}

  public static void main(String[] args) throws Exception {
    int replicas = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int concurrent = args.length > 1 ? Integer.parseInt(args[1]) : 250;
    int pushes = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int every = args.length > 3 ? Integer.parseInt(args[3]) : 1_000;
    int snapshotBytes = args.length > 4 ? Integer.parseInt(args[4]) : 32;
    try {
      run("compaction (retention 2 s)", 2_000, replicas, concurrent, pushes, every, snapshotBytes);
      run(
          "no compaction (retention 1 day)",
          86_400_000,
          replicas,
          concurrent,
          pushes,
          every,
          snapshotBytes);
    } finally {
      Runtime.getRuntime().halt(0); // the clients' HTTP threads
    }
  }

  private static void run(
      String label,
      long retentionMillis,
      int replicas,
      int concurrent,
      int pushes,
      int every,
      int snapshotBytes)
      throws Exception {
    Process hub =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + System.getProperty("chora.bench.hubHeap", "2g"),
                "-cp",
                System.getProperty("java.class.path"),
                HubProcess.class.getName(),
                "every=" + every,
                "retention=" + retentionMillis,
                "compact=250")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader fromHub =
        new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8));
    PrintStream toHub = new PrintStream(hub.getOutputStream(), true, StandardCharsets.UTF_8);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
    byte[] transaction = new byte[75];
    new Random(7).nextBytes(transaction);
    String payload = Base64.getEncoder().encodeToString(transaction);
    AtomicLong received = new AtomicLong();
    try {
      String[] started = fromHub.readLine().split(" ");
      String url = started[1];
      Path log = Path.of(started[3]).resolve(HubThroughput.WORKSPACE + ".db");
      System.out.printf(
          "%n%s: %,d replicas, %d connected at a time, %d pushes each, snapshot every %,d"
              + " envelopes%n",
          label, replicas, concurrent, pushes, every);
      System.out.println(
          "  replicas  envelopes  payload-KB  snapshot-KB  members  file-KB  hub-heap-MB"
              + "  (with a wave connected)  wave-s");
      long startedAt = System.nanoTime();
      for (int first = 0; first < replicas; first += concurrent) {
        long waveStart = System.nanoTime();
        List<HubReplica> wave = new ArrayList<>();
        for (int i = first; i < Math.min(replicas, first + concurrent); i++) {
          wave.add(new HubReplica("r-" + i, pushes, payload, snapshotBytes, received));
        }
        all(pool, wave, r -> r.connect(http, url, 1));
        all(pool, wave, HubReplica::awaitCaughtUp);
        all(pool, wave, HubReplica::pushAll);
        int done = first + wave.size();
        String heap = "";
        if (done % 1_000 == 0 || done == replicas) {
          toHub.println("measure");
          String line = fromHub.readLine();
          heap =
              String.format("%11.1f", Long.parseLong(line.substring(5, line.indexOf(' '))) / 1e6);
        }
        wave.forEach(HubReplica::close);
        double waveSeconds = (System.nanoTime() - waveStart) / 1e9;
        Thread.sleep(PAUSE_MILLIS); // past the retention: a compaction may run
        if (!heap.isEmpty()) {
          System.out.printf(
              "  %8d  %9d  %10d  %11d  %7d  %7d  %s  %30.1f%n",
              done,
              HubLogFile.count(log, "SELECT count(*) FROM envelope"),
              HubLogFile.count(log, "SELECT coalesce(sum(length(payload)), 0) FROM envelope")
                  / 1024,
              HubLogFile.count(log, "SELECT coalesce(sum(length(payload)), 0) FROM snapshot")
                  / 1024,
              HubLogFile.count(log, "SELECT count(*) FROM member"),
              HubLogFile.bytes(log) / 1024,
              heap,
              waveSeconds);
        }
      }
      System.out.printf(
          "  all waves: %.0f s, %,.1f MB received by the replicas%n",
          (System.nanoTime() - startedAt) / 1e9, received.get() / 1e6);
      catchUp("fresh replica, protocol 1.1 (from the snapshot)", http, url, 1, payload);
      catchUp("fresh replica, protocol 1.0 (from the history)", http, url, 0, payload);
    } finally {
      pool.shutdownNow();
      hub.getOutputStream().close();
      hub.destroy();
      hub.waitFor();
    }
  }

  private static void catchUp(String label, HttpClient http, String url, int minor, String payload)
      throws Exception {
    AtomicLong bytes = new AtomicLong();
    HubReplica fresh = new HubReplica("fresh-" + minor, 0, payload, 0, bytes);
    long start = System.nanoTime();
    try {
      fresh.connect(http, url, minor);
      long end = fresh.awaitCaughtUp();
      System.out.printf(
          "  %s: caught up in %.0f ms, %,.1f KB received%n",
          label, (end - start) / 1e6, bytes.get() / 1024.0);
    } catch (IllegalStateException refused) {
      System.out.printf("  %s: %s%n", label, refused.getMessage());
    } finally {
      fresh.close();
    }
  }

  private interface Step {
    Object run(HubReplica replica) throws Exception;
  }

  private static void all(ExecutorService pool, List<HubReplica> wave, Step step) throws Exception {
    List<Future<?>> running = new ArrayList<>();
    for (HubReplica replica : wave) {
      running.add(pool.submit(() -> step.run(replica)));
    }
    for (Future<?> one : running) {
      one.get();
    }
  }
}
