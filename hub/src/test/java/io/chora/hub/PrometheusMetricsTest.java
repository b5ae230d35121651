package io.chora.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} in the Prometheus text format, read back by a parser of that format. */
class PrometheusMetricsTest {
  /** What Prometheus 2.x and 3.x send when they scrape. */
  static final String PROMETHEUS_ACCEPT =
      "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;"
          + "version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)");
  private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:\\\\.|[^\"\\\\])*\"";

  @TempDir Path dataDir;

  static HttpResponse<String> get(HubServer hub, String path, String accept) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + path))
            .timeout(TestClient.TIMEOUT);
    if (accept != null) {
      request.header("Accept", accept);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** One scrape as Prometheus makes it: each series ({@code name{labels}}) and its value. */
  static Map<String, Double> scrape(HubServer hub) throws Exception {
    HttpResponse<String> response = get(hub, "/metrics", PROMETHEUS_ACCEPT);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/plain; version=0.0.4");
    return parse(response.body());
  }

  /**
   * Reads the text exposition format strictly: every sample's metric has HELP and TYPE lines before
   * its samples, types are counter or gauge, counters end in {@code _total}, labels are well
   * formed, values are numbers, and no series appears twice.
   */
  static Map<String, Double> parse(String text) {
    assertThat(text).endsWith("\n");
    Map<String, String> help = new HashMap<>();
    Map<String, String> type = new HashMap<>();
    Map<String, Double> series = new LinkedHashMap<>();
    for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
      if (line.startsWith("# HELP ")) {
        String[] parts = line.substring("# HELP ".length()).split(" ", 2);
        assertThat(parts).as(line).hasSize(2);
        assertThat(parts[1]).as(line).isNotBlank();
        assertThat(help.put(parts[0], parts[1])).as("HELP twice: " + line).isNull();
      } else if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring("# TYPE ".length()).split(" ");
        assertThat(parts).as(line).hasSize(2);
        assertThat(help).as("HELP before TYPE: " + line).containsKey(parts[0]);
        assertThat(parts[1]).as(line).isIn("counter", "gauge");
        assertThat(type.put(parts[0], parts[1])).as("TYPE twice: " + line).isNull();
        assertThat(parts[0].endsWith("_total")).as(line).isEqualTo(parts[1].equals("counter"));
      } else {
        Matcher sample = SAMPLE.matcher(line);
        assertThat(sample.matches()).as("a sample line: '%s'", line).isTrue();
        assertThat(type).as("TYPE before its sample: " + line).containsKey(sample.group(1));
        if (sample.group(2) != null) {
          assertThat(sample.group(2)).as(line).matches(LABEL + "(," + LABEL + ")*");
        }
        double value = Double.parseDouble(sample.group(3));
        String key =
            sample.group(2) == null ? sample.group(1) : line.substring(0, line.lastIndexOf(' '));
        assertThat(series.put(key, value)).as("series twice: " + line).isNull();
      }
    }
    return series;
  }

  @Test
  void scrapersGetTheTextFormatWithCountersOfWhatThisInstanceDecided() throws Exception {
    try (HubServer hub = TestHubs.start(dataDir);
        TestClient laptop = TestHubs.team(hub)) {
      laptop.join("laptop", Map.of());
      for (int seq = 1; seq <= 5; seq++) {
        assertThat(laptop.pushAndAwait("laptop", seq, seq, Map.of()).path("type").asText())
            .isEqualTo("ack");
      }
      assertThat(laptop.pushAndAwait("laptop", 5, 5, Map.of()).path("type").asText())
          .isEqualTo("ack"); // a duplicate
      assertThat(laptop.pushAndAwait("laptop", 9, 9, Map.of()).path("type").asText())
          .isEqualTo("nack"); // a gap

      Map<String, Double> metrics = scrape(hub);
      String team = "{workspace=\"team\"";
      assertThat(metrics)
          .containsEntry("chora_hub_pushes_total" + team + ",outcome=\"stored\"}", 5.0)
          .containsEntry("chora_hub_pushes_total" + team + ",outcome=\"duplicate\"}", 1.0)
          .containsEntry("chora_hub_pushes_total" + team + ",outcome=\"refused\"}", 1.0)
          .containsEntry("chora_hub_store_failures_total" + team + "}", 0.0)
          .containsEntry("chora_hub_connected_clients" + team + "}", 1.0)
          .containsEntry("chora_hub_log_envelopes" + team + "}", 5.0)
          .containsEntry("chora_hub_store_up", 1.0)
          .containsEntry("chora_hub_draining", 0.0);
      assertThat(metrics.get("chora_hub_store_bytes" + team + "}")).isPositive();
      assertThat(metrics.get("chora_hub_start_time_seconds") * 1000)
          .isLessThanOrEqualTo(System.currentTimeMillis());
      assertThat(metrics.keySet()).noneMatch(series -> series.contains("other"));
      assertThat(metrics.toString()).doesNotContain(TestHubs.TEAM_TOKEN, "laptop");

      assertThat(parse(get(hub, "/metrics?format=prometheus", null).body())).isEqualTo(metrics);
    }
  }

  @Test
  void currentCallersKeepTheJson() throws Exception {
    try (HubServer hub = TestHubs.start(dataDir)) {
      for (String accept :
          new String[] {null, "*/*", "application/json", "application/json, text/plain, */*"}) {
        HttpResponse<String> response = get(hub, "/metrics", accept);
        assertThat(response.headers().firstValue("Content-Type"))
            .as(accept)
            .hasValue("application/json");
        assertThat(TestClient.JSON.readTree(response.body()).has("uptimeSeconds")).isTrue();
      }
      assertThat(
              get(hub, "/metrics?format=json", PROMETHEUS_ACCEPT)
                  .headers()
                  .firstValue("Content-Type"))
          .hasValue("application/json");
      HttpResponse<String> unknown = get(hub, "/metrics?format=xml", null);
      assertThat(unknown.statusCode()).isEqualTo(400);
      assertThat(unknown.body()).contains("json or prometheus");
    }
  }

  @Test
  void aDrainingInstanceSaysSo() throws Exception {
    try (HubServer hub = TestHubs.start(dataDir)) {
      hub.drain();
      assertThat(scrape(hub)).containsEntry("chora_hub_draining", 1.0);
    }
  }
}
