package io.chora.hub;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A hub in a process of its own, for tests that kill it: {@code HubMain DATA_DIR WORKSPACE=TOKEN
 * ...}, on 127.0.0.1 and a free port, printing the line {@code chora hub} prints.
 */
public final class HubMain {
  private HubMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> tokens = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      String[] workspaceToken = args[i].split("=", 2);
      tokens.put(workspaceToken[0], workspaceToken[1]);
    }
    HubConfig config = HubConfig.of(Path.of(args[0]), tokens).withPushesPerSecond(100_000);
    HubRunner.runUntilShutdown(config, new PrintWriter(System.out, true));
  }
}
