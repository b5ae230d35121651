package io.chora.hub;

import static io.chora.hub.TestHubs.OTHER;
import static io.chora.hub.TestHubs.TEAM;
import static io.chora.hub.TestHubs.TEAM_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tokens are checked before anything is read or written, and whatever breaks the protocol closes
 * that connection with a reason while the others carry on.
 */
@ParameterizedClass
@EnumSource(TestStore.class)
class SecurityTest {
  @Parameter TestStore store;

  private static final int MAX_FRAME_BYTES = 64 * 1024;

  @TempDir Path dataDir;
  private HubServer hub;
  private final List<TestClient> clients = new ArrayList<>();

  @BeforeEach
  void startHub() throws Exception {
    hub = TestHubs.start(store, dataDir, config -> config.withMaxFrameBytes(MAX_FRAME_BYTES));
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
  void aWrongOrMissingTokenOrUnknownWorkspaceIsRefusedWith401AndWritesNothing() throws Exception {
    assertThat(TestClient.refusedStatus(hub.url(), TEAM, "wrong")).isEqualTo(401);
    assertThat(TestClient.refusedStatus(hub.url(), TEAM, null)).isEqualTo(401);
    assertThat(TestClient.refusedStatus(hub.url(), OTHER, TEAM_TOKEN)).isEqualTo(401);
    assertThat(TestClient.refusedStatus(hub.url(), "nowhere", TEAM_TOKEN)).isEqualTo(401);

    try (Stream<Path> files = Files.list(dataDir)) {
      assertThat(files.filter(f -> !f.getFileName().toString().equals(HubLock.FILE)))
          .as("no log was created")
          .isEmpty();
    }
  }

  static Stream<Arguments> violations() {
    String hello = "{\"type\":\"hello\",\"version\":1,\"site\":\"laptop\",\"clock\":{}}";
    return Stream.of(
        Arguments.of("not JSON", List.of("{oops"), "not JSON"),
        Arguments.of("an array", List.of("[1]"), "a message is a JSON object"),
        Arguments.of("two values", List.of("{\"type\":\"ping\",\"nonce\":1} {}"), "not JSON"),
        Arguments.of("unknown type", List.of("{\"type\":\"gossip\"}"), "unknown type \"gossip\""),
        Arguments.of("no type", List.of("{\"site\":\"x\"}"), "missing field type"),
        Arguments.of(
            "missing field",
            List.of("{\"type\":\"hello\",\"version\":1,\"clock\":{}}"),
            "missing field site"),
        Arguments.of(
            "mistyped field",
            List.of("{\"type\":\"hello\",\"version\":\"1\",\"site\":\"a\",\"clock\":{}}"),
            "version must be an integer"),
        Arguments.of(
            "bad clock",
            List.of("{\"type\":\"hello\",\"version\":1,\"site\":\"a\",\"clock\":{\"b\":-1}}"),
            "clock must map site ids to seqs from 0 to 9007199254740991"),
        Arguments.of(
            "bad site",
            List.of("{\"type\":\"hello\",\"version\":1,\"site\":\"a,b\",\"clock\":{}}"),
            "site is not a valid site id"),
        Arguments.of(
            "other version",
            List.of("{\"type\":\"hello\",\"version\":2,\"site\":\"a\",\"clock\":{}}"),
            "unsupported version 2, this hub speaks 1"),
        Arguments.of("second hello", List.of(hello, hello), "second hello"),
        Arguments.of(
            "push before hello",
            List.of(TestClient.pushJson("laptop", 1, 1, Map.of(), "AA==")),
            "push before hello"),
        Arguments.of(
            "forged site",
            List.of(hello, TestClient.pushJson("phone", 1, 1, Map.of(), "AA==")),
            "push for another site"),
        Arguments.of(
            "bad range",
            List.of(hello, TestClient.pushJson("laptop", 3, 2, Map.of(), "AA==")),
            "an envelope needs 1 <= first <= last"),
        Arguments.of(
            "payload not base64",
            List.of(hello, TestClient.pushJson("laptop", 1, 1, Map.of(), "a\"b")),
            "payload must be base64"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("violations")
  void aProtocolViolationClosesThatConnectionWith1008AndAReason(
      String name, List<String> frames, String reason) {
    TestClient bystander = team();
    bystander.join("phone", Map.of());
    TestClient offender = team();

    frames.forEach(offender::send);

    assertThat(offender.awaitClosed()).isEqualTo(new TestClient.Closed(1008, reason));
    assertStillServes(bystander);
  }

  @Test
  void anOversizedFrameClosesWith1009() {
    TestClient bystander = team();
    bystander.join("phone", Map.of());
    TestClient offender = team();
    offender.join("laptop", Map.of());

    offender.send(TestClient.pushJson("laptop", 1, 1, Map.of(), "A".repeat(MAX_FRAME_BYTES + 1)));

    assertThat(offender.awaitClosed().code()).isEqualTo(1009);
    assertStillServes(bystander);
  }

  @Test
  void aBinaryFrameClosesWith1003() {
    TestClient bystander = team();
    bystander.join("phone", Map.of());
    TestClient offender = team();

    offender.sendBinary(new byte[] {1, 2, 3});

    assertThat(offender.awaitClosed())
        .isEqualTo(new TestClient.Closed(1003, "binary frames are refused: send JSON text"));
    assertStillServes(bystander);
  }

  @Test
  void pushingFasterThanTheRateLimitClosesWith1008() throws Exception {
    hub.close();
    hub = TestHubs.start(store, dataDir, config -> config.withPushesPerSecond(5));
    TestClient bystander = team();
    bystander.join("phone", Map.of());
    TestClient flooder = team();
    flooder.join("laptop", Map.of());

    // bursts of exactly one push more than the bucket holds, the excess push sent last: a push
    // sent after the hub closed would fail with a broken pipe before the close frame is read
    long seq = 0;
    for (int burst = 0; burst < 5 && !flooder.isClosed(); burst++) {
      for (int i = 0; i < 6; i++) {
        seq++;
        flooder.push("laptop", seq, seq, Map.of());
      }
      for (int wait = 0; wait < 200 && !flooder.isClosed(); wait++) {
        Thread.sleep(10);
      }
    }

    assertThat(flooder.awaitClosed()).isEqualTo(new TestClient.Closed(1008, "rate limit"));
    assertStillServes(bystander);
  }

  @Test
  void aClientThatNeverSaysHelloOrGoesSilentIsClosed() throws Exception {
    hub.close();
    hub =
        TestHubs.start(
            store,
            dataDir,
            config ->
                config
                    .withHelloTimeout(Duration.ofMillis(300))
                    .withIdleTimeout(Duration.ofMillis(2000)));
    TestClient mute = team();
    TestClient silent = TestClient.connect(hub.url(), TEAM, TEAM_TOKEN, false);
    clients.add(silent);
    silent.join("laptop", Map.of());
    TestClient alive = team(); // answers the hub's pings
    alive.join("phone", Map.of());

    assertThat(mute.awaitClosed()).isEqualTo(new TestClient.Closed(1008, "no hello within 0.3 s"));
    assertThat(silent.awaitClosed()).isEqualTo(new TestClient.Closed(1001, "silent for 2.0 s"));
    assertStillServes(alive);
  }

  /** The connection still relays: another client's push reaches it. */
  private void assertStillServes(TestClient client) {
    TestClient pusher = team();
    pusher.join("pusher", Map.of());
    JsonNode ack = pusher.pushAndAwait("pusher", 1, 1, Map.of());
    assertThat(ack.path("type").asText()).isEqualTo("ack");
    JsonNode relayed = client.next();
    while (!relayed.path("origin").asText().equals("pusher")) { // what others pushed before
      relayed = client.next();
    }
    assertThat(client.isClosed()).isFalse();
  }
}
