package io.chora.bench;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Idle connected clients on one hub instance: {@code java -Xmx3g -cp bench/target/benchmarks.jar
 * io.chora.bench.HubIdleBench [counts]} (default {@code 1000,5000,10000}). The hub runs in a JVM of
 * its own ({@link HubProcess}, {@code -Dchora.bench.hubHeap=1g}); this JVM connects light protocol
 * clients ({@link HubBenchClient}: hello, catch-up, then nothing but answering the hub's pings) up
 * to each count and prints the hub's heap after full GCs, per client, and its threads.
 *
 * <p>Each connection takes a file descriptor in both JVMs: the largest count plus about 1,000 must
 * fit {@code ulimit -n} (checked here; raise it with {@code ulimit -n 20000} in the shell that runs
 * this). 10,000 connections from 127.0.0.1 fit the default ephemeral port range.
 */
public final class HubIdleBench {
  private HubIdleBench() {}

  public static void main(String[] args) throws Exception {
    String list = args.length > 0 ? args[0] : "1000,5000,10000";
    List<Integer> counts = new ArrayList<>();
    for (String count : list.split(",")) {
      counts.add(Integer.parseInt(count));
    }
    int most = counts.get(counts.size() - 1);
    long fds =
        ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getMaxFileDescriptorCount();
    if (fds < most + 1_000L) {
      System.err.printf(
          "%,d connections need about %,d file descriptors; ulimit -n allows %,d: run ulimit -n"
              + " %d first%n",
          most, most + 1_000L, fds, most + 1_000);
      System.exit(2);
    }
    Process hub =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + System.getProperty("chora.bench.hubHeap", "1g"),
                "-cp",
                System.getProperty("java.class.path"),
                HubProcess.class.getName())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader fromHub =
        new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8));
    PrintStream toHub = new PrintStream(hub.getOutputStream(), true, StandardCharsets.UTF_8);
    ExecutorService connecting = Executors.newFixedThreadPool(16);
    try {
      String url = fromHub.readLine().split(" ")[1];
      HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
      AtomicLong ignored = new AtomicLong();
      toHub.println("measure");
      long before = heapOf(fromHub.readLine());
      System.out.printf("hub with no client: %s%n", lastLine);
      System.out.println("  clients  hub heap MB  per client (bytes)  hub threads");
      List<HubBenchClient> clients = new ArrayList<>();
      for (int count : counts) {
        List<Future<?>> connects = new ArrayList<>();
        for (int i = clients.size(); i < count; i++) {
          HubBenchClient client = new HubBenchClient("idle-" + i, null, 1, ignored, ignored);
          clients.add(client);
          connects.add(
              connecting.submit(
                  () -> {
                    client.connect(http, url, HubThroughput.WORKSPACE, HubThroughput.TOKEN);
                    return null;
                  }));
        }
        for (Future<?> connect : connects) {
          connect.get();
        }
        toHub.println("measure");
        long heap = heapOf(fromHub.readLine());
        System.out.printf(
            "  %7d  %11.1f  %,18d  %s%n",
            count, heap / 1e6, (heap - before) / count, lastLine.substring(lastLine.indexOf(' ')));
      }
    } finally {
      connecting.shutdownNow();
      hub.getOutputStream().close();
      hub.destroy();
      hub.waitFor();
      Runtime.getRuntime().halt(0); // the clients' sockets and the HTTP client's threads
    }
  }

  private static String lastLine;

  private static long heapOf(String line) {
    lastLine = line;
    return Long.parseLong(line.substring(5, line.indexOf(' ')));
  }
}
