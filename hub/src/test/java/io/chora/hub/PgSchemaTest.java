package io.chora.hub;

import static io.chora.hub.TestHubs.TEAM;
import static io.chora.hub.TestHubs.TEAM_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.chora.hub.testing.PgCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PostgreSQL store's schema: upgraded in place by a newer hub, refused by an older one. */
class PgSchemaTest {
  @TempDir Path dir;

  private HubServer start(String database) throws IOException {
    return HubServer.start(TestHubs.config(dir).withStore(new StoreUrl(database, null)));
  }

  private static void exec(String database, String... sql) throws Exception {
    try (Connection db = DriverManager.getConnection(database);
        Statement st = db.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  private static List<Integer> versions(String database) throws Exception {
    try (Connection db = DriverManager.getConnection(database);
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT version FROM chora_hub.schema_version ORDER BY version")) {
      List<Integer> versions = new java.util.ArrayList<>();
      while (rs.next()) {
        versions.add(rs.getInt(1));
      }
      return versions;
    }
  }

  @Test
  void aVersion1StoreIsUpgradedInPlaceKeepingItsLogAndGainsDeviceTokens() throws Exception {
    String database = PgCluster.shared().newDatabase();
    try (HubServer hub = start(database)) {
      TestClient laptop = TestClient.connect(hub.url(), TEAM, TEAM_TOKEN);
      laptop.join("fA", Map.of());
      laptop.pushAndAwait("fA", 1, 1, Map.of());
      laptop.close();
    }
    // what a hub of version 1 left: no device tokens yet
    exec(
        database,
        "DROP TABLE chora_hub.device_token",
        "DROP TABLE chora_hub.snapshot, chora_hub.compacted, chora_hub.member, chora_hub.tracking",
        "DELETE FROM chora_hub.schema_version WHERE version > 1");
    assertThat(versions(database)).containsExactly(1);

    try (HubServer hub = start(database)) {
      assertThat(versions(database)).containsExactly(1, 2, 3);
      TestClient reader = TestClient.connect(hub.url(), TEAM, TEAM_TOKEN);
      assertThat(reader.join("fB", Map.of()))
          .extracting(e -> e.path("payload").asText())
          .containsExactly(TestClient.payload("fA", 1, 1));
      reader.close();
      String device = HubTokens.add(null, new StoreUrl(database, null), TEAM, "phone");
      TestClient phone = TestClient.connect(hub.url(), TEAM, device);
      phone.join("fP", Map.of());
      assertThat(phone.pushAndAwait("fP", 1, 1, Map.of()).path("type").asText()).isEqualTo("ack");
      phone.close();
    }
  }

  @Test
  void aVersion2StoreIsUpgradedInPlaceKeepingItsLogAndTakesSnapshots() throws Exception {
    String database = PgCluster.shared().newDatabase();
    try (HubServer hub = start(database)) {
      TestClient laptop = TestClient.connect(hub.url(), TEAM, TEAM_TOKEN);
      laptop.join("fA", Map.of());
      laptop.pushAndAwait("fA", 1, 1, Map.of());
      laptop.close();
    }
    // what a hub of version 2 left: no snapshot tables yet
    exec(
        database,
        "DROP TABLE chora_hub.snapshot, chora_hub.compacted, chora_hub.member, chora_hub.tracking",
        "DELETE FROM chora_hub.schema_version WHERE version > 2");
    assertThat(versions(database)).containsExactly(1, 2);

    try (HubServer hub = start(database)) {
      assertThat(versions(database)).containsExactly(1, 2, 3);
      TestClient reader = TestClient.connect(hub.url(), TEAM, TEAM_TOKEN);
      reader.send("{\"type\":\"hello\",\"version\":1,\"minor\":1,\"site\":\"fB\",\"clock\":{}}");
      reader.untilCaughtUpAfterWelcome();
      reader.send("{\"type\":\"snapshot\",\"clock\":{\"fA\":1},\"payload\":\"c25hcA==\"}");
      JsonNode stored = reader.next();
      assertThat(stored.path("type").asText()).isEqualTo("snapshotStored");
      assertThat(stored.has("refused")).as(stored.toString()).isFalse();
      reader.close();
    }
  }

  @Test
  void aStoreANewerHubUpgradedIsRefusedUnchanged() throws Exception {
    String database = PgCluster.shared().newDatabase();
    start(database).close();
    exec(
        database,
        "INSERT INTO chora_hub.schema_version(version) VALUES (" + (PgSchema.VERSION + 1) + ")");

    assertThatThrownBy(() -> start(database))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("newer than this hub's " + PgSchema.VERSION)
        .hasMessageContaining("run the newer hub");
    assertThatThrownBy(() -> HubTokens.list(null, new StoreUrl(database, null)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("newer than this hub's");
    assertThat(versions(database)).endsWith(PgSchema.VERSION, PgSchema.VERSION + 1);
  }
}
