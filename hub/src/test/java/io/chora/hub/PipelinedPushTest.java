package io.chora.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pushes sent before the previous one is answered (protocol.md): decided in the order they were
 * sent, each against what the ones before it stored.
 */
@ParameterizedClass
@EnumSource(TestStore.class)
class PipelinedPushTest {
  @Parameter TestStore store;

  @TempDir Path dataDir;
  private HubServer hub;
  private final List<TestClient> clients = new ArrayList<>();

  @BeforeEach
  void startHub() throws Exception {
    hub = TestHubs.start(store, dataDir, config -> config.withPushesPerSecond(10_000));
  }

  @AfterEach
  void stopHub() {
    clients.forEach(TestClient::close);
    hub.close();
  }

  private TestClient team() {
    TestClient client = TestHubs.team(hub);
    clients.add(client);
    return client;
  }

  @Test
  void pushesSentBackToBackAreStoredInOrder() {
    TestClient laptop = team();
    laptop.join("laptop", Map.of());
    for (long seq = 1; seq <= 20; seq += 2) {
      laptop.push("laptop", seq, seq + 1, Map.of()); // none waits for the ack before it
    }
    for (long last = 2; last <= 20; last += 2) {
      JsonNode answer = laptop.next();
      assertThat(answer.path("type").asText()).isEqualTo("ack");
      assertThat(answer.path("last").asLong()).isEqualTo(last);
    }
    List<JsonNode> log = team().join("phone", Map.of());
    assertThat(log)
        .extracting(e -> e.path("first").asLong())
        .containsExactly(1L, 3L, 5L, 7L, 9L, 11L, 13L, 15L, 17L, 19L);
  }

  @Test
  void aPushAfterANackedOneIsNackedAsAGap() {
    TestClient laptop = team();
    laptop.join("laptop", Map.of());
    laptop.push("laptop", 1, 1, Map.of("phone", 3L)); // deps the hub lacks
    laptop.push("laptop", 2, 2, Map.of());
    JsonNode first = laptop.next();
    JsonNode second = laptop.next();
    assertThat(first.path("type").asText()).isEqualTo("nack");
    assertThat(first.path("reason").asText()).startsWith("deps missing:");
    assertThat(second.path("type").asText()).isEqualTo("nack");
    assertThat(second.path("reason").asText()).startsWith("gap:");
    assertThat(team().join("phone", Map.of())).isEmpty();
  }
}
