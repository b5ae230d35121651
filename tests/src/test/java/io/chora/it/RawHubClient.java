package io.chora.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A token holder speaking the hub protocol by hand, as an attacker or a buggy client would: it says
 * hello as any site and pushes whatever envelope it is given. Every wait is bounded.
 */
final class RawHubClient implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final WebSocket socket;
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

  RawHubClient(int port, String workspace, String token, String site) throws Exception {
    StringBuilder partial = new StringBuilder();
    socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .header("Authorization", "Bearer " + token)
            .connectTimeout(TIMEOUT)
            .buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/v1/" + workspace),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                      received.add(partial.toString());
                      partial.setLength(0);
                    }
                    ws.request(1);
                    return null;
                  }
                })
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    send("{\"type\":\"hello\",\"version\":1,\"site\":\"" + site + "\",\"clock\":{}}");
    expect("\"welcome\"");
  }

  /** Pushes an envelope of {@code origin}'s transactions and waits for the hub's ack. */
  void push(String origin, long first, long last, String deps, String payloadBase64)
      throws Exception {
    send(
        "{\"type\":\"push\",\"origin\":\""
            + origin
            + "\",\"first\":"
            + first
            + ",\"last\":"
            + last
            + ",\"deps\":"
            + deps
            + ",\"payload\":\""
            + payloadBase64
            + "\"}");
    expect("\"ack\"");
  }

  private void send(String text) throws Exception {
    socket.sendText(text, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private void expect(String type) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      String m = received.poll(100, TimeUnit.MILLISECONDS);
      if (m != null && m.contains("\"type\":" + type)) {
        return;
      }
    }
    throw new AssertionError("the hub sent no " + type + " within " + TIMEOUT);
  }

  @Override
  public void close() {
    socket.abort();
  }
}
