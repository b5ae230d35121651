package io.chora.hub;

import static io.chora.hub.TestHubs.TEAM;
import static io.chora.hub.TestHubs.TEAM_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that stops reading is cut off; the others keep their pace. */
class SlowClientTest {
  private static final int ENVELOPES = 200;
  private static final String PAYLOAD = "A".repeat(64 * 1024);

  @TempDir Path dataDir;

  @Test
  void aClientThatStopsReadingIsDroppedWithoutSlowingTheOthers() throws Exception {
    try (HubServer hub =
            TestHubs.start(
                dataDir,
                config ->
                    config.withOutboundQueueBytes(2 * 1024 * 1024).withPushesPerSecond(10_000));
        TestClient pusher = TestHubs.team(hub);
        TestClient reader = TestHubs.team(hub)) {
      pusher.join("laptop", Map.of());
      reader.join("phone", Map.of());
      WebSocket stalled = connectWithoutReading(hub);
      stalled.sendText(
          "{\"type\":\"hello\",\"version\":1,\"site\":\"stalled\",\"clock\":{}}", true);
      awaitConnected(hub, 3);

      for (int seq = 1; seq <= ENVELOPES; seq++) {
        pusher.send(TestClient.pushJson("laptop", seq, seq, Map.of(), PAYLOAD));
        assertThat(pusher.next().path("type").asText()).isEqualTo("ack");
        assertThat(reader.next().path("last").asLong()).isEqualTo(seq);
      }

      awaitConnected(hub, 2); // the stalled one, closed and then dropped
      stalled.abort();
    }
  }

  /** A WebSocket that never asks for a message, so the hub's frames pile up. */
  private static WebSocket connectWithoutReading(HubServer hub) throws Exception {
    return HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .header("Authorization", "Bearer " + TEAM_TOKEN)
        .buildAsync(
            URI.create(hub.url() + "/v1/" + TEAM),
            new WebSocket.Listener() {
              @Override
              public void onOpen(WebSocket socket) {
                // no request(1): nothing is read
              }
            })
        .get(TestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static void awaitConnected(HubServer hub, int clients) throws Exception {
    long deadline = System.nanoTime() + 2 * TestClient.TIMEOUT.toNanos();
    int connected = -1;
    while (System.nanoTime() < deadline) {
      connected = EndpointsTest.metrics(hub).path("connectedClients").asInt();
      if (connected == clients) {
        return;
      }
      Thread.sleep(100);
    }
    assertThat(connected).as("connected clients").isEqualTo(clients);
  }
}
