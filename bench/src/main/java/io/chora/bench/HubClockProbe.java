package io.chora.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads how many transactions a hub holds, whichever store it runs on: says hello as a new site and
 * sums the {@code hubClock} of the welcome, then hangs up (the catch-up that follows is dropped).
 */
final class HubClockProbe {
  private static final Pattern HUB_CLOCK = Pattern.compile("\"hubClock\":\\{([^}]*)\\}");
  private static final Pattern SEQ = Pattern.compile(":(\\d+)");
  private static int probes;

  private HubClockProbe() {}

  static long transactions(HttpClient http, String hubUrl, String workspace, String token)
      throws Exception {
    CompletableFuture<String> welcome = new CompletableFuture<>();
    StringBuilder text = new StringBuilder();
    WebSocket socket =
        http.newWebSocketBuilder()
            .header("Authorization", "Bearer " + token)
            .connectTimeout(Duration.ofSeconds(30))
            .buildAsync(
                URI.create(hubUrl + "/v1/" + workspace),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                      welcome.complete(text.toString());
                    }
                    return null; // the first message only: nothing more is requested
                  }
                })
            .get(30, TimeUnit.SECONDS);
    String site = "probe-" + (++probes) + "-" + System.nanoTime();
    socket.sendText(
        "{\"type\":\"hello\",\"version\":1,\"site\":\"" + site + "\",\"clock\":{}}", true);
    String message = welcome.get(30, TimeUnit.SECONDS);
    socket.abort();
    Matcher clock = HUB_CLOCK.matcher(message);
    if (!clock.find()) {
      throw new IllegalStateException("not a welcome: " + message);
    }
    long sum = 0;
    for (Matcher seq = SEQ.matcher(clock.group(1)); seq.find(); ) {
      sum += Long.parseLong(seq.group(1));
    }
    return sum;
  }
}
