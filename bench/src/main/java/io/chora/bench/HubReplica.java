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
 * A light replica of protocol 1.1 for {@link HubReplicasBench}: a new replica (hello with an empty
 * clock and {@code minor} 1, so the hub may start it from its snapshot) that pushes {@code pushes}
 * envelopes of its own site, one in flight, and answers {@code snapshotWanted} with an opaque
 * snapshot at the clock it holds: the {@code caughtUp} clock plus its own acknowledged
 * transactions. The hub cannot read payloads; only the dots must follow its rules.
 */
final class HubReplica implements WebSocket.Listener {
  private final String site;
  private final int pushes;
  private final String payload;
  private final int snapshotBytesPerTransaction;
  private final AtomicLong bytesReceived;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final CountDownLatch allAcked = new CountDownLatch(1);
  private final StringBuilder partial = new StringBuilder();
  // what reached it live after caughtUp; read and written on the listener's thread only
  private final java.util.Map<String, Long> live = new java.util.HashMap<>();
  private boolean snapshotWanted; // on the listener's thread only
  private volatile String caughtUpClock; // the JSON object of the caughtUp message
  private volatile long acked;
  private volatile long caughtUpAtNanos;
  private WebSocket socket;
  private CompletableFuture<WebSocket> lastSend;
  private volatile boolean closing;
  private volatile String closedWith; // the hub's close code and reason, if it closed

  HubReplica(
      String site,
      int pushes,
      String payload,
      int snapshotBytesPerTransaction,
      AtomicLong bytesReceived) {
    this.site = site;
    this.pushes = pushes;
    this.payload = payload;
    this.snapshotBytesPerTransaction = snapshotBytesPerTransaction;
    this.bytesReceived = bytesReceived;
  }

  /** Connects and says hello; {@code minor} 1 lets the hub start it from a snapshot. */
  Void connect(HttpClient http, String hubUrl, int minor) throws Exception {
    socket =
        http.newWebSocketBuilder()
            .header("Authorization", "Bearer " + HubThroughput.TOKEN)
            .connectTimeout(Duration.ofSeconds(30))
            .buildAsync(URI.create(hubUrl + "/v1/" + HubThroughput.WORKSPACE), this)
            .get(30, TimeUnit.SECONDS);
    lastSend =
        socket.sendText(
            "{\"type\":\"hello\",\"version\":1,\"minor\":"
                + minor
                + ",\"site\":\""
                + site
                + "\",\"clock\":{}}",
            true);
    return null;
  }

  /** Waits for the end of the catch-up; returns when it came (System.nanoTime). */
  long awaitCaughtUp() throws InterruptedException {
    if (!caughtUp.await(300, TimeUnit.SECONDS)) {
      throw new IllegalStateException(site + " was not caught up within 300 s");
    }
    if (closedWith != null) {
      throw new IllegalStateException(site + ": the hub closed the connection: " + closedWith);
    }
    return caughtUpAtNanos;
  }

  /** Pushes its envelopes, one in flight, and waits for the last ack. */
  Void pushAll() throws InterruptedException {
    if (pushes > 0) {
      push(1);
      if (!allAcked.await(300, TimeUnit.SECONDS)) {
        throw new IllegalStateException(site + ": pushes not acknowledged within 300 s");
      }
    }
    return null;
  }

  private void push(long seq) {
    send(
        "{\"type\":\"push\",\"origin\":\""
            + site
            + "\",\"first\":"
            + seq
            + ",\"last\":"
            + seq
            + ",\"deps\":{},\"payload\":\""
            + payload
            + "\"}");
  }

  private synchronized void send(String text) {
    lastSend = lastSend.thenCompose(ws -> ws.sendText(text, true));
  }

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    bytesReceived.addAndGet(data.length());
    partial.append(data);
    if (last) {
      try {
        handle(partial.toString());
      } catch (RuntimeException e) {
        e.printStackTrace();
      }
      partial.setLength(0);
    }
    ws.request(1);
    return null;
  }

  private void handle(String message) {
    if (message.startsWith("{\"type\":\"envelope\",\"origin\":\"")) {
      if (caughtUpClock != null) { // before caughtUp, the caughtUp clock covers it
        int at = message.indexOf("\"last\":");
        int end = at + 7;
        while (Character.isDigit(message.charAt(end))) {
          end++;
        }
        String origin = message.substring(29, message.indexOf('"', 29));
        live.merge(origin, Long.parseLong(message.substring(at + 7, end)), Math::max);
      }
    } else if (message.startsWith("{\"type\":\"ack\"")) {
      long seq = ++acked;
      if (seq < pushes) {
        push(seq + 1);
      } else {
        allAcked.countDown();
      }
    } else if (message.startsWith("{\"type\":\"caughtUp\"")) {
      int start = message.indexOf('{', 1);
      caughtUpClock = message.substring(start, message.indexOf('}', start) + 1);
      caughtUpAtNanos = System.nanoTime();
      caughtUp.countDown();
      uploadSnapshot(); // if it was asked before: a member uploads once it is caught up
    } else if (message.startsWith("{\"type\":\"snapshotWanted\"")) {
      snapshotWanted = true;
      uploadSnapshot();
    } else if (message.startsWith("{\"type\":\"ping\"")) {
      String nonce = message.substring(message.indexOf("\"nonce\":") + 8, message.lastIndexOf('}'));
      send("{\"type\":\"pong\",\"nonce\":" + nonce + "}");
    } else if (message.startsWith("{\"type\":\"snapshotStored\"") && message.contains("refused")) {
      System.err.println(site + ": " + message);
    } else if (message.startsWith("{\"type\":\"nack\"")) {
      System.err.println(site + ": nacked: " + message);
    }
  }

  /**
   * What it holds: the caughtUp clock, what came live since, its own acknowledged transactions;
   * sized per transaction it covers.
   */
  private void uploadSnapshot() {
    String text = caughtUpClock;
    if (!snapshotWanted || text == null) {
      return; // not asked, or not yet caught up: uploads at caughtUp
    }
    snapshotWanted = false;
    java.util.Map<String, Long> held = new java.util.TreeMap<>();
    for (String entry : text.substring(1, text.length() - 1).split(",")) {
      if (!entry.isEmpty()) {
        int colon = entry.lastIndexOf(':');
        held.put(entry.substring(1, colon - 1), Long.parseLong(entry.substring(colon + 1)));
      }
    }
    live.forEach((origin, last) -> held.merge(origin, last, Math::max));
    if (acked > 0) {
      held.merge(site, acked, Math::max);
    }
    StringBuilder clock = new StringBuilder("{");
    long transactions = 0;
    for (java.util.Map.Entry<String, Long> entry : held.entrySet()) {
      clock.append(clock.length() > 1 ? "," : "").append('"').append(entry.getKey());
      clock.append("\":").append(entry.getValue());
      transactions += entry.getValue();
    }
    clock.append('}');
    int bytes = (int) Math.min(64L << 20, transactions * snapshotBytesPerTransaction);
    String body = "A".repeat(Math.max(4, bytes / 4 * 4)); // base64 of zeros: opaque to the hub
    send("{\"type\":\"snapshot\",\"clock\":" + clock + ",\"payload\":\"" + body + "\"}");
  }

  @Override
  public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
    if (!closing) {
      closedWith = code + " " + reason;
      caughtUp.countDown(); // a refused catch-up ends the wait
    }
    return null;
  }

  @Override
  public void onError(WebSocket ws, Throwable error) {
    if (!closing) {
      System.err.println(site + ": " + error);
    }
  }

  void close() {
    closing = true;
    socket.abort();
  }
}
