package io.chora.bench;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connects {@code count} clients to a hub and leaves them idle: {@code HubIdleClients HUB_URL
 * COUNT}. Prints {@code connected} once all are caught up, then waits to be killed. Runs in its own
 * JVM so that {@link HubThroughput} measures the hub's heap only.
 */
public final class HubIdleClients {
  private HubIdleClients() {}

  public static void main(String[] args) throws Exception {
    String hubUrl = args[0];
    int count = Integer.parseInt(args[1]);
    HttpClient http = HttpClient.newHttpClient();
    AtomicLong ignored = new AtomicLong();
    List<HubBenchClient> clients = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      HubBenchClient client = new HubBenchClient("idle-" + i, null, 1, ignored, ignored);
      client.connect(http, hubUrl, HubThroughput.WORKSPACE, HubThroughput.TOKEN);
      clients.add(client);
    }
    System.out.println("connected");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
