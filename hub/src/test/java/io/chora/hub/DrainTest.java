package io.chora.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hub that stops drains: it answers what it took, then sends its clients elsewhere (1012). */
class DrainTest {
  @TempDir Path dataDir;

  @Test
  void aStoppingHubAcknowledgesEveryPushItStoredThenClosesItsClientsWithServiceRestart()
      throws Exception {
    TreeSet<Long> acked = new TreeSet<>();
    TestClient.Closed closed;
    try (HubServer hub = TestHubs.start(dataDir, c -> c.withPushesPerSecond(10_000));
        TestClient laptop = TestHubs.team(hub)) {
      laptop.join("laptop", Map.of());
      acked.add(laptop.pushAndAwait("laptop", 1, 1, Map.of()).path("last").asLong());
      for (long seq = 2; seq <= 400; seq++) {
        laptop.push("laptop", seq, seq, Map.of());
      }
      hub.close(); // while pushes queue up: some taken, some still on the wire
      for (JsonNode m = laptop.poll(TestClient.QUIET);
          m != null;
          m = laptop.poll(TestClient.QUIET)) {
        assertThat(m.path("type").asText()).isEqualTo("ack");
        acked.add(m.path("last").asLong());
      }
      closed = laptop.awaitClosed();
    }
    assertThat(closed.code()).isEqualTo(HubEndpoint.SERVICE_RESTART);
    assertThat(closed.reason()).startsWith("draining:");

    TreeSet<Long> stored = new TreeSet<>();
    try (HubServer again = TestHubs.start(dataDir);
        TestClient reader = TestHubs.team(again)) {
      for (JsonNode envelope : reader.join("reader", Map.of())) {
        stored.add(envelope.path("first").asLong());
      }
    }
    // what the hub stored it acknowledged before the close frame, and nothing else
    assertThat(stored).isEqualTo(acked);
  }

  @Test
  void aDrainingHubSaysSoOnHealthAndRefusesNewClients() throws Exception {
    try (HubServer hub = TestHubs.start(dataDir)) {
      hub.drain();
      HttpResponse<String> health = EndpointsTest.get(hub, "/health");
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).isEqualTo("{\"status\":\"draining\",\"store\":\"ok\"}");
      assertThat(TestClient.refusedStatus(hub.url(), TestHubs.TEAM, TestHubs.TEAM_TOKEN))
          .isEqualTo(503);
    }
  }
}
