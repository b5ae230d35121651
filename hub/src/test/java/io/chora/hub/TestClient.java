package io.chora.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A protocol client for tests, on the JDK's WebSocket: sends messages as JSON, queues what the hub
 * sends, answers the hub's pings (unless told not to), and records how the connection closed. Every
 * wait is bounded by {@link #TIMEOUT}.
 */
final class TestClient implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** How long to wait to conclude that nothing more is coming. */
  static final Duration QUIET = Duration.ofMillis(300);

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  /** How the hub closed the connection; code -1 when it dropped it without a close frame. */
  record Closed(int code, String reason) {}

  private final WebSocket socket;
  private final Listener listener;

  private TestClient(WebSocket socket, Listener listener) {
    this.socket = socket;
    this.listener = listener;
  }

  static TestClient connect(String hubUrl, String workspace, String token) {
    return connect(HTTP, hubUrl, workspace, token, true);
  }

  static TestClient connect(String hubUrl, String workspace, String token, boolean answerPings) {
    return connect(HTTP, hubUrl, workspace, token, answerPings);
  }

  static TestClient connect(
      HttpClient http, String hubUrl, String workspace, String token, boolean answerPings) {
    Listener listener = new Listener(answerPings);
    try {
      WebSocket socket = handshake(http, hubUrl, workspace, token, listener).get();
      return new TestClient(socket, listener);
    } catch (Exception e) {
      throw new AssertionError("could not connect to " + hubUrl + "/v1/" + workspace, e);
    }
  }

  /** The HTTP status of a refused upgrade; fails if the upgrade succeeded. */
  static int refusedStatus(String hubUrl, String workspace, String token) throws Exception {
    try {
      handshake(HTTP, hubUrl, workspace, token, new Listener(true)).get().abort();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        return refused.getResponse().statusCode();
      }
      throw e;
    }
    return fail("the hub accepted the upgrade");
  }

  private static CompletableFuture<WebSocket> handshake(
      HttpClient http, String hubUrl, String workspace, String token, Listener listener) {
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder
        .buildAsync(URI.create(hubUrl + "/v1/" + workspace), listener)
        .orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  void send(String text) {
    listener.send(socket, text);
  }

  void sendBinary(byte[] bytes) {
    synchronized (listener) {
      socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }
  }

  void hello(String site, Map<String, Long> clock) {
    ObjectNode hello = JSON.createObjectNode().put("type", "hello").put("version", 1);
    hello.put("site", site).set("clock", JSON.valueToTree(clock));
    send(hello.toString());
  }

  /** Sends hello and returns the welcome's hub clock; the catch-up follows. */
  JsonNode helloWelcome(String site, Map<String, Long> clock) {
    hello(site, clock);
    JsonNode welcome = next();
    assertThat(welcome.path("type").asText()).isEqualTo("welcome");
    assertThat(welcome.path("version").asInt()).isEqualTo(1);
    return welcome.get("hubClock");
  }

  /** Hello, welcome, and the envelopes of the catch-up up to {@code caughtUp}. */
  List<JsonNode> join(String site, Map<String, Long> clock) {
    helloWelcome(site, clock);
    return untilCaughtUp();
  }

  /** The welcome (checked) and the catch-up after it, for a hello the test sent itself. */
  List<JsonNode> untilCaughtUpAfterWelcome() {
    assertThat(next().path("type").asText()).isEqualTo("welcome");
    return untilCaughtUp();
  }

  List<JsonNode> untilCaughtUp() {
    List<JsonNode> envelopes = new ArrayList<>();
    for (JsonNode message = next(); ; message = next()) {
      if (message.path("type").asText().equals("caughtUp")) {
        return envelopes;
      }
      assertThat(message.path("type").asText()).isEqualTo("envelope");
      envelopes.add(message);
    }
  }

  static String pushJson(
      String origin, long first, long last, Map<String, Long> deps, String payload) {
    ObjectNode push = JSON.createObjectNode().put("type", "push").put("origin", origin);
    push.put("first", first).put("last", last).set("deps", JSON.valueToTree(deps));
    return push.put("payload", payload).toString();
  }

  /** A payload naming the transactions, so tests can tell envelopes apart after a round trip. */
  static String payload(String origin, long first, long last) {
    return Base64.getEncoder()
        .encodeToString((origin + ":" + first + ".." + last).getBytes(StandardCharsets.UTF_8));
  }

  void push(String origin, long first, long last, Map<String, Long> deps) {
    send(pushJson(origin, first, last, deps, payload(origin, first, last)));
  }

  /** Pushes unless the connection is gone (for tests that kill the hub mid-stream). */
  void tryPush(String origin, long first, long last) {
    try {
      push(origin, first, last, Map.of());
    } catch (RuntimeException hubGone) {
      // the test looks at what was acknowledged, not at what was sent
    }
  }

  /**
   * Pushes and returns the hub's answer (ack or nack), passing over envelopes relayed meanwhile.
   */
  JsonNode pushAndAwait(String origin, long first, long last, Map<String, Long> deps) {
    push(origin, first, last, deps);
    JsonNode answer = next();
    while (answer.path("type").asText().equals("envelope")) {
      answer = next();
    }
    assertThat(answer.path("type").asText()).isIn("ack", "nack");
    return answer;
  }

  /** The next message from the hub; fails after {@link #TIMEOUT}. */
  JsonNode next() {
    JsonNode message = poll(TIMEOUT);
    if (message == null) {
      fail("nothing from the hub within " + TIMEOUT + " (closed: " + listener.closed + ")");
    }
    return message;
  }

  /** The next message within {@code wait}, or null. */
  JsonNode poll(Duration wait) {
    try {
      return listener.received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** How the hub closed the connection; fails if it stays open past {@code wait}. */
  Closed awaitClosed(Duration wait) {
    try {
      return listener.closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return fail("the hub did not close the connection within " + wait);
    } catch (InterruptedException | ExecutionException e) {
      throw new AssertionError(e);
    }
  }

  Closed awaitClosed() {
    return awaitClosed(TIMEOUT);
  }

  boolean isClosed() {
    return listener.closed.isDone();
  }

  boolean isOpen() {
    return !isClosed() && !socket.isOutputClosed();
  }

  @Override
  public void close() {
    socket.abort();
  }

  /** Reassembles text messages, queues them as JSON, answers pings. */
  private static final class Listener implements WebSocket.Listener {
    final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final boolean answerPings;
    private final StringBuilder partial = new StringBuilder();

    Listener(boolean answerPings) {
      this.answerPings = answerPings;
    }

    /** One send at a time, as the JDK's WebSocket requires (pongs go out from its thread). */
    synchronized void send(WebSocket socket, String text) {
      socket.sendText(text, true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonNode message;
        try {
          message = JSON.readTree(partial.toString());
        } catch (Exception e) {
          throw new CompletionException("the hub sent something that is not JSON", e);
        }
        partial.setLength(0);
        if (message.path("type").asText().equals("ping")) {
          if (answerPings) {
            ObjectNode pong = JSON.createObjectNode().put("type", "pong");
            send(socket, pong.set("nonce", message.get("nonce")).toString());
          }
        } else {
          received.add(message);
        }
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      closed.complete(new Closed(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      closed.complete(new Closed(-1, String.valueOf(error)));
    }
  }
}
