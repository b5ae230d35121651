package io.chora.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
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
 * The bounds of docs/protocol.md on hellos, pushes and clocks: a message past one closes its
 * connection with 1008 and a reason naming the field while the others carry on; and a connection
 * that does not finish its upgrade request in {@link UpgradeDeadline#LIMIT} is closed.
 */
@ParameterizedClass
@EnumSource(TestStore.class)
class BoundsTest {
  @Parameter TestStore store;

  private static final String BEYOND = String.valueOf(Clocks.MAX_SEQ + 1);

  @TempDir Path dataDir;
  private HubServer hub;
  private final List<TestClient> clients = new ArrayList<>();

  @BeforeEach
  void startHub() throws Exception {
    hub = TestHubs.start(store, dataDir);
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

  private static String hello(String site, String clock) {
    return "{\"type\":\"hello\",\"version\":1,\"site\":" + site + ",\"clock\":" + clock + "}";
  }

  private static String sites(int from, int to) {
    StringBuilder clock = new StringBuilder("{");
    for (int i = from; i < to; i++) {
      clock.append(i == from ? "" : ",").append("\"s").append(i).append("\":1");
    }
    return clock.append('}').toString();
  }

  static Stream<Arguments> beyondBounds() {
    String hello = hello("\"laptop\"", "{}");
    return Stream.of(
        Arguments.of(
            "hello clock past the entry limit",
            List.of(hello("\"laptop\"", sites(0, Clocks.MAX_ENTRIES + 1))),
            "clock holds more than 10000 sites"),
        Arguments.of(
            "hello clock value past the maximum",
            List.of(hello("\"laptop\"", "{\"a\":" + BEYOND + "}")),
            "clock must map site ids to seqs from 0 to 9007199254740991"),
        Arguments.of(
            "site with NUL",
            List.of(hello("\"lap\\u0000top\"", "{}")),
            "site is not a valid site id"),
        Arguments.of(
            "site with a control character",
            List.of(hello("\"lap\\u0007\"", "{}")),
            "site is not a valid site id"),
        Arguments.of(
            "site too long",
            List.of(hello("\"" + "s".repeat(129) + "\"", "{}")),
            "site is not a valid site id"),
        Arguments.of(
            "clock site with a newline",
            List.of(hello("\"laptop\"", "{\"a\\nb\":1}")),
            "clock must map site ids to seqs from 0 to 9007199254740991"),
        Arguments.of(
            "head past the maximum seq",
            List.of(
                "{\"type\":\"hello\",\"version\":1,\"site\":\"laptop\",\"clock\":{},"
                    + "\"heads\":{\"laptop\":["
                    + BEYOND
                    + ",1]}}"),
            "heads must map site ids to [seq, nonce]"),
        Arguments.of(
            "hello site twice",
            List.of(
                "{\"type\":\"hello\",\"version\":1,\"site\":\"a\",\"site\":\"laptop\",\"clock\":{}}"),
            "not JSON"),
        Arguments.of(
            "push last = 2^63-1",
            List.of(hello, TestClient.pushJson("laptop", 1, Long.MAX_VALUE, Map.of(), "AA==")),
            "last is beyond the maximum seq 9007199254740991"),
        Arguments.of(
            "push deps value past the maximum",
            List.of(
                hello,
                "{\"type\":\"push\",\"origin\":\"laptop\",\"first\":1,\"last\":1,\"deps\":{\"b\":"
                    + BEYOND
                    + "},\"payload\":\"AA==\"}"),
            "deps must map site ids to seqs from 0 to 9007199254740991"),
        Arguments.of(
            "clock messages that add up past the entry limit",
            List.of(
                hello,
                "{\"type\":\"clock\",\"clock\":" + sites(0, 6_000) + "}",
                "{\"type\":\"clock\",\"clock\":" + sites(6_000, 12_000) + "}"),
            "clocks said hold more than 10000 sites"),
        Arguments.of(
            "clock digest past its length",
            List.of(
                hello,
                "{\"type\":\"clock\",\"clock\":{},\"digest\":\"" + "A".repeat(16_385) + "\"}"),
            "digest must be a string of at most 16384"),
        Arguments.of(
            "clock digest not base64",
            List.of(hello, "{\"type\":\"clock\",\"clock\":{},\"digest\":\"{\\\"x\\\":1}\"}"),
            "digest must be base64"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("beyondBounds")
  void aMessagePastABoundClosesThatConnectionWith1008(
      String name, List<String> frames, String reason) {
    TestClient bystander = team();
    bystander.join("phone", Map.of());
    TestClient offender = team();

    frames.forEach(offender::send);

    assertThat(offender.awaitClosed()).isEqualTo(new TestClient.Closed(1008, reason));
    assertStillServes(bystander);
  }

  @Test
  void aSiteOfEitherModeAndAClockAtTheLimitsAreTaken() {
    TestClient client = team();
    String nativeSite = "0123456789abcdef0123456789abcdef@crsqlite";
    client.send(hello("\"" + nativeSite + "\"", "{\"a\":" + Clocks.MAX_SEQ + "}"));
    assertThat(client.next().path("type").asText()).isEqualTo("welcome");
  }

  @Test
  void connectionsThatTrickleTheirUpgradeRequestAreClosedWhileOthersJoin() throws Exception {
    List<Socket> tricklers = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", hub.port()), 2_000);
        socket.setSoTimeout(10);
        tricklers.add(socket);
      }
      byte[] head = "GET /v1/team HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.UTF_8);
      long started = System.nanoTime();
      long deadline = started + UpgradeDeadline.LIMIT.plusSeconds(5).toNanos();
      int sent = 0;
      List<Socket> open = new ArrayList<>(tricklers);
      while (!open.isEmpty() && System.nanoTime() < deadline) {
        for (Socket socket : List.copyOf(open)) {
          if (!trickle(socket, head[sent % head.length])) {
            open.remove(socket);
          }
        }
        sent++;
        if (sent == 4) { // the honest client is served while the trickle goes on
          TestClient honest = team();
          honest.join("honest", Map.of());
          assertThat(honest.pushAndAwait("honest", 1, 1, Map.of()).path("type").asText())
              .isEqualTo("ack");
        }
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(open).as("connections still open after %s", took).isEmpty();
      assertThat(took).isGreaterThanOrEqualTo(UpgradeDeadline.LIMIT.minusMillis(500));
    } finally {
      for (Socket socket : tricklers) {
        socket.close();
      }
    }
  }

  /** Sends one byte and waits up to 10 ms for the hub to close; false once it has. */
  private static boolean trickle(Socket socket, byte b) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(b);
      out.flush();
      InputStream in = socket.getInputStream();
      try {
        return in.read() >= 0; // the hub never answers a request it has not finished reading
      } catch (SocketTimeoutException stillOpen) {
        return true;
      }
    } catch (IOException closed) {
      return false;
    }
  }

  /** The connection still relays: another client's push reaches it. */
  private void assertStillServes(TestClient client) {
    TestClient pusher = team();
    pusher.join("pusher", Map.of());
    pusher.push("pusher", 1, 1, Map.of());
    JsonNode ack = pusher.next();
    while (ack.path("type").asText().equals("peerClock")) { // a clock an offender said
      ack = pusher.next();
    }
    assertThat(ack.path("type").asText()).isEqualTo("ack");
    JsonNode relayed = client.next();
    while (!relayed.path("origin").asText().equals("pusher")) {
      relayed = client.next();
    }
    assertThat(client.isClosed()).isFalse();
  }
}
