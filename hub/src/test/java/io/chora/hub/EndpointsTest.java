package io.chora.hub;

import static io.chora.hub.TestHubs.OTHER_TOKEN;
import static io.chora.hub.TestHubs.TEAM_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /health} and {@code /metrics}: no authentication, and nothing secret in them. */
class EndpointsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dataDir;

  static HttpResponse<String> get(HubServer hub, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + hub.port() + path);
    return HTTP.send(
        HttpRequest.newBuilder(uri).timeout(TestClient.TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode metrics(HubServer hub) throws Exception {
    HttpResponse<String> response = get(hub, "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    return TestClient.JSON.readTree(response.body());
  }

  @Test
  void healthSaysOk() throws Exception {
    try (HubServer hub = TestHubs.start(dataDir)) {
      HttpResponse<String> health = get(hub, "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("{\"status\":\"ok\",\"store\":\"ok\"}");
    }
  }

  @Test
  void metricsCountClientsEnvelopesRateAndStoreSizeWithoutSecrets() throws Exception {
    try (HubServer hub = TestHubs.start(dataDir);
        TestClient laptop = TestHubs.team(hub);
        TestClient phone = TestHubs.team(hub)) {
      laptop.join("laptop", Map.of());
      phone.join("phone", Map.of());
      for (int seq = 1; seq <= 5; seq++) {
        laptop.pushAndAwait("laptop", seq, seq, Map.of());
      }

      JsonNode metrics = metrics(hub);
      long deadline = System.nanoTime() + TestClient.TIMEOUT.toNanos();
      while (metrics.path("envelopesPerSecond").asDouble() != 0.5 && System.nanoTime() < deadline) {
        Thread.sleep(200); // the rate counts whole seconds
        metrics = metrics(hub);
      }

      JsonNode team = metrics.path("workspaces").path(TestHubs.TEAM);
      assertThat(team.path("connectedClients").asInt()).isEqualTo(2);
      assertThat(team.path("envelopesStored").asLong()).isEqualTo(5);
      assertThat(team.path("envelopesPerSecond").asDouble()).isEqualTo(0.5); // 5 over 10 s
      assertThat(team.path("storeBytes").asLong()).isPositive();
      assertThat(metrics.path("connectedClients").asInt()).isEqualTo(2);
      assertThat(metrics.path("envelopesStored").asLong()).isEqualTo(5);
      assertThat(metrics.path("uptimeSeconds").asLong()).isNotNegative();
      assertThat(metrics.path("workspaces").has(TestHubs.OTHER)).as("never opened").isFalse();
      String text = metrics.toString();
      assertThat(text)
          .doesNotContain(TEAM_TOKEN, OTHER_TOKEN, TestClient.payload("laptop", 1, 1), "laptop");
    }
  }

  @Test
  void logsAlreadyOnDiskAreCountedFromTheStart() throws Exception {
    try (HubServer hub = TestHubs.start(dataDir);
        TestClient laptop = TestHubs.team(hub)) {
      laptop.join("laptop", Map.of());
      laptop.pushAndAwait("laptop", 1, 3, Map.of());
    }
    try (HubServer hub = TestHubs.start(dataDir)) {
      JsonNode team = metrics(hub).path("workspaces").path(TestHubs.TEAM);
      assertThat(team.path("envelopesStored").asLong()).isEqualTo(1);
      assertThat(team.path("connectedClients").asInt()).isZero();
    }
  }
}
