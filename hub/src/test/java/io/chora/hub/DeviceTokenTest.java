package io.chora.hub;

import static io.chora.hub.TestHubs.TEAM;
import static io.chora.hub.TestHubs.TEAM_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Per-device tokens: each site is bound to the credential whose push first stored it, so a device
 * writes only as itself; tokens are added and revoked while the hub runs. Once per store: with
 * PostgreSQL, the tokens and the bindings are the database's.
 */
@ParameterizedClass
@EnumSource(TestStore.class)
class DeviceTokenTest {
  @Parameter TestStore store;

  private static final Duration AT_ONCE = Duration.ofSeconds(3);

  @TempDir Path dataDir;
  private HubServer hub;
  private final List<TestClient> clients = new ArrayList<>();

  @AfterEach
  void stopHub() {
    clients.forEach(TestClient::close);
    if (hub != null) {
      hub.close();
    }
  }

  /** Where this store keeps the tokens: null for the data directory's file. */
  private StoreUrl where() {
    return store.apply(TestHubs.config(dataDir)).store();
  }

  private TestClient connect(String token) {
    TestClient client = TestClient.connect(hub.url(), TEAM, token);
    clients.add(client);
    return client;
  }

  private static String hello(String site, String clock, String former) {
    return "{\"type\":\"hello\",\"version\":1,\"site\":\""
        + site
        + "\",\"clock\":"
        + clock
        + (former == null ? "" : ",\"former\":[\"" + former + "\"]")
        + "}";
  }

  @Test
  void anotherDeviceCannotTakeASiteAndTheRealSiteKeepsWriting() throws Exception {
    hub = TestHubs.start(store, dataDir);
    String a = HubTokens.add(dataDir, where(), TEAM, "laptop");
    String b = HubTokens.add(dataDir, where(), TEAM, "phone");
    TestClient laptop = connect(a);
    laptop.join("fA", Map.of());
    assertThat(laptop.pushAndAwait("fA", 1, 1, Map.of()).path("type").asText()).isEqualTo("ack");

    TestClient thief = connect(b);
    thief.send(hello("fA", "{\"fA\":1}", null));
    TestClient.Closed closed = thief.awaitClosed();
    assertThat(closed.code()).isEqualTo(1008);
    assertThat(closed.reason()).startsWith("bound: site \"fA\" is bound to another token");

    // as its own site, naming fA as a site it wrote as before, with more of fA than the hub holds
    TestClient again = connect(b);
    again.send(hello("fB", "{\"fA\":2}", "fA"));
    assertThat(again.awaitClosed().reason()).startsWith("bound: site \"fA\"");

    // naming fA with nothing of it to push is let through, but a push for fA is refused
    TestClient copy = connect(b);
    copy.send(hello("fB", "{\"fA\":1}", "fA"));
    assertThat(copy.next().path("type").asText()).isEqualTo("welcome");
    copy.untilCaughtUp();
    copy.push("fA", 2, 2, Map.of());
    assertThat(copy.awaitClosed())
        .isEqualTo(new TestClient.Closed(1008, SiteBindings.refusal("fA")));

    JsonNode answer = laptop.pushAndAwait("fA", 2, 2, Map.of());
    assertThat(answer.path("type").asText()).isEqualTo("ack");
    TestClient reader = connect(b);
    List<JsonNode> log = reader.join("fB", Map.of());
    assertThat(log)
        .extracting(e -> e.path("payload").asText())
        .containsExactly(TestClient.payload("fA", 1, 1), TestClient.payload("fA", 2, 2));
  }

  @Test
  void bindingsSurviveARestart() throws Exception {
    hub = TestHubs.start(store, dataDir);
    String a = HubTokens.add(dataDir, where(), TEAM, "laptop");
    String b = HubTokens.add(dataDir, where(), TEAM, "phone");
    TestClient laptop = connect(a);
    laptop.join("fA", Map.of());
    laptop.pushAndAwait("fA", 1, 1, Map.of());
    hub.close();

    hub = TestHubs.start(store, dataDir);
    TestClient thief = connect(b);
    thief.send(hello("fA", "{}", null));
    assertThat(thief.awaitClosed().reason()).startsWith("bound: site \"fA\"");
    assertThat(HubTokens.list(dataDir, where()))
        .extracting(HubTokens.DeviceToken::name, HubTokens.DeviceToken::sites)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("laptop", List.of("fA")),
            org.assertj.core.groups.Tuple.tuple("phone", List.of()));
  }

  @Test
  void aRaceForAnUnboundSiteIsWonByTheFirstStoredPush() throws Exception {
    hub = TestHubs.start(store, dataDir);
    String a = HubTokens.add(dataDir, where(), TEAM, "laptop");
    String b = HubTokens.add(dataDir, where(), TEAM, "phone");
    TestClient first = connect(a);
    first.join("fX", Map.of());
    TestClient second = connect(b);
    second.join("fX", Map.of()); // nobody pushed fX yet: the hello passes

    assertThat(first.pushAndAwait("fX", 1, 1, Map.of()).path("type").asText()).isEqualTo("ack");
    second.push("fX", 2, 2, Map.of("fX", 1L));
    assertThat(second.awaitClosed().reason()).startsWith("bound: site \"fX\"");
  }

  @Test
  void aRevokedTokensConnectionsCloseAtOnceMidStream() throws Exception {
    hub = TestHubs.start(store, dataDir);
    String token = HubTokens.add(dataDir, where(), TEAM, "stolen");
    TestClient device = connect(token);
    device.join("fS", Map.of());
    for (long seq = 1; seq <= 5; seq++) {
      device.pushAndAwait("fS", seq, seq, Map.of());
    }
    TestClient bystander = TestHubs.team(hub);
    clients.add(bystander);
    bystander.join("fT", Map.of());

    assertThat(HubTokens.revoke(dataDir, where(), TEAM, "stolen")).isTrue();
    for (long seq = 6; !device.isClosed() && seq < 10_000; seq++) {
      device.tryPush("fS", seq, seq); // pushing on while the revoke lands
      Thread.sleep(5);
    }

    assertThat(device.awaitClosed(AT_ONCE))
        .isEqualTo(new TestClient.Closed(1008, "revoked: token \"stolen\" was revoked"));
    assertThat(TestClient.refusedStatus(hub.url(), TEAM, token)).isEqualTo(401);
    assertThat(bystander.pushAndAwait("fT", 1, 1, Map.of()).path("type").asText()).isEqualTo("ack");
    assertThat(HubTokens.revoke(dataDir, where(), TEAM, "stolen"))
        .as("nothing left to revoke")
        .isFalse();
  }

  @Test
  void aTokenAddedWhileTheHubRunsWorksAtOnceAndANameMayBeGivenANewToken() throws Exception {
    hub =
        HubServer.start(
            store.apply(HubConfig.of(dataDir, Map.of()))); // no shared token, no tokens file
    assertThat(TestClient.refusedStatus(hub.url(), TEAM, "not-a-token-of-anyone")).isEqualTo(401);

    String old = HubTokens.add(dataDir, where(), TEAM, "laptop");
    TestClient laptop = connect(old);
    laptop.join("fA", Map.of());
    laptop.pushAndAwait("fA", 1, 1, Map.of());
    HubTokens.revoke(dataDir, where(), TEAM, "laptop");
    assertThat(TestClient.refusedStatus(hub.url(), TEAM, old)).as("at once").isEqualTo(401);
    assertThat(laptop.awaitClosed(AT_ONCE).reason()).startsWith("revoked:");

    String renewed = HubTokens.add(dataDir, where(), TEAM, "laptop"); // the device's new token
    TestClient back = connect(renewed);
    assertThat(back.join("fA", Map.of("fA", 1L))).isEmpty();
    assertThat(back.pushAndAwait("fA", 2, 2, Map.of()).path("type").asText()).isEqualTo("ack");
    assertThat(TestClient.refusedStatus(hub.url(), "other", renewed)).isEqualTo(401);
  }

  @Test
  void theSharedWorkspaceTokenIsOneCredentialBesideTheDeviceTokens() throws Exception {
    hub = TestHubs.start(store, dataDir);
    String device = HubTokens.add(dataDir, where(), TEAM, "laptop");
    TestClient shared = connect(TEAM_TOKEN);
    shared.join("fW", Map.of());
    shared.pushAndAwait("fW", 1, 1, Map.of());
    TestClient sharedToo = connect(TEAM_TOKEN); // everyone with the shared token is trusted
    sharedToo.join("fW", Map.of("fW", 1L));
    assertThat(sharedToo.pushAndAwait("fW", 2, 2, Map.of()).path("type").asText()).isEqualTo("ack");

    TestClient laptop = connect(device);
    laptop.send(hello("fW", "{}", null));
    assertThat(laptop.awaitClosed().reason()).startsWith("bound: site \"fW\"");
    TestClient mine = connect(device);
    mine.join("fL", Map.of());
    mine.pushAndAwait("fL", 1, 1, Map.of());
    TestClient sharedAgain = connect(TEAM_TOKEN);
    sharedAgain.send(hello("fL", "{}", null));
    assertThat(sharedAgain.awaitClosed().reason()).startsWith("bound: site \"fL\"");
  }
}
