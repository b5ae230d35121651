package io.chora.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heap one connection may hold ({@link HubConfig#maxConnectionBytes}): a hello whose clock the
 * budget has no room for, or a frame past the limit, closes that connection with 1009, while honest
 * clients keep syncing through 50 such hellos and 1,000 upgrade requests trickled at a byte a
 * second. Latencies are printed, never asserted (docs/benchmarks.md keeps figures).
 */
class ConnectionBudgetTest {
  private static final int FRAME = 256 * 1024;
  private static final long BUDGET = 768 * 1024;
  private static final int MESSAGE_TOO_BIG = 1009;

  @TempDir Path dataDir;
  private HubServer hub;
  private final List<TestClient> clients = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void startHub() throws Exception {
    hub =
        TestHubs.start(
            dataDir, config -> config.withMaxFrameBytes(FRAME).withMaxConnectionBytes(BUDGET));
  }

  @AfterEach
  void stopHub() {
    clients.forEach(TestClient::close);
    hub.close();
  }

  @Test
  void aHelloWhoseClockTheBudgetHasNoRoomForIsClosedWith1009() {
    TestClient big = team();
    big.hello("big", clockOf(10_000)); // within the frame and the entry limit, not the budget
    TestClient.Closed closed = big.awaitClosed();
    assertThat(closed.code()).isEqualTo(MESSAGE_TOO_BIG);
    assertThat(closed.reason()).contains("maxConnectionBytes");
    TestClient honest = team();
    honest.join("honest", Map.of());
    assertThat(honest.pushAndAwait("honest", 1, 1, Map.of()).path("type").asText())
        .isEqualTo("ack");
  }

  @Test
  void theBudgetIsCheckedWhenTheConfigIsMade() {
    HubConfig config = TestHubs.config(dataDir);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> config.withMaxConnectionBytes(config.maxFrameBytes() - 1))
        .hasMessageContaining("maxConnectionBytes must be at least maxFrameBytes");
    // a larger frame raises the budget with it, so that a hub configured for big frames still
    // starts
    assertThat(config.withMaxFrameBytes(100 << 20).maxConnectionBytes()).isEqualTo(100 << 20);
  }

  @Test
  void honestClientsKeepSyncingThrough50OversizedHellosAnd1000SlowUpgrades() throws Exception {
    TestClient writer = team();
    writer.join("writer", Map.of());
    TestClient reader = team();
    reader.join("reader", Map.of());
    List<Socket> slow = openSlowUpgrades(1_000);
    List<TestClient> oversized = new ArrayList<>();
    List<Long> latencies = new ArrayList<>();
    long seq = 0;
    long started = System.nanoTime();
    long deadline = started + UpgradeDeadline.LIMIT.plusSeconds(3).toNanos();
    byte[] head = "GET /v1/team HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.UTF_8);
    for (int second = 0; System.nanoTime() < deadline; second++) {
      for (Socket socket : slow) {
        trickle(socket, head[second % head.length]);
      }
      for (int i = 0; i < 10 && oversized.size() < 50; i++) { // 10 a second, half of each kind
        TestClient offender = team();
        oversized.add(offender);
        if (oversized.size() % 2 == 0) {
          offender.hello("clock" + oversized.size(), clockOf(10_000));
        } else {
          offender.send("{\"type\":\"hello\",\"pad\":\"" + "x".repeat(FRAME) + "\"}");
        }
      }
      for (int i = 0; i < 10; i++) { // the honest pair goes on: a push relayed, and its ack
        long sent = System.nanoTime();
        seq++;
        writer.push("writer", seq, seq, Map.of());
        JsonNode relayed = reader.next();
        while (!relayed.path("type").asText().equals("envelope")) {
          relayed = reader.next();
        }
        latencies.add(System.nanoTime() - sent);
        assertThat(relayed.path("last").asLong()).isEqualTo(seq);
        JsonNode ack = writer.next();
        while (!ack.path("type").asText().equals("ack")) {
          ack = writer.next();
        }
      }
      long nextSecond = started + (second + 1) * 1_000_000_000L;
      Thread.sleep(Math.max(0, (nextSecond - System.nanoTime()) / 1_000_000));
    }
    for (TestClient offender : oversized) {
      assertThat(offender.awaitClosed(Duration.ofSeconds(10)).code()).isEqualTo(MESSAGE_TOO_BIG);
    }
    assertThat(stillOpen(slow)).as("slow upgrades still open").isZero();
    assertThat(seq).isGreaterThan(50);
    Collections.sort(latencies);
    System.out.printf(
        "relay latency under attack: %d pushes, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        latencies.size(),
        latencies.get(latencies.size() / 2) / 1e6,
        latencies.get(latencies.size() * 99 / 100) / 1e6,
        latencies.get(latencies.size() - 1) / 1e6);
    for (Socket socket : slow) {
      socket.close();
    }
  }

  private TestClient team() {
    TestClient client = TestHubs.team(hub);
    clients.add(client);
    return client;
  }

  private static Map<String, Long> clockOf(int sites) {
    Map<String, Long> clock = new TreeMap<>();
    for (int i = 0; i < sites; i++) {
      clock.put("s" + i, 1L);
    }
    return clock;
  }

  private List<Socket> openSlowUpgrades(int n) throws IOException {
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", hub.port()), 2_000);
      sockets.add(socket);
    }
    return sockets;
  }

  /** One byte of the request head; a socket the hub closed just stays closed. */
  private static void trickle(Socket socket, byte b) {
    try {
      socket.getOutputStream().write(b);
      socket.getOutputStream().flush();
    } catch (IOException closed) {
      // counted by stillOpen
    }
  }

  private static int stillOpen(List<Socket> sockets) throws IOException {
    int open = 0;
    for (Socket socket : sockets) {
      socket.setSoTimeout(20);
      try {
        InputStream in = socket.getInputStream();
        if (in.read() >= 0) {
          open++; // the hub answered a request head it has not finished reading
        }
      } catch (SocketTimeoutException stillWaiting) {
        open++;
      } catch (IOException closed) {
        // reset by the hub
      }
    }
    return open;
  }
}
