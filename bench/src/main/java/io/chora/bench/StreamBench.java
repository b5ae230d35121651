package io.chora.bench;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.ApplyResult;
import io.chora.sync.VectorClock;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;

/**
 * A change set far larger than the heap streams out of one replica into a file and from there into
 * a fresh replica: {@code java -Xmx64m -cp bench/target/benchmarks.jar io.chora.bench.StreamBench
 * [changes] [per transaction]} (default 1,000,000 inserted rows in transactions of 10,000). Prints
 * the time of each step, the set's size, and the peak heap the JVM used; fails if the replicas
 * differ.
 */
public final class StreamBench {
  private StreamBench() {}

  public static void main(String[] args) throws Exception {
    int changes = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int perTx = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    Path dir = Files.createTempDirectory("chora-stream-bench");
    Path wire = dir.resolve("set.json");
    try (Connection source = BenchDb.replica(BenchDb.JAVA, dir, "source");
        Connection target = BenchDb.replica(BenchDb.JAVA, dir, "target")) {
      HeapSampler heap = new HeapSampler();
      heap.start();
      long t0 = System.nanoTime();
      BenchDb.fill(source, 1, changes, perTx);
      long t1 = System.nanoTime();
      int written;
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(wire), 1 << 16)) {
        written = source.unwrap(ChoraConnection.class).changesSince(new VectorClock(), out);
      }
      long t2 = System.nanoTime();
      ApplyResult result;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(wire), 1 << 16)) {
        result = target.unwrap(ChoraConnection.class).apply(in);
      }
      long t3 = System.nanoTime();
      long rows = BenchDb.count(target);
      String sourceSum = BenchDb.checksum(source);
      String targetSum = BenchDb.checksum(target);
      System.out.printf(
          "%,d changes in %,d transactions (%,d MB on the wire), max heap %d MB:%n"
              + "  write %,d ms, stream out %,d ms, stream in %,d ms (%,.0f column changes/s),"
              + " applied %d transactions, %,d rows; most heap in use at once %d MB%n",
          changes,
          written,
          Files.size(wire) >> 20,
          Runtime.getRuntime().maxMemory() >> 20,
          (t1 - t0) / 1_000_000,
          (t2 - t1) / 1_000_000,
          (t3 - t2) / 1_000_000,
          changes * 4.0 / ((t3 - t2) / 1e9),
          result.applied(),
          rows,
          heap.finish());
      if (rows != changes || !sourceSum.equals(targetSum)) {
        throw new IllegalStateException(
            "replicas differ: " + rows + " rows, " + sourceSum + " vs " + targetSum);
      }
    } finally {
      for (String name : new String[] {"source.db", "target.db", "set.json"}) {
        Files.deleteIfExists(dir.resolve(name));
      }
      Files.deleteIfExists(dir);
    }
  }

  /** The most heap in use (live and not yet collected) seen by sampling every 5 ms. */
  private static final class HeapSampler extends Thread {
    private volatile boolean running = true;
    private long peak;

    HeapSampler() {
      setDaemon(true);
    }

    @Override
    public void run() {
      while (running) {
        peak = Math.max(peak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    long finish() {
      running = false;
      return peak >> 20;
    }
  }
}
