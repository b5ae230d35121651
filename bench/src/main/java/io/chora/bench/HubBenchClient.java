package io.chora.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bare protocol client for the hub benchmarks, on the JDK's WebSocket: says hello, counts the
 * envelopes it receives, and, if it pushes, keeps one push in flight as the driver does (the next
 * goes out when the ack comes back), or up to {@code window} pushes in flight (the hub decides a
 * connection's pushes in the order they arrive, so each may follow the one before it unacked:
 * docs/protocol.md). Messages are recognised by their prefix, which is how the hub writes them, so
 * the count costs the benchmark no JSON parsing.
 */
final class HubBenchClient implements WebSocket.Listener {
  private static final String ENVELOPE = "{\"type\":\"envelope\"";
  private static final String ACK = "{\"type\":\"ack\"";
  private static final String CAUGHT_UP = "{\"type\":\"caughtUp\"";
  private static final String NACK = "{\"type\":\"nack\"";
  private static final String PING = "{\"type\":\"ping\"";

  private final String site;
  private final String payload; // null: this client only receives
  private final int transactionsPerEnvelope;
  private final int window;
  private final AtomicLong received;
  private final AtomicLong acked;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final StringBuilder partial = new StringBuilder();
  private volatile boolean pushing;
  private volatile boolean closing;
  private long nextSeq = 1;
  private WebSocket socket;
  private CompletableFuture<WebSocket> lastSend;

  /**
   * @param received counts envelopes delivered to this client (shared by all clients)
   * @param acked counts envelopes the hub acknowledged to this client (shared)
   */
  HubBenchClient(
      String site,
      String payload,
      int transactionsPerEnvelope,
      AtomicLong received,
      AtomicLong acked) {
    this(site, payload, transactionsPerEnvelope, 1, received, acked);
  }

  /** {@code window}: pushes this client keeps in flight before it waits for an ack. */
  HubBenchClient(
      String site,
      String payload,
      int transactionsPerEnvelope,
      int window,
      AtomicLong received,
      AtomicLong acked) {
    this.window = window;
    this.site = site;
    this.payload = payload;
    this.transactionsPerEnvelope = transactionsPerEnvelope;
    this.received = received;
    this.acked = acked;
  }

  /** Connects, says hello, and waits for the end of the catch-up. */
  void connect(HttpClient http, String hubUrl, String workspace, String token) throws Exception {
    connect(
        http,
        hubUrl,
        workspace,
        token,
        "{\"type\":\"hello\",\"version\":1,\"site\":\"" + site + "\",\"clock\":{}}");
  }

  /** Connects, says {@code hello} (a hello message of this client's site), waits for catch-up. */
  void connect(HttpClient http, String hubUrl, String workspace, String token, String hello)
      throws Exception {
    socket =
        http.newWebSocketBuilder()
            .header("Authorization", "Bearer " + token)
            .connectTimeout(Duration.ofSeconds(30))
            .buildAsync(URI.create(hubUrl + "/v1/" + workspace), this)
            .get(30, TimeUnit.SECONDS);
    lastSend = socket.sendText(hello, true);
    lastSend.get(30, TimeUnit.SECONDS);
    if (!caughtUp.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException(site + " was not caught up within 60 s");
    }
  }

  /** Starts pushing: {@code window} envelopes now, the next after each ack. */
  void startPushing() {
    pushing = true;
    for (int i = 0; i < window; i++) {
      pushNext();
    }
  }

  void stopPushing() {
    pushing = false;
  }

  private synchronized void pushNext() {
    long first = nextSeq;
    long last = first + transactionsPerEnvelope - 1;
    nextSeq = last + 1;
    String push =
        "{\"type\":\"push\",\"origin\":\""
            + site
            + "\",\"first\":"
            + first
            + ",\"last\":"
            + last
            + ",\"deps\":{},\"payload\":\""
            + payload
            + "\"}";
    send(push);
  }

  /**
   * The JDK's WebSocket takes one send at a time: an ack can overtake the send's completion, and a
   * window of pushes must go out one after another.
   */
  synchronized void send(String text) {
    lastSend = lastSend.thenCompose(ws -> ws.sendText(text, true));
  }

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    if (!last || partial.length() > 0) {
      partial.append(data);
      if (last) {
        handle(partial);
        partial.setLength(0);
      }
    } else {
      handle(data);
    }
    ws.request(1);
    return null;
  }

  private void handle(CharSequence message) {
    String start = message.subSequence(0, Math.min(message.length(), 20)).toString();
    if (start.startsWith(ENVELOPE)) {
      received.incrementAndGet();
    } else if (start.startsWith(ACK)) {
      acked.incrementAndGet();
      if (pushing) {
        pushNext(); // the ack is in: the previous send completed, so this one may go
      }
    } else if (start.startsWith(PING)) {
      // the hub closes a connection silent for its idle timeout (60 s): an idle client answers
      String text = message.toString();
      String nonce = text.substring(text.indexOf("\"nonce\":") + 8, text.lastIndexOf('}'));
      send("{\"type\":\"pong\",\"nonce\":" + nonce + "}");
    } else if (start.startsWith(NACK)) {
      System.err.println(site + ": nacked: " + message); // the bench's seqs are contiguous
    } else if (start.startsWith(CAUGHT_UP)) {
      caughtUp.countDown();
    }
  }

  @Override
  public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
    if (closing) {
      return null; // this client hung up
    }
    System.err.println(site + ": the hub closed the connection: " + code + " " + reason);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void onError(WebSocket ws, Throwable error) {
    System.err.println(site + ": " + error);
  }

  void close() {
    closing = true;
    socket.abort();
  }
}
