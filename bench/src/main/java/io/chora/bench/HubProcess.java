package io.chora.bench;

import io.chora.hub.HubConfig;
import io.chora.hub.HubServer;
import io.chora.hub.SnapshotPolicy;
import io.chora.hub.StoreUrl;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A hub in a JVM of its own, so that a benchmark measures the hub's heap and threads and not its
 * clients': {@code HubProcess [every=N] [retention=MS] [compact=MS] [store=URL]} (snapshots off
 * unless {@code every} is given). Prints {@code url ws://…} once it listens, then answers each line
 * {@code measure} on its input with {@code heap=BYTES threads=N (by pool: …)}, the heap used after
 * full GCs; ends when its input closes.
 */
public final class HubProcess {
  private HubProcess() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      options.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    Path dir = Files.createTempDirectory("chora-hub-process");
    HubConfig config =
        HubConfig.of(dir, Map.of(HubThroughput.WORKSPACE, HubThroughput.TOKEN))
            .withPushesPerSecond(1_000_000);
    if (options.containsKey("every")) {
      config =
          config.withSnapshots(
              new SnapshotPolicy(
                  Long.parseLong(options.get("every")),
                  Duration.ofMillis(Long.parseLong(options.getOrDefault("retention", "2000"))),
                  Duration.ofMillis(Long.parseLong(options.getOrDefault("compact", "250")))));
    } else {
      config = config.withSnapshots(SnapshotPolicy.OFF);
    }
    if (options.containsKey("store")) {
      config = config.withStore(new StoreUrl(options.get("store"), null));
    }
    try (HubServer hub = HubServer.start(config)) {
      System.out.println("url " + hub.url() + " dir " + dir);
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        if (line.equals("measure")) {
          System.out.println(measure());
          System.out.flush();
        }
      }
    }
  }

  private static String measure() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(300);
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    Map<String, Integer> pools = new TreeMap<>();
    var threads = ManagementFactory.getThreadMXBean();
    for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (thread != null) {
        pools.merge(thread.getThreadName().replaceAll("-\\d.*$|\\d+$", ""), 1, Integer::sum);
      }
    }
    return "heap=" + heap + " threads=" + threads.getThreadCount() + " (by pool: " + pools + ")";
  }
}
