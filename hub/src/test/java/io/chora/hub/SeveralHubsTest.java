package io.chora.hub;

import static io.chora.hub.TestHubs.TEAM;
import static io.chora.hub.TestHubs.TEAM_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chora.hub.testing.PgCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three hub instances on one PostgreSQL database, clients spread over them. */
class SeveralHubsTest {
  @TempDir Path dir;
  private String database;
  private final List<HubServer> hubs = new ArrayList<>();
  private final List<TestClient> clients = new ArrayList<>();

  @BeforeEach
  void startHubs() throws Exception {
    database = PgCluster.shared().newDatabase();
    for (int i = 0; i < 3; i++) {
      hubs.add(start(i));
    }
  }

  private HubServer start(int instance) throws Exception {
    return HubServer.start(
        TestHubs.config(dir.resolve("hub" + instance))
            .withPushesPerSecond(10_000)
            .withStore(new StoreUrl(database, null)));
  }

  @AfterEach
  void stop() {
    clients.forEach(TestClient::close);
    hubs.forEach(HubServer::close);
  }

  private TestClient on(int instance) {
    TestClient client = TestClient.connect(hubs.get(instance).url(), TEAM, TEAM_TOKEN);
    clients.add(client);
    return client;
  }

  @Test
  void aDeviceTokenAddedOnceServesEveryInstanceAndItsRevokeCutsItOffOnAll() throws Exception {
    StoreUrl store = new StoreUrl(database, null);
    // added beside no instance in particular, as an admin would (chora hub token add --store)
    String phone = HubTokens.add(null, store, TEAM, "phone");
    String laptop = HubTokens.add(null, store, TEAM, "laptop");
    TestClient onFirst = TestClient.connect(hubs.get(0).url(), TEAM, phone);
    TestClient onSecond = TestClient.connect(hubs.get(1).url(), TEAM, phone);
    clients.add(onFirst);
    clients.add(onSecond);
    onFirst.join("fP", Map.of());
    assertThat(onFirst.pushAndAwait("fP", 1, 1, Map.of()).path("type").asText()).isEqualTo("ack");
    onSecond.join("fP", Map.of("fP", 1L));

    // the binding is the store's: another device is refused fP on an instance it never met
    TestClient thief = TestClient.connect(hubs.get(2).url(), TEAM, laptop);
    clients.add(thief);
    thief.send("{\"type\":\"hello\",\"version\":1,\"site\":\"fP\",\"clock\":{}}");
    assertThat(thief.awaitClosed().reason()).startsWith("bound: site \"fP\"");
    assertThat(HubTokens.list(null, store))
        .extracting(HubTokens.DeviceToken::name, HubTokens.DeviceToken::sites)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("laptop", List.of()),
            org.assertj.core.groups.Tuple.tuple("phone", List.of("fP")));

    assertThat(HubTokens.revoke(null, store, TEAM, "phone")).isTrue();
    Duration atOnce = Duration.ofSeconds(3);
    assertThat(onFirst.awaitClosed(atOnce).reason()).startsWith("revoked:");
    assertThat(onSecond.awaitClosed(atOnce).reason()).startsWith("revoked:");
    for (HubServer hub : hubs) {
      assertThat(TestClient.refusedStatus(hub.url(), TEAM, phone)).isEqualTo(401);
    }
  }

  @Test
  void anEnvelopeStoredThroughOneInstanceReachesTheLiveClientsOfEveryOtherOnceInOrder() {
    TestClient laptop = on(0);
    laptop.join("laptop", Map.of());
    TestClient phone = on(1);
    phone.join("phone", Map.of());
    TestClient tablet = on(2);
    tablet.join("tablet", Map.of());
    for (int seq = 1; seq <= 50; seq++) {
      laptop.push("laptop", seq, seq, Map.of());
    }
    for (int seq = 1; seq <= 50; seq++) {
      assertThat(laptop.next().path("type").asText()).isEqualTo("ack");
    }
    for (TestClient receiver : List.of(phone, tablet)) {
      for (int seq = 1; seq <= 50; seq++) {
        JsonNode envelope = receiver.next();
        assertThat(envelope.path("type").asText()).isEqualTo("envelope");
        assertThat(envelope.path("first").asLong()).isEqualTo(seq);
      }
      assertThat(receiver.poll(TestClient.QUIET)).isNull(); // exactly once
    }
    assertThat(laptop.poll(TestClient.QUIET)).isNull(); // never its own back
  }

  /** Each instance's {@code /metrics} counts its own pushes; the log's size is every instance's. */
  @Test
  void eachInstanceReportsWhatItDecidedInThePrometheusFormat() throws Exception {
    TestClient laptop = on(0);
    laptop.join("laptop", Map.of());
    TestClient phone = on(1);
    phone.join("phone", Map.of());
    for (int seq = 1; seq <= 4; seq++) {
      laptop.pushAndAwait("laptop", seq, seq, Map.of());
    }
    phone.pushAndAwait("phone", 1, 1, Map.of());
    on(2).join("tablet", Map.of()); // the third opens the workspace: it stored nothing
    String stored = "chora_hub_pushes_total{workspace=\"team\",outcome=\"stored\"}";
    String log = "chora_hub_log_envelopes{workspace=\"team\"}";
    List<Map<String, Double>> scrapes = new ArrayList<>();
    long deadline = System.nanoTime() + TestClient.TIMEOUT.toNanos();
    do { // each hears of the others' commits through NOTIFY
      Thread.sleep(20);
      scrapes.clear();
      for (HubServer hub : hubs) {
        scrapes.add(PrometheusMetricsTest.scrape(hub));
      }
    } while (scrapes.stream().anyMatch(m -> m.getOrDefault(log, 0.0) < 5)
        && System.nanoTime() < deadline);
    assertThat(scrapes).extracting(m -> m.get(stored)).containsExactly(4.0, 1.0, 0.0);
    assertThat(scrapes).extracting(m -> m.get(log)).containsExactly(5.0, 5.0, 5.0);
  }

  @Test
  void aClientThatReconnectsToAnotherInstanceResumesFromItsClock() {
    TestClient laptop = on(0);
    laptop.join("laptop", Map.of());
    for (int seq = 1; seq <= 10; seq++) {
      assertThat(laptop.pushAndAwait("laptop", seq, seq, Map.of()).path("type").asText())
          .isEqualTo("ack");
    }
    TestClient phone = on(1);
    List<JsonNode> first = phone.join("phone", Map.of());
    assertThat(first).hasSize(10);
    phone.close();
    for (int seq = 11; seq <= 15; seq++) {
      laptop.pushAndAwait("laptop", seq, seq, Map.of());
    }
    List<JsonNode> resumed = on(2).join("phone", Map.of("laptop", 10L));
    assertThat(resumed)
        .extracting(e -> e.path("first").asLong())
        .containsExactly(11L, 12L, 13L, 14L, 15L);
  }

  /**
   * Two instances take pushes of one origin at once (a client that reconnected elsewhere while its
   * old connection still pushes): each seq is stored once, contiguous, whoever wins.
   */
  @Test
  void twoInstancesReceivingOneOriginAtOnceStoreItContiguouslyOnce() throws Exception {
    long seed = System.nanoTime();
    System.out.println("SeveralHubsTest race seed " + seed);
    Random random = new Random(seed);
    int envelopes = 300;
    TestClient a = on(0);
    a.join("laptop", Map.of());
    TestClient b = on(1);
    b.join("laptop", Map.of());
    Thread second =
        new Thread(
            () -> {
              for (int seq = 1; seq <= envelopes; seq++) {
                b.push("laptop", seq, seq, Map.of());
              }
            });
    second.start();
    for (int seq = 1; seq <= envelopes; seq++) {
      if (random.nextInt(10) == 0) {
        Thread.sleep(1);
      }
      a.push("laptop", seq, seq, Map.of());
    }
    second.join(TestClient.TIMEOUT.toMillis());
    for (TestClient client : List.of(a, b)) {
      int answers = 0;
      while (answers < envelopes) {
        JsonNode message = client.next();
        if (!message.path("type").asText().equals("envelope")) {
          assertThat(message.path("type").asText()).isIn("ack", "nack");
          answers++;
        }
      }
    }
    try (Connection db = DriverManager.getConnection(database);
        Statement st = db.createStatement();
        ResultSet rows =
            st.executeQuery(
                "SELECT first, last FROM chora_hub.envelope WHERE origin = 'laptop' ORDER BY id")) {
      long expected = 1;
      while (rows.next()) {
        assertThat(rows.getLong(1)).isEqualTo(expected);
        expected = rows.getLong(2) + 1;
      }
      assertThat(expected - 1).isEqualTo(envelopes);
    }
  }

  /**
   * An instance stopped during pushes: its client reconnects to another instance and pushes what
   * was not acknowledged; nothing acknowledged is lost. Seeded rounds with random timing.
   */
  @Test
  void anInstanceStoppedDuringPushesLosesNothingAcknowledged() throws Exception {
    long seed = System.nanoTime();
    System.out.println("SeveralHubsTest stop seed " + seed + " (replay: set it here)");
    Random random = new Random(seed);
    TestClient watcher = on(2);
    watcher.join("watcher", Map.of());
    long acked = 0;
    Set<Long> seen = new HashSet<>();
    for (int round = 0; round < 20; round++) {
      int victim = round % 2;
      TestClient pusher = on(victim);
      pusher.join("laptop", Map.of("laptop", acked));
      long from = acked + 1;
      long to = from + 20 + random.nextInt(40);
      for (long seq = from; seq <= to; seq++) {
        pusher.tryPush("laptop", seq, seq);
      }
      Thread.sleep(random.nextInt(15));
      hubs.get(victim).close(); // mid-stream: some pushes acked, some not
      for (JsonNode m = pusher.poll(TestClient.QUIET);
          m != null;
          m = pusher.poll(TestClient.QUIET)) {
        if (m.path("type").asText().equals("ack")) {
          acked = Math.max(acked, m.path("last").asLong());
        }
      }
      hubs.set(victim, start(victim));
    }
    TestClient reader = on(0);
    List<JsonNode> all = reader.join("reader", Map.of());
    for (JsonNode envelope : all) {
      if (envelope.path("origin").asText().equals("laptop")) {
        seen.add(envelope.path("first").asLong());
      }
    }
    for (long seq = 1; seq <= acked; seq++) {
      assertThat(seen).as("acked seq %d (seed %d)", seq, seed).contains(seq);
    }
    assertThat(acked).isGreaterThan(0);
  }
}
