package io.chora.bench;

import io.chora.hub.HubConfig;
import io.chora.hub.HubServer;
import io.chora.hub.StoreUrl;
import io.chora.hub.testing.PgCluster;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hub throughput and memory on loopback. {@code java -cp bench/target/benchmarks.jar
 * io.chora.bench.HubThroughput [clients] [pushers] [transactionsPerEnvelope] [seconds] [windows]}
 * (defaults 50, 50, 1, 10 and 1); with {@code -Dchora.bench.store=jdbc:postgresql://…}, or {@code
 * -Dchora.bench.store=start} for a throwaway PostgreSQL server of its own ({@link PgCluster}), the
 * first part runs again on that PostgreSQL store, in the same run. {@code windows} is a comma list
 * of how many pushes each pusher keeps in flight ({@code 1,4,16}): each is measured in turn.
 *
 * <ol>
 *   <li>{@code clients} protocol clients join one workspace; {@code pushers} of them push, each
 *       keeping one push (as the driver does) or a window of pushes in flight, every envelope
 *       carrying {@code transactionsPerEnvelope} small transactions of about 300 bytes each
 *       (random, so incompressible). Everyone receives what the others push. Reported: envelopes
 *       and transactions stored per second (acknowledged, so fsync'd) and envelopes delivered per
 *       second.
 *   <li>500 idle clients (in a child JVM, so their own objects are not counted) connect to a fresh
 *       hub; the hub's heap after a full GC, before and after, gives the memory per idle client.
 * </ol>
 *
 * The clients run in the hub's JVM for the first part, sharing its CPUs. The hub's per-connection
 * push limit is raised for the run so the figure shows what the hub sustains; the default (200/s)
 * would cap each pusher.
 */
public final class HubThroughput {
  static final String WORKSPACE = "bench";
  static final String TOKEN = "bench-token-0123456789";
  private static final int TRANSACTION_BYTES = Integer.getInteger("chora.bench.txBytes", 300);
  private static final int IDLE_CLIENTS = 500;
  private static final int WARM_UP_SECONDS = 3;

  private HubThroughput() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int pushers = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int perEnvelope = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    int[] windows =
        java.util.Arrays.stream((args.length > 4 ? args[4] : "1").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    PgCluster cluster =
        "start".equals(System.getProperty("chora.bench.store")) ? PgCluster.start() : null;
    try {
      StoreUrl store = cluster != null ? new StoreUrl(cluster.newDatabase(), null) : pgStore();
      for (int window : windows) {
        throughput(clients, pushers, perEnvelope, seconds, window, null);
        if (store != null) { // the same run, the same clients: only the store differs
          throughput(clients, pushers, perEnvelope, seconds, window, fresh(cluster, store));
        }
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
    if (!Boolean.getBoolean("chora.bench.skipIdle")) {
      idleMemory();
    }
  }

  /** Each run on an empty database of the throwaway server, so no run starts on another's log. */
  private static StoreUrl fresh(PgCluster cluster, StoreUrl store) throws Exception {
    return cluster == null ? store : new StoreUrl(cluster.newDatabase(), null);
  }

  /**
   * The PostgreSQL store to measure beside SQLite: {@code -Dchora.bench.store=jdbc:postgresql://…}
   * (password in the URL or {@code CHORA_HUB_STORE_PASSWORD}), or null to measure SQLite only.
   */
  static StoreUrl pgStore() {
    String url = System.getProperty("chora.bench.store");
    return url == null ? null : new StoreUrl(url, System.getenv(StoreUrl.PASSWORD_ENV));
  }

  private static HubServer startHub(String name) throws Exception {
    return startHub(name, null);
  }

  static HubServer startHub(String name, StoreUrl store) throws Exception {
    Path dir = Files.createTempDirectory("chora-hub-" + name);
    HubConfig config = HubConfig.of(dir, Map.of(WORKSPACE, TOKEN)).withPushesPerSecond(1_000_000);
    return HubServer.start(store == null ? config : config.withStore(store));
  }

  private static void throughput(
      int clients, int pushers, int perEnvelope, int seconds, int window, StoreUrl store)
      throws Exception {
    byte[] transactions = new byte[TRANSACTION_BYTES * perEnvelope];
    new Random(42).nextBytes(transactions);
    String payload = Base64.getEncoder().encodeToString(transactions);
    AtomicLong received = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    HttpClient http =
        HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4, daemon())).build();
    List<HubBenchClient> all = new ArrayList<>();
    try (HubServer hub = startHub("throughput", store)) {
      for (int i = 0; i < clients; i++) {
        HubBenchClient client =
            new HubBenchClient("site-" + i, payload, perEnvelope, window, received, acked);
        client.connect(http, hub.url(), WORKSPACE, TOKEN);
        all.add(client);
      }
      all.subList(0, pushers).forEach(HubBenchClient::startPushing);
      Thread.sleep(TimeUnit.SECONDS.toMillis(WARM_UP_SECONDS));
      long storedBefore = acked.get();
      long receivedBefore = received.get();
      long hubCpuBefore = hubThreadsCpuNanos();
      long start = System.nanoTime();
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      double elapsed = (System.nanoTime() - start) / 1e9;
      double hubCpu = (hubThreadsCpuNanos() - hubCpuBefore) / 1e9;
      long stored = acked.get() - storedBefore;
      long delivered = received.get() - receivedBefore;
      all.forEach(HubBenchClient::stopPushing);
      System.out.printf(
          "hub throughput, %s store: %d clients, %d pushing (%d push(es) in flight each), %d"
              + " transaction(s) of %d bytes per envelope (%d bytes of base64), %.0f s measured%n",
          store == null ? "SQLite" : "PostgreSQL",
          clients,
          pushers,
          window,
          perEnvelope,
          TRANSACTION_BYTES,
          payload.length(),
          elapsed);
      System.out.printf(
          "  stored (acked, fsync'd): %,.0f envelopes/s = %,.0f transactions/s%n",
          stored / elapsed, stored * perEnvelope / elapsed);
      System.out.printf(
          "  delivered to other clients: %,.0f envelopes/s = %,.0f transactions/s (%.1f MB/s of"
              + " payload)%n",
          delivered / elapsed,
          delivered * perEnvelope / elapsed,
          delivered * (double) payload.length() / elapsed / 1e6);
      System.out.printf(
          "  hub threads' CPU: %.2f cores, %.1f us per envelope delivered (the clients, in this"
              + " JVM, used the rest)%n",
          hubCpu / elapsed, hubCpu * 1e6 / Math.max(1, delivered));
      all.forEach(HubBenchClient::close);
    }
  }

  /** Heap of a hub with {@link #IDLE_CLIENTS} connected clients, per client, after full GCs. */
  private static void idleMemory() throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    try (HubServer hub = startHub("idle")) {
      long before = usedHeapAfterGc(memory);
      Process clients =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  HubIdleClients.class.getName(),
                  hub.url(),
                  Integer.toString(IDLE_CLIENTS))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      try {
        BufferedReader out =
            new BufferedReader(
                new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"connected".equals(line)) {
          throw new IllegalStateException("idle clients did not connect: " + line);
        }
        long after = usedHeapAfterGc(memory);
        System.out.printf(
            "hub heap per idle client: %,d bytes (%d clients; heap %.1f MB -> %.1f MB after GC)%n",
            (after - before) / IDLE_CLIENTS, IDLE_CLIENTS, before / 1e6, after / 1e6);
      } finally {
        clients.destroy();
        clients.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** CPU time of the hub's threads (Jetty's and the store's), not the benchmark clients'. */
  private static long hubThreadsCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (thread != null
          && (thread.getThreadName().startsWith("JettyServerThreadPool")
              || thread.getThreadName().startsWith("chora-hub"))) {
        total += Math.max(0, threads.getThreadCpuTime(thread.getThreadId()));
      }
    }
    return total;
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return runnable -> {
      Thread thread = new Thread(runnable, "bench-client");
      thread.setDaemon(true);
      return thread;
    };
  }
}
