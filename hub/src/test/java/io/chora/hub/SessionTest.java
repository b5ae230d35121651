package io.chora.hub;

import static io.chora.hub.TestHubs.OTHER;
import static io.chora.hub.TestHubs.OTHER_TOKEN;
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

/** The session of protocol.md: hello, catch-up, push and ack, live relay, the hub's rules. */
@ParameterizedClass
@EnumSource(TestStore.class)
class SessionTest {
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
  void helloIsWelcomedThenCaughtUp() {
    TestClient client = team();
    assertThat(client.helloWelcome("laptop", Map.of()).size()).isZero();
    JsonNode caughtUp = client.next();
    assertThat(caughtUp.path("type").asText()).isEqualTo("caughtUp");
    assertThat(caughtUp.get("hubClock").size()).isZero();
  }

  @Test
  void pushIsAckedAndRelayedToTheWorkspaceOthersOnly() {
    TestClient laptop = team();
    TestClient phone = team();
    TestClient stranger = TestClient.connect(hub.url(), OTHER, OTHER_TOKEN);
    clients.add(stranger);
    laptop.join("laptop", Map.of());
    phone.join("phone", Map.of());
    stranger.join("laptop", Map.of());

    JsonNode ack = laptop.pushAndAwait("laptop", 1, 2, Map.of("phone", 0L));

    assertThat(ack.toString()).isEqualTo("{\"type\":\"ack\",\"origin\":\"laptop\",\"last\":2}");
    JsonNode relayed = phone.next();
    assertThat(relayed.path("type").asText()).isEqualTo("envelope");
    assertThat(relayed.path("origin").asText()).isEqualTo("laptop");
    assertThat(relayed.path("first").asLong()).isEqualTo(1);
    assertThat(relayed.path("last").asLong()).isEqualTo(2);
    assertThat(relayed.path("payload").asText()).isEqualTo(TestClient.payload("laptop", 1, 2));
    assertThat(laptop.poll(TestClient.QUIET)).as("not echoed to its sender").isNull();
    assertThat(stranger.poll(TestClient.QUIET)).as("another workspace").isNull();
  }

  @Test
  void aNewClientCatchesUpInCausalOrderSkippingWhatItHolds() {
    TestClient laptop = team();
    TestClient phone = team();
    laptop.join("laptop", Map.of());
    phone.join("phone", Map.of());
    assertThat(laptop.pushAndAwait("laptop", 1, 1, Map.of()).path("type").asText())
        .isEqualTo("ack");
    phone.next(); // laptop 1, live
    assertThat(phone.pushAndAwait("phone", 1, 1, Map.of("laptop", 1L)).path("type").asText())
        .isEqualTo("ack");
    laptop.next(); // phone 1, live
    laptop.pushAndAwait("laptop", 2, 3, Map.of("phone", 1L));

    TestClient fresh = team();
    JsonNode hubClock = fresh.helloWelcome("tablet", Map.of());
    assertThat(hubClock.path("laptop").asLong()).isEqualTo(3);
    assertThat(hubClock.path("phone").asLong()).isEqualTo(1);
    assertThat(ranges(fresh.untilCaughtUp()))
        .containsExactly("laptop 1..1", "phone 1..1", "laptop 2..3");

    TestClient partly = team();
    assertThat(ranges(partly.join("tablet", Map.of("laptop", 1L))))
        .containsExactly("phone 1..1", "laptop 2..3");

    TestClient level = team();
    assertThat(level.join("tablet", Map.of("laptop", 3L, "phone", 1L))).isEmpty();
  }

  @Test
  void aDuplicatePushIsAckedAgainAndStoredOnce() {
    TestClient laptop = team();
    laptop.join("laptop", Map.of());
    laptop.pushAndAwait("laptop", 1, 2, Map.of());

    JsonNode again = laptop.pushAndAwait("laptop", 1, 2, Map.of());
    JsonNode part = laptop.pushAndAwait("laptop", 2, 2, Map.of());

    assertThat(again.path("type").asText()).isEqualTo("ack");
    assertThat(again.path("last").asLong()).isEqualTo(2);
    assertThat(part.path("type").asText()).isEqualTo("ack");
    assertThat(ranges(team().join("phone", Map.of()))).containsExactly("laptop 1..2");
  }

  @Test
  void gapsOverlapsAndMissingDependenciesAreNackedAndTheConnectionStays() {
    TestClient laptop = team();
    laptop.join("laptop", Map.of());

    JsonNode gap = laptop.pushAndAwait("laptop", 2, 2, Map.of());
    assertThat(gap.path("type").asText()).isEqualTo("nack");
    assertThat(gap.path("reason").asText()).isEqualTo("gap: the hub holds laptop up to 0");
    assertThat(gap.path("first").asLong()).isEqualTo(2);

    laptop.pushAndAwait("laptop", 1, 1, Map.of());
    JsonNode overlap = laptop.pushAndAwait("laptop", 1, 3, Map.of());
    assertThat(overlap.path("reason").asText()).isEqualTo("overlap: the hub holds laptop up to 1");

    JsonNode deps = laptop.pushAndAwait("laptop", 2, 2, Map.of("phone", 4L, "watch", 1L));
    assertThat(deps.path("type").asText()).isEqualTo("nack");
    assertThat(deps.path("reason").asText())
        .startsWith("deps missing: ")
        .contains("phone", "watch");

    assertThat(laptop.pushAndAwait("laptop", 2, 2, Map.of()).path("type").asText())
        .isEqualTo("ack");
    assertThat(ranges(team().join("phone", Map.of())))
        .containsExactly("laptop 1..1", "laptop 2..2");
  }

  @Test
  void pingsAreAnsweredWithTheirNonce() {
    TestClient laptop = team();
    laptop.send("{\"type\":\"ping\",\"nonce\":\"n-1\"}"); // allowed before hello
    assertThat(laptop.next().toString()).isEqualTo("{\"type\":\"pong\",\"nonce\":\"n-1\"}");
    laptop.join("laptop", Map.of());
    laptop.send("{\"type\":\"ping\",\"nonce\":42}");
    assertThat(laptop.next().toString()).isEqualTo("{\"type\":\"pong\",\"nonce\":42}");
  }

  @Test
  void aClientJoiningDuringPushesGetsEveryEnvelopeOnceInOrder() throws Exception {
    int envelopes = 400;
    TestClient laptop = team();
    laptop.join("laptop", Map.of());
    Thread pusher =
        new Thread(
            () -> {
              for (int seq = 1; seq <= envelopes; seq++) {
                laptop.push("laptop", seq, seq, Map.of());
              }
            });
    pusher.start();
    TestClient joiner = team();
    List<JsonNode> received = new ArrayList<>(joiner.join("phone", Map.of()));
    pusher.join(TestClient.TIMEOUT.toMillis());
    for (int acks = 0; acks < envelopes; acks++) {
      assertThat(laptop.next().path("type").asText()).isEqualTo("ack");
    }
    while (received.size() < envelopes) {
      received.add(joiner.next());
    }
    assertThat(joiner.poll(TestClient.QUIET)).isNull();
    for (int i = 0; i < envelopes; i++) {
      assertThat(received.get(i).path("first").asLong()).isEqualTo(i + 1);
    }
  }

  @Test
  void aLongLogIsStreamedInOrderPageByPage() {
    int envelopes = 2_500; // more rows and more payload bytes than one catch-up page holds
    String payload = "QUJD".repeat(300);
    TestClient laptop = team();
    laptop.join("laptop", Map.of());
    for (int seq = 1; seq <= envelopes; seq++) {
      laptop.send(TestClient.pushJson("laptop", seq, seq, Map.of(), payload));
    }
    for (int seq = 1; seq <= envelopes; seq++) {
      assertThat(laptop.next().path("last").asLong()).isEqualTo(seq);
    }

    List<JsonNode> caughtUp = team().join("phone", Map.of("laptop", 100L));

    assertThat(caughtUp).hasSize(envelopes - 100);
    for (int i = 0; i < caughtUp.size(); i++) {
      assertThat(caughtUp.get(i).path("first").asLong()).isEqualTo(101 + i);
      assertThat(caughtUp.get(i).path("payload").asText()).isEqualTo(payload);
    }
  }

  static List<String> ranges(List<JsonNode> envelopes) {
    return envelopes.stream()
        .map(e -> e.path("origin").asText() + " " + e.path("first") + ".." + e.path("last"))
        .toList();
  }
}
