package io.chora.it;

import io.chora.hub.HubConfig;
import io.chora.hub.HubRunner;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A hub in a JVM of its own, so a test can {@code kill -9} it: {@code HubProcess DATA_DIR PORT}
 * serves workspace {@link HubFixture#WORKSPACE} on 127.0.0.1.
 */
public final class HubProcess {
  private HubProcess() {}

  public static void main(String[] args) throws Exception {
    HubConfig config =
        HubConfig.of(Path.of(args[0]), Map.of(HubFixture.WORKSPACE, HubFixture.TOKEN))
            .withPort(Integer.parseInt(args[1]));
    HubRunner.runUntilShutdown(config, new PrintWriter(System.out, true));
  }

  /** Starts one and waits for its "listening" line; returns the process. */
  static Process start(Path data, int port) throws Exception {
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    HubProcess.class.getName(),
                    data.toString(),
                    Integer.toString(port)))
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.contains("listening on")) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> {}), "hub-process-output");
        drain.setDaemon(true);
        drain.start();
        return p;
      }
    }
    throw new IllegalStateException("the hub process ended before listening: " + p.waitFor());
  }

  /** A port free right now on loopback, for a hub that must come back on the same one. */
  static int freePort() throws Exception {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
