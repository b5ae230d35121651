package io.chora.it;

import static io.chora.it.HubFixture.await;
import static io.chora.it.HubFixture.sameRows;
import static io.chora.jdbc.testing.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.hub.HubConfig;
import io.chora.hub.HubServer;
import io.chora.hub.StoreUrl;
import io.chora.hub.testing.PgCluster;
import io.chora.jdbc.testing.Db;
import io.chora.jdbc.testing.DeviceKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real chora replicas, each on another of three hub instances sharing one PostgreSQL store, in an
 * encrypted workspace: they converge live across instances, and the store holds no plaintext.
 */
class SeveralHubsSyncTest {
  private static final String SECRET = "the-plaintext-marker-8191";

  @TempDir Path dir;
  private final List<HubServer> hubs = new ArrayList<>();
  private final List<Connection> replicas = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Connection c : replicas) {
      c.close();
    }
    hubs.forEach(HubServer::close);
  }

  @Test
  void encryptedReplicasOnThreeInstancesConvergeAndTheStoreHoldsNoPlaintext() throws Exception {
    String database = PgCluster.shared().newDatabase();
    for (int i = 0; i < 3; i++) {
      hubs.add(
          HubServer.start(
              HubConfig.of(dir.resolve("hub" + i), Map.of(HubFixture.WORKSPACE, HubFixture.TOKEN))
                  .withStore(new StoreUrl(database, null))));
    }
    Path recipients = dir.resolve("members.txt");
    List<Path> keys = new ArrayList<>();
    for (String site : List.of("laptop", "phone", "tablet")) {
      keys.add(DeviceKeys.member(dir, recipients, site));
    }
    String[] sites = {"laptop", "phone", "tablet"};
    for (int i = 0; i < 3; i++) {
      replicas.add(replica(sites[i], hubs.get(i), keys.get(i), recipients));
    }
    Connection laptop = replicas.get(0);
    Connection phone = replicas.get(1);
    Connection tablet = replicas.get(2);

    exec(laptop, "INSERT INTO note VALUES (1, '" + SECRET + " from the laptop')");
    exec(phone, "INSERT INTO note VALUES (2, '" + SECRET + " from the phone')");
    await("three instances, one state", () -> sameRows(laptop, phone, tablet));
    await("the tablet has both", () -> count(tablet) == 2);
    exec(tablet, "UPDATE note SET title = 'edited on the tablet' WHERE id = 1");
    await("the edit reaches the others", () -> sameRows(laptop, phone, tablet) && edited(laptop));

    try (Connection store = DriverManager.getConnection(database);
        Statement st = store.createStatement();
        ResultSet rows = st.executeQuery("SELECT payload FROM chora_hub.envelope")) {
      int envelopes = 0;
      while (rows.next()) {
        envelopes++;
        String payload = rows.getString(1);
        assertThat(payload).doesNotContain(SECRET);
        assertThat(new String(Base64.getDecoder().decode(payload), StandardCharsets.ISO_8859_1))
            .doesNotContain(SECRET)
            .doesNotContain("edited on the tablet");
      }
      assertThat(envelopes).isGreaterThanOrEqualTo(3);
    }
  }

  /**
   * {@code chora.hub} names both instances: when the first stops (it drains, closing with 1012),
   * the client goes on through the second from its clock, and nothing written is lost.
   */
  @Test
  void aClientGivenTwoInstancesGoesOnThroughTheSecondWhenTheFirstStops() throws Exception {
    String database = PgCluster.shared().newDatabase();
    for (int i = 0; i < 2; i++) {
      hubs.add(
          HubServer.start(
              HubConfig.of(dir.resolve("hub" + i), Map.of(HubFixture.WORKSPACE, HubFixture.TOKEN))
                  .withStore(new StoreUrl(database, null))));
    }
    String first = hubs.get(0).url() + "/" + HubFixture.WORKSPACE;
    String second = hubs.get(1).url() + "/" + HubFixture.WORKSPACE;
    Connection laptop = plain("laptop", first + "," + second);
    Connection phone = plain("phone", second);
    String onFirst = "connected to ws://127.0.0.1:" + hubs.get(0).port() + "/v1/";
    String onSecond = "connected to ws://127.0.0.1:" + hubs.get(1).port() + "/v1/";
    await("the laptop syncs through the first", () -> hubState(laptop).contains(onFirst));
    for (int i = 1; i <= 200; i++) {
      exec(laptop, "INSERT INTO note VALUES (" + i + ", 'row " + i + "')");
      if (i == 100) {
        hubs.get(0).close(); // mid-stream: what it acknowledged stays, the rest goes again
      }
    }
    await("the phone has all 200 rows", () -> count(phone) == 200 && sameRows(laptop, phone));
    await("nothing pending", () -> Db.of(laptop).hubStatus().healthy());
    await("the laptop syncs through the second", () -> hubState(laptop).contains(onSecond));
    assertThat(Db.of(phone).clock()).isEqualTo(Db.of(laptop).clock());
  }

  /** A replica without encryption; {@code hub}: what chora.hub says. */
  private Connection plain(String site, String hub) throws Exception {
    Connection c =
        DriverManager.getConnection(
            "jdbc:chora:"
                + dir.resolve(site + ".db")
                + "?chora.site="
                + site
                + "&chora.hub="
                + hub
                + "&chora.hub.token="
                + HubFixture.TOKEN
                + "&busy_timeout=10000");
    replicas.add(c);
    exec(c, "CREATE TABLE IF NOT EXISTS note(id INTEGER PRIMARY KEY, title TEXT)");
    return c;
  }

  /** The hub client's state as it last wrote it into the file (chora status shows it). */
  private static String hubState(Connection c) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT state FROM chora_hub")) {
      return rs.next() ? rs.getString(1) : "";
    }
  }

  private Connection replica(String site, HubServer hub, Path key, Path recipients)
      throws Exception {
    Connection c =
        DriverManager.getConnection(
            "jdbc:chora:"
                + dir.resolve(site + ".db")
                + "?chora.site="
                + site
                + "&chora.hub=ws://127.0.0.1:"
                + hub.port()
                + "/"
                + HubFixture.WORKSPACE
                + "&chora.hub.token="
                + HubFixture.TOKEN
                + "&busy_timeout=10000&chora.encrypt="
                + key
                + "&chora.recipients="
                + recipients);
    exec(c, "CREATE TABLE IF NOT EXISTS note(id INTEGER PRIMARY KEY, title TEXT)");
    return c;
  }

  private static int count(Connection c) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM note")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static boolean edited(Connection c) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT title FROM note WHERE id = 1")) {
      return rs.next() && rs.getString(1).equals("edited on the tablet");
    }
  }
}
