package io.chora.hub;

import java.io.IOException;
import java.io.PrintWriter;

/**
 * Runs a hub as a process's only job: until SIGTERM or Ctrl-C, which drain it (clients are sent to
 * another instance with 1012) and close it cleanly.
 */
public final class HubRunner {
  private HubRunner() {}

  /**
   * Starts the hub, prints {@code chora hub listening on ws://HOST:PORT} (the real port, also when
   * the config said 0) and returns once a shutdown hook has closed it.
   */
  public static void runUntilShutdown(HubConfig config, PrintWriter out)
      throws IOException, InterruptedException {
    runUntilShutdown(config, out, () -> {});
  }

  /** As {@link #runUntilShutdown(HubConfig, PrintWriter)}, running {@code listening} once it is. */
  public static void runUntilShutdown(HubConfig config, PrintWriter out, Runnable listening)
      throws IOException, InterruptedException {
    HubServer hub = HubServer.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(hub::close, "chora-hub-shutdown"));
    out.println("chora hub listening on " + hub.url());
    listening.run();
    out.flush();
    hub.awaitClosed();
  }
}
