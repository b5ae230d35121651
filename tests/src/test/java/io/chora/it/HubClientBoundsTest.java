package io.chora.it;

import static io.chora.jdbc.testing.Db.exec;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.HubStatus;
import io.chora.jdbc.testing.Db;
import io.chora.sync.VectorClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client holds what a hub sends to the bounds the hub holds its clients to (docs/protocol.md):
 * a welcome, envelope, ack, clock or frame past one is refused by name, HubStatus says so, nothing
 * of it is applied and the replica's unpushed transactions stay pending, so that an honest hub (the
 * same fake, once the test lets it) receives them all. Hubs are {@link FakeHub}s.
 */
class HubClientBoundsTest {
  private static final String BEYOND = String.valueOf((1L << 53));

  @TempDir Path dir;

  /** An envelope of another replica's real set, with its fields as {@code fields} sets them. */
  private static Function<String, String> envelope(String fields) {
    return payload ->
        "{\"type\":\"envelope\"," + fields + ",\"deps\":{},\"payload\":\"" + payload + "\"}";
  }

  private static final String WELCOME = "{\"type\":\"welcome\",\"version\":1,\"hubClock\":{}}";

  static Stream<Arguments> badHubs() {
    return Stream.of(
        onHello(
            "welcome hubClock past 2^53-1",
            p -> hubClock("{\"me\":" + BEYOND + "}"),
            "'hubClock' value for 'me' is beyond"),
        onHello(
            "welcome hubClock beyond 64 bits",
            p -> hubClock("{\"me\":18446744073709551616}"),
            "beyond 64 bits"),
        onHello(
            "welcome hubClock of 10,001 sites", p -> hubClock(sites(10_001)), "more than 10000"),
        onHello("welcome hubClock with a bad site id", p -> hubClock("{\"a b\":1}"), "site id"),
        onHello(
            "welcome with hubClock twice",
            p -> "{\"type\":\"welcome\",\"version\":1,\"hubClock\":{},\"hubClock\":{\"me\":9}}",
            "Duplicate field 'hubClock'"),
        onHello(
            "envelope last 2^63-1",
            envelope("\"origin\":\"other\",\"first\":1,\"last\":9223372036854775807"),
            "'last' 9223372036854775807 is beyond"),
        onHello(
            "envelope first 0",
            envelope("\"origin\":\"other\",\"first\":0,\"last\":1"),
            "are not 1 <= first <= last"),
        onHello(
            "envelope first after last",
            envelope("\"origin\":\"other\",\"first\":2,\"last\":1"),
            "are not 1 <= first <= last"),
        onHello(
            "envelope origin with NUL",
            envelope("\"origin\":\"oth\\u0000er\",\"first\":1,\"last\":1"),
            "site id"),
        onHello(
            "envelope origin twice",
            envelope("\"origin\":\"x\",\"origin\":\"other\",\"first\":1,\"last\":1"),
            "Duplicate field 'origin'"),
        onHello(
            "caughtUp hubClock with a bad site id",
            p -> "{\"type\":\"caughtUp\",\"hubClock\":{\"a\\nb\":1}}",
            "site id"),
        onHello(
            "peerClock of a bad site id",
            p -> "{\"type\":\"peerClock\",\"site\":\"a b\",\"clock\":{}}",
            "site id"),
        onHello(
            "a frame of 64 MiB",
            p -> "{\"type\":\"ping\",\"nonce\":\"" + "x".repeat(64 << 20) + "\"}",
            "sent a message of more than"),
        onPush(
            "ack last past 2^53-1", push -> ack(push, BEYOND), "'last' " + BEYOND + " is beyond"),
        onPush(
            "ack of more than the replica wrote",
            push -> ack(push, "1000"),
            "more than this replica"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badHubs")
  void aHubPastABoundIsRefusedByNameAndThePendingWorkWaitsForAnHonestOne(
      String name, FakeHub.Misbehaviour misbehaviour, String problem) throws Exception {
    String payload = otherReplicasSet();
    try (FakeHub hub = new FakeHub(withPayload(misbehaviour, payload));
        Connection me = DriverManager.getConnection(url(hub))) {
      exec(me, "CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
      exec(me, "INSERT INTO note VALUES (1, 'mine')", "INSERT INTO note VALUES (2, 'mine too')");
      ChoraConnection chora = me.unwrap(ChoraConnection.class);
      long written = chora.clock().get("me");
      HubStatus refused = awaitError(chora, problem);
      assertThat(refused.pendingTransactions()).as("%s: still pending", name).isEqualTo(written);
      assertThat(Db.rows(me, "SELECT id FROM note ORDER BY id")).as(name).containsExactly("1", "2");

      hub.beHonest();
      long pushed = 0;
      while (pushed < written) {
        JsonNode push = hub.honestPushes.poll(20, TimeUnit.SECONDS);
        assertThat(push).as("%s: the honest hub got the pending work", name).isNotNull();
        assertThat(push.path("origin").asText()).isEqualTo("me");
        pushed = push.path("last").asLong();
      }
      assertThat(Db.rows(me, "SELECT id FROM note ORDER BY id")).as(name).containsExactly("1", "2");
    }
  }

  // ---- the misbehaving hubs ------------------------------------------------------------------

  /** A misbehaviour that needs another replica's set as a payload gets it as its argument. */
  private interface WithPayload extends FakeHub.Misbehaviour {
    void payload(String payload);
  }

  private static Arguments onHello(String name, Function<String, String> frame, String problem) {
    String[] payload = {null};
    WithPayload bad =
        new WithPayload() {
          @Override
          public void payload(String p) {
            payload[0] = p;
          }

          @Override
          public List<String> onHello(JsonNode hello) {
            String made = frame.apply(payload[0]);
            return made.contains("\"welcome\"") ? List.of(made) : List.of(WELCOME, made);
          }
        };
    return Arguments.of(name, bad, problem);
  }

  private static Arguments onPush(String name, Function<JsonNode, String> ack, String problem) {
    FakeHub.Misbehaviour bad =
        new FakeHub.Misbehaviour() {
          @Override
          public List<String> onHello(JsonNode hello) {
            return List.of(WELCOME, "{\"type\":\"caughtUp\",\"hubClock\":{}}");
          }

          @Override
          public List<String> onPush(JsonNode push) {
            return List.of(ack.apply(push));
          }
        };
    return Arguments.of(name, bad, problem);
  }

  private static FakeHub.Misbehaviour withPayload(FakeHub.Misbehaviour bad, String payload) {
    if (bad instanceof WithPayload needs) {
      needs.payload(payload);
    }
    return bad;
  }

  private static String hubClock(String clock) {
    return "{\"type\":\"welcome\",\"version\":1,\"hubClock\":" + clock + "}";
  }

  private static String ack(JsonNode push, String last) {
    return "{\"type\":\"ack\",\"origin\":" + push.path("origin") + ",\"last\":" + last + "}";
  }

  private static String sites(int n) {
    StringBuilder clock = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      clock.append(i == 0 ? "" : ",").append("\"s").append(i).append("\":1");
    }
    return clock.append('}').toString();
  }

  // ---- replicas ------------------------------------------------------------------------------

  /** A set another replica ("other") really wrote: row 7 of note, which must never arrive. */
  private String otherReplicasSet() throws Exception {
    try (Connection other = Db.chora(dir, "other.db", "chora.site=other")) {
      exec(other, "CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
      exec(other, "INSERT INTO note VALUES (7, 'from other')");
      String json = other.unwrap(ChoraConnection.class).changesSince(new VectorClock()).toJson();
      return Base64.getEncoder().encodeToString(json.getBytes(UTF_8));
    }
  }

  private String url(FakeHub hub) {
    return "jdbc:chora:"
        + dir.resolve("me.db")
        + "?chora.site=me&chora.hub=ws://127.0.0.1:"
        + hub.port()
        + "/team&chora.hub.token=team-secret-token&busy_timeout=10000";
  }

  private static HubStatus awaitError(ChoraConnection chora, String problem) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    HubStatus status = chora.hubStatus();
    while (System.nanoTime() < deadline) {
      status = chora.hubStatus();
      if (!status.connected()
          && status.lastError() != null
          && status.lastError().contains(problem)) { // read apart: the drop follows the error
        return status;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("HubStatus never named " + problem + "; last: " + status);
  }
}
