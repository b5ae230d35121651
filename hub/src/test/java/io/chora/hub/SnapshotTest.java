package io.chora.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Snapshots and compaction through the hub (protocol 1.1), against both stores. */
@ParameterizedClass
@EnumSource(TestStore.class)
class SnapshotTest {
  private static final String SNAPSHOT = TestClient.payload("snapshot-of-laptop", 1, 3);

  @Parameter TestStore store;

  @TempDir Path dataDir;
  private HubServer hub;
  private final List<TestClient> clients = new ArrayList<>();

  @AfterEach
  void stopHub() {
    clients.forEach(TestClient::close);
    if (hub != null) {
      hub.close();
    }
  }

  private void start(SnapshotPolicy policy) throws Exception {
    hub =
        TestHubs.start(
            store, dataDir, config -> config.withPushesPerSecond(10_000).withSnapshots(policy));
  }

  private TestClient client() {
    TestClient client = TestHubs.team(hub);
    clients.add(client);
    return client;
  }

  /** A hello of protocol 1.1; returns the welcome. */
  private static JsonNode hello11(TestClient client, String site, Map<String, Long> clock) {
    sayHello11(client, site, clock);
    JsonNode welcome = client.next();
    assertThat(welcome.path("type").asText()).isEqualTo("welcome");
    assertThat(welcome.path("minor").asInt()).isEqualTo(1);
    return welcome;
  }

  private static void sayHello11(TestClient client, String site, Map<String, Long> clock) {
    ObjectNode hello = TestClient.JSON.createObjectNode().put("type", "hello").put("version", 1);
    hello.put("minor", 1).put("site", site).set("clock", TestClient.JSON.valueToTree(clock));
    client.send(hello.toString());
  }

  private static void upload(TestClient client, Map<String, Long> clock) {
    ObjectNode snapshot = TestClient.JSON.createObjectNode().put("type", "snapshot");
    snapshot.set("clock", TestClient.JSON.valueToTree(clock));
    client.send(snapshot.put("payload", SNAPSHOT).toString());
  }

  /** The next message of {@code type}, passing over others (acks, envelopes, clocks). */
  private static JsonNode nextOf(TestClient client, String type) {
    for (int i = 0; i < 100; i++) {
      JsonNode message = client.next();
      if (message.path("type").asText().equals(type)) {
        return message;
      }
    }
    throw new AssertionError("no " + type + " in 100 messages");
  }

  /** laptop pushes 1..3 as three envelopes; the hub asks it for a snapshot; it uploads one. */
  private TestClient laptopWithSnapshot() {
    TestClient laptop = client();
    hello11(laptop, "laptop", Map.of());
    nextOf(laptop, "caughtUp");
    for (long seq = 1; seq <= 3; seq++) {
      laptop.push("laptop", seq, seq, Map.of());
    }
    nextOf(laptop, "snapshotWanted");
    upload(laptop, Map.of("laptop", 3L));
    JsonNode stored = nextOf(laptop, "snapshotStored");
    assertThat(stored.has("refused")).as(stored.toString()).isFalse();
    return laptop;
  }

  @Test
  void aNewReplicaStartsFromTheSnapshotThenTheEnvelopesAfterIt() throws Exception {
    start(new SnapshotPolicy(3, Duration.ofDays(1), Duration.ofDays(1)));
    TestClient laptop = laptopWithSnapshot();
    laptop.pushAndAwait("laptop", 4, 4, Map.of());

    TestClient phone = client();
    hello11(phone, "phone", Map.of());
    JsonNode snapshot = phone.next();
    assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");
    assertThat(snapshot.path("site").asText()).isEqualTo("laptop");
    assertThat(snapshot.path("clock").toString()).isEqualTo("{\"laptop\":3}");
    assertThat(snapshot.path("payload").asText()).isEqualTo(SNAPSHOT);
    List<JsonNode> after = phone.untilCaughtUp();
    assertThat(after).extracting(e -> e.path("first").asLong()).containsExactly(4L);

    TestClient old = client(); // protocol 1.0: never sent a message it cannot read
    List<JsonNode> history = old.join("tablet", Map.of());
    assertThat(history).extracting(e -> e.path("first").asLong()).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void aSnapshotCoveringWhatTheHubLacksIsRefused() throws Exception {
    start(new SnapshotPolicy(3, Duration.ofDays(1), Duration.ofDays(1)));
    TestClient laptop = client();
    hello11(laptop, "laptop", Map.of());
    nextOf(laptop, "caughtUp");
    upload(laptop, Map.of("laptop", 5L));
    assertThat(nextOf(laptop, "snapshotStored").path("refused").asText()).contains("does not hold");
  }

  @Test
  void compactionKeepsWhatAnActiveMemberLacksAndRefusesOneAwayPastRetention() throws Exception {
    // retention 0: a member is active while connected only
    start(new SnapshotPolicy(3, Duration.ZERO, Duration.ofMillis(20)));
    TestClient phone = client();
    hello11(phone, "phone", Map.of());
    nextOf(phone, "caughtUp");
    TestClient laptop = laptopWithSnapshot();
    laptop.send("{\"type\":\"clock\",\"clock\":{\"laptop\":3}}");
    nextOf(phone, "peerClock");
    // phone is connected and holds only what it said at hello (nothing): nothing may go
    Thread.sleep(300); // several compaction rounds; none may remove what phone lacks
    TestClient tablet = client();
    assertThat(tablet.join("tablet", Map.of())).hasSize(3);
    tablet.send("{\"type\":\"clock\",\"clock\":{\"laptop\":3}}");

    phone.send("{\"type\":\"clock\",\"clock\":{\"laptop\":1}}");
    phone.close();
    TestClient.Closed refused = null;
    for (int attempt = 0; attempt < 100 && refused == null; attempt++) {
      TestClient back = client();
      sayHello11(back, "phone", Map.of("laptop", 1L));
      JsonNode first = back.poll(Duration.ofMillis(500));
      if (first == null || back.isClosed()) {
        refused = back.awaitClosed();
        // a welcome would show the client connected and healthy until the close
        assertThat(first).as("a refused hello is not welcomed first").isNull();
      } else {
        assertThat(first.path("type").asText()).isEqualTo("welcome");
        back.close(); // caught up from history: compaction has not run yet; a connected phone
        Thread.sleep(50); // would stay active
      }
    }
    assertThat(refused).as("phone, away past retention, is told to re-bootstrap").isNotNull();
    assertThat(refused.code()).isEqualTo(1008);
    assertThat(refused.reason()).startsWith("re-bootstrap:");

    TestClient fresh = client();
    hello11(fresh, "desk", Map.of());
    assertThat(fresh.next().path("type").asText()).isEqualTo("snapshot");
    assertThat(fresh.untilCaughtUp()).isEmpty();
    TestClient old = client();
    old.hello("old", Map.of());
    assertThat(old.awaitClosed().reason()).startsWith("upgrade:");
    assertThat(old.poll(Duration.ZERO)).as("no welcome before the refusal").isNull();
  }
}
