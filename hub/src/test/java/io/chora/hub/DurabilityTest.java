package io.chora.hub;

import static io.chora.hub.TestHubs.TEAM;
import static io.chora.hub.TestHubs.TEAM_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing acknowledged is lost when the hub stops, cleanly or by {@code kill -9}. */
class DurabilityTest {
  private static final Pattern LISTENING = Pattern.compile("chora hub listening on (ws://\\S+)");

  @TempDir Path dataDir;

  @Test
  void everythingAckedIsServedAfterARestart() throws Exception {
    try (HubServer hub = TestHubs.start(dataDir);
        TestClient laptop = TestHubs.team(hub)) {
      laptop.join("laptop", Map.of());
      for (int seq = 1; seq <= 30; seq++) {
        assertThat(laptop.pushAndAwait("laptop", seq, seq, Map.of()).path("type").asText())
            .isEqualTo("ack");
      }
    }

    try (HubServer hub = TestHubs.start(dataDir);
        TestClient phone = TestHubs.team(hub)) {
      JsonNode hubClock = phone.helloWelcome("phone", Map.of());
      assertThat(hubClock.path("laptop").asLong()).isEqualTo(30);
      List<JsonNode> envelopes = phone.untilCaughtUp();
      assertThat(envelopes).hasSize(30);
      for (int i = 0; i < 30; i++) {
        assertThat(envelopes.get(i).path("first").asLong()).isEqualTo(i + 1);
        assertThat(envelopes.get(i).path("payload").asText())
            .isEqualTo(TestClient.payload("laptop", i + 1, i + 1));
      }
      assertThat(phone.pushAndAwait("phone", 1, 1, Map.of("laptop", 30L)).path("type").asText())
          .isEqualTo("ack");
    }

    try (Connection log =
            DriverManager.getConnection("jdbc:sqlite:" + Workspaces.logFile(dataDir, TEAM));
        ResultSet mode = log.createStatement().executeQuery("PRAGMA journal_mode")) {
      assertThat(mode.getString(1)).isEqualTo("wal");
    }
  }

  @Test
  void afterKillMinus9MidStreamEveryAckedEnvelopeIsThereOnce() throws Exception {
    int pushes = 5000;
    long lastAcked = 0;
    Process first = startHubProcess();
    try (TestClient laptop = TestClient.connect(hubUrl(first), TEAM, TEAM_TOKEN)) {
      laptop.join("laptop", Map.of());
      Thread pusher =
          new Thread(
              () -> {
                for (int seq = 1; seq <= pushes && laptop.isOpen(); seq++) {
                  laptop.tryPush("laptop", seq, seq);
                }
              });
      pusher.start();
      while (lastAcked < 300) { // well into the stream, with more in flight
        JsonNode ack = laptop.next();
        assertThat(ack.path("type").asText()).isEqualTo("ack");
        lastAcked = ack.path("last").asLong();
      }
      first.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close of the log
      assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
      for (JsonNode ack = laptop.poll(TestClient.QUIET); ack != null; ) { // acks still in transit
        lastAcked = Math.max(lastAcked, ack.path("last").asLong());
        ack = laptop.poll(TestClient.QUIET);
      }
      pusher.join(TestClient.TIMEOUT.toMillis());
    }

    // in this JVM: only the first hub dies; as in HubMain, pipelined pushes are not rate limited
    try (HubServer restarted =
        TestHubs.start(dataDir, config -> config.withPushesPerSecond(100_000))) {
      long held;
      try (TestClient reader = TestHubs.team(restarted)) {
        held = reader.helloWelcome("phone", Map.of()).path("laptop").asLong();
        assertThat(held).as("every acked envelope survived").isGreaterThanOrEqualTo(lastAcked);
        assertThat(held).as("killed mid-stream").isLessThan(pushes);
        assertContiguousFromOne(reader.untilCaughtUp(), held);
      }
      try (TestClient laptopAgain = TestHubs.team(restarted)) {
        laptopAgain.join("laptop", Map.of("laptop", (long) pushes));
        for (long seq = held + 1; seq <= pushes; seq++) { // what the welcome said the hub lacks
          laptopAgain.push("laptop", seq, seq, Map.of());
        }
        for (long seq = held + 1; seq <= pushes; seq++) {
          assertThat(laptopAgain.next().toString())
              .isEqualTo("{\"type\":\"ack\",\"origin\":\"laptop\",\"last\":" + seq + "}");
        }
      }
      try (TestClient reader = TestHubs.team(restarted)) {
        assertContiguousFromOne(reader.join("tablet", Map.of()), pushes);
      }
    }
  }

  private static void assertContiguousFromOne(List<JsonNode> envelopes, long last) {
    assertThat(envelopes).hasSize((int) last);
    for (int i = 0; i < envelopes.size(); i++) {
      assertThat(envelopes.get(i).path("first").asLong()).isEqualTo(i + 1);
      assertThat(envelopes.get(i).path("last").asLong()).isEqualTo(i + 1);
    }
  }

  private Process startHubProcess() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            HubMain.class.getName(),
            dataDir.toString(),
            TEAM + "=" + TEAM_TOKEN)
        .redirectError(dataDir.resolve("hub-stderr.txt").toFile())
        .start();
  }

  /** Waits for the line the hub prints once it listens. */
  private static String hubUrl(Process hub) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8));
    String line =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return out.readLine();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                })
            .get(30, TimeUnit.SECONDS);
    Matcher listening = LISTENING.matcher(String.valueOf(line));
    assertThat(listening.matches()).as("the hub printed: %s", line).isTrue();
    return listening.group(1);
  }
}
