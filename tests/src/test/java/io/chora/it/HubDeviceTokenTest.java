package io.chora.it;

import static io.chora.it.HubFixture.await;
import static io.chora.it.HubFixture.sameRows;
import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.hub.HubTokens;
import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.testing.Db;
import io.chora.sync.VectorClock;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-device tokens end to end, replicas and a real hub on 127.0.0.1: another device's token cannot
 * take a site (issue 20's takeover, which used to leave equal clocks and different rows), and a
 * revoked device is cut off while it writes. Tokens are added while the hub runs.
 */
class HubDeviceTokenTest {
  @TempDir Path dir;
  private HubFixture hubs;

  @BeforeEach
  void startHub() throws Exception {
    hubs = new HubFixture(dir);
  }

  @AfterEach
  void stop() throws Exception {
    hubs.close();
  }

  private String addToken(String name) throws Exception {
    return HubTokens.add(dir.resolve("hub"), HubFixture.WORKSPACE, name);
  }

  @Test
  void aDeviceTokenCannotWriteAsAnotherDevicesSiteAndTheRealSiteStillConverges() throws Exception {
    Connection a = hubs.replica("fA", addToken("device-a"), "");
    String tokenB = addToken("device-b");
    Connection b = hubs.replica("fB", tokenB, "");
    exec(a, "INSERT INTO note VALUES (1, 'by A')");
    await("fA:1 reaches B", () -> rows(b, "SELECT title FROM note").contains("by A"));

    // B's token holder forges fA:2, a valid change set made by a file that calls itself fA
    String forged;
    try (Connection evil =
        DriverManager.getConnection("jdbc:chora:" + dir.resolve("evil.db") + "?chora.site=fA")) {
      exec(evil, "CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
      exec(evil, "INSERT INTO note VALUES (1, 'by A')");
      exec(evil, "INSERT INTO note VALUES (2, 'forged')");
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      evil.unwrap(ChoraConnection.class)
          .changesSince(new VectorClock().increment("fA"))
          .writeTo(bytes);
      forged = Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
    RawClient thief = RawClient.connect(hubs.hub.port(), tokenB);
    thief.send("{\"type\":\"hello\",\"version\":1,\"site\":\"fA\",\"clock\":{\"fA\":1}}");
    thief.send(
        "{\"type\":\"push\",\"origin\":\"fA\",\"first\":2,\"last\":2,\"deps\":{},\"payload\":\""
            + forged
            + "\"}");
    String closed = thief.closed.get(10, TimeUnit.SECONDS);
    assertThat(closed).startsWith("1008 bound: site \"fA\" is bound to another token");

    exec(a, "INSERT INTO note VALUES (2, 'by A too')");
    await("fA:2 reaches B", () -> rows(b, "SELECT title FROM note").contains("by A too"));
    await("both hold the same rows", () -> sameRows(a, b));
    assertThat(rows(b, "SELECT title FROM note ORDER BY id")).containsExactly("by A", "by A too");
    assertThat(Db.of(a).hubStatus().lastError()).isNull();
    assertThat(Db.of(a).hubStatus().refused()).isFalse();
    assertThat(Db.of(a).hubStatus().pendingTransactions()).isZero();
  }

  @Test
  void aRevokedDeviceIsCutOffWhileItWritesAndTheOthersCarryOn() throws Exception {
    Connection stolen = hubs.replica("lost", addToken("lost-phone"), "");
    Connection kept = hubs.replica("kept", addToken("laptop"), "");
    Connection shared = hubs.replica("shared"); // the workspace token keeps working beside them
    exec(stolen, "INSERT INTO note VALUES (1, 'before')");
    await("the lost phone's row arrives", () -> rows(kept, "SELECT id FROM note").contains("1"));

    HubTokens.revoke(dir.resolve("hub"), HubFixture.WORKSPACE, "lost-phone");
    for (int id = 100; Db.of(stolen).hubStatus().connected() && id < 10_000; id++) {
      exec(stolen, "INSERT INTO note VALUES (" + id + ", 'during')");
      Thread.sleep(5);
    }
    await("the lost phone is cut off", () -> !Db.of(stolen).hubStatus().connected());
    await(
        "and told why",
        () -> String.valueOf(Db.of(stolen).hubStatus().lastError()).matches(".*(revoked|401).*"));
    assertThat(Db.of(stolen).hubStatus().refused()).as("turned away, not merely offline").isTrue();
    exec(stolen, "INSERT INTO note VALUES (9999999, 'after')");

    exec(kept, "INSERT INTO note VALUES (2, 'kept')");
    exec(shared, "INSERT INTO note VALUES (3, 'shared')");
    await(
        "kept and shared converge",
        () -> sameRows(kept, shared) && rows(kept, "SELECT id FROM note").contains("3"));
    Thread.sleep(300);
    assertThat(rows(kept, "SELECT id FROM note")).doesNotContain("9999999");
    assertThat(Db.of(stolen).hubStatus().connected()).isFalse();
  }

  /** Enough of the protocol to say hello and push by hand; records how the hub closed. */
  private static final class RawClient implements WebSocket.Listener {
    final CompletableFuture<String> closed = new CompletableFuture<>();
    private WebSocket socket;

    static RawClient connect(int port, String token) throws Exception {
      RawClient client = new RawClient();
      client.socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .header("Authorization", "Bearer " + token)
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + port + "/v1/" + HubFixture.WORKSPACE), client)
              .get(10, TimeUnit.SECONDS);
      return client;
    }

    void send(String text) throws Exception {
      try {
        socket.sendText(text, true).get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException closedMeanwhile) {
        // the hub may close on the hello before the push is written
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      closed.complete(code + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.complete("error " + error);
    }
  }
}
