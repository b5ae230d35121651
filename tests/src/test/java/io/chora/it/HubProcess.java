package io.chora.it;

import io.chora.hub.HubConfig;
import io.chora.hub.HubRunner;
import io.chora.hub.StoreUrl;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A hub in a JVM of its own, so a test can {@code kill -9} it: {@code HubProcess DATA_DIR PORT
 * [STORE_URL]} serves workspace {@link HubFixture#WORKSPACE} on 127.0.0.1, its log in the data
 * directory or in the PostgreSQL database {@code STORE_URL} names (one instance of several).
 */
public final class HubProcess {
  private HubProcess() {}

  public static void main(String[] args) throws Exception {
    HubConfig config =
        HubConfig.of(Path.of(args[0]), Map.of(HubFixture.WORKSPACE, HubFixture.TOKEN))
            .withPort(Integer.parseInt(args[1]));
    if (args.length > 2) {
      config = config.withStore(new StoreUrl(args[2], null));
    }
    HubRunner.runUntilShutdown(config, new PrintWriter(System.out, true));
  }

  /** Starts one and waits for its "listening" line; returns the process. */
  static Process start(Path data, int port) throws Exception {
    return start(data, port, null);
  }

  /**
   * As {@link #start(Path, int)}, its log in the PostgreSQL database {@code store} (or not: null).
   */
  static Process start(Path data, int port, String store) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // starts sooner (tests start it many times); a test hub needs no peak speed
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                HubProcess.class.getName(),
                data.toString(),
                Integer.toString(port)));
    if (store != null) {
      command.add(store);
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> said = new ArrayList<>();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      said.add(line);
      if (line.contains("listening on")) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> {}), "hub-process-output");
        drain.setDaemon(true);
        drain.start();
        return p;
      }
    }
    throw new IllegalStateException(
        "the hub process ended before listening ("
            + p.waitFor()
            + "): "
            + String.join("\n", said.subList(Math.max(0, said.size() - 20), said.size())));
  }

  /**
   * A port free right now on loopback below the ephemeral range (32768 and up on Linux), for a hub
   * that is killed and started again on it many times: a port from the ephemeral range may be taken
   * as the local port of some outgoing connection while the hub is down.
   */
  static int stablePort() throws Exception {
    int from = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(12_000);
    for (int port = from; port < 32_768; port++) {
      try (java.net.ServerSocket s =
          new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (java.io.IOException taken) {
        // the next one
      }
    }
    return freePort();
  }

  /** A port free right now on loopback, for a hub that must come back on the same one. */
  static int freePort() throws Exception {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
