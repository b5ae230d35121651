package io.chora.hub;

import static io.chora.hub.TestHubs.TEAM;
import static io.chora.hub.TestHubs.TEAM_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.hub.testing.PgCluster;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL restarted under a hub: pushes meanwhile are not acknowledged, /health says so, and the
 * hub recovers by itself once the server is back; nothing acknowledged before is lost.
 */
class PgRestartTest {
  @TempDir Path dir;

  @Test
  void aHubRecoversByItselfWhenPostgresqlComesBack() throws Exception {
    try (PgCluster pg = PgCluster.start();
        HubServer hub =
            HubServer.start(TestHubs.config(dir).withStore(new StoreUrl(pg.newDatabase(), null)))) {
      TestClient laptop = TestClient.connect(hub.url(), TEAM, TEAM_TOKEN);
      laptop.join("laptop", Map.of());
      assertThat(laptop.pushAndAwait("laptop", 1, 1, Map.of()).path("type").asText())
          .isEqualTo("ack");

      pg.stop();
      laptop.tryPush("laptop", 2, 2);
      assertThat(laptop.awaitClosed().code()).isEqualTo(1011); // not acked: pushed again later
      assertThat(health(hub).statusCode()).isEqualTo(503);

      pg.startServer();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (health(hub).statusCode() != 200 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(health(hub).body()).isEqualTo("{\"status\":\"ok\",\"store\":\"ok\"}");
      TestClient again = TestClient.connect(hub.url(), TEAM, TEAM_TOKEN);
      again.join("laptop", Map.of("laptop", 1L));
      assertThat(again.pushAndAwait("laptop", 2, 2, Map.of()).path("type").asText())
          .isEqualTo("ack");
      TestClient phone = TestClient.connect(hub.url(), TEAM, TEAM_TOKEN);
      assertThat(phone.join("phone", Map.of())).hasSize(2);
      again.close();
      phone.close();
    }
  }

  private static HttpResponse<String> health(HubServer hub) throws Exception {
    return EndpointsTest.get(hub, "/health");
  }
}
