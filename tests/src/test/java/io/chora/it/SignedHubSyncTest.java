package io.chora.it;

import static io.chora.it.HubFixture.await;
import static io.chora.it.HubFixture.sameRows;
import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.age.Age;
import io.chora.age.RecipientsFile;
import io.chora.age.SigningKey;
import io.chora.age.X25519Recipient;
import io.chora.jdbc.QuarantinedEnvelope;
import io.chora.jdbc.shared.SetSignatures;
import io.chora.jdbc.testing.Db;
import io.chora.jdbc.testing.DeviceKeys;
import io.chora.sync.VectorClock;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signed changes through a real hub (chora.sign, on with chora.encrypt; docs/encryption.md): a
 * token holder who knows the members' public keys encrypts a set to them, unsigned, signed by a key
 * that is not a member's, or under a member's signature taken from another origin; every member
 * holds it back (docs/quarantine.md) and applies none of it, while the members' own signed changes
 * keep crossing.
 */
class SignedHubSyncTest {
  @TempDir Path dir;
  private HubFixture hubs;
  private Path members;

  @BeforeEach
  void start() throws Exception {
    hubs = new HubFixture(dir);
    members = dir.resolve("members.txt");
  }

  @AfterEach
  void stop() throws Exception {
    hubs.close();
  }

  private Connection device(String site, String options) throws Exception {
    Path key = DeviceKeys.member(dir, members, site);
    return hubs.replica(
        site, HubFixture.TOKEN, String.format(options, key, key + ".sign", members));
  }

  private static final String ENCRYPTED = "&chora.encrypt=%s&chora.recipients=%3$s";
  private static final String SIGNED_ONLY = "&chora.sign=%2$s&chora.recipients=%3$s";

  /** mallory's own set, one transaction writing a row no member wrote. */
  private String forgedSet() throws Exception {
    try (Connection m =
        DriverManager.getConnection(
            "jdbc:chora:" + dir.resolve("mallory-offline.db") + "?chora.site=mallory")) {
      exec(m, "CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT)");
      exec(m, "INSERT INTO note VALUES (666, 'forged')");
      return Db.of(m).changesSince(new VectorClock()).toJson();
    }
  }

  private String sealedToMembers(String plaintext) throws Exception {
    ByteArrayOutputStream sealed = new ByteArrayOutputStream();
    try (OutputStream out =
        Age.encrypt(sealed, false, RecipientsFile.read(members).toArray(new X25519Recipient[0]))) {
      out.write(plaintext.getBytes(StandardCharsets.UTF_8));
    }
    return Base64.getEncoder().encodeToString(sealed.toByteArray());
  }

  /** What the hub stores as laptop's first envelope: a member's genuine, signed ciphertext. */
  private String storedPayload(String origin) throws Exception {
    try (Connection store = DriverManager.getConnection("jdbc:sqlite:" + hubs.store());
        Statement st = store.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT payload FROM envelope WHERE origin = '" + origin + "'")) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"unsigned", "non-member", "replayed"})
  void aForgedEnvelopeIsHeldBackWhileTheMembersKeepSyncing(String forgery) throws Exception {
    Connection laptop = device("laptop", ENCRYPTED);
    Connection phone = device("phone", ENCRYPTED);
    exec(laptop, "INSERT INTO note VALUES (1, 'from the laptop')");
    await("the phone has the laptop's row", () -> count(phone) == 1);

    String payload =
        switch (forgery) {
          case "unsigned" -> sealedToMembers(forgedSet());
          case "non-member" -> {
            Path stranger = dir.resolve("stranger.sign");
            SigningKey.write(stranger, SigningKey.generate());
            SetSignatures signs = SetSignatures.configure(stranger.toString(), null, null);
            yield sealedToMembers(signs.sign(forgedSet(), SetSignatures.hub("mallory", 1, 1)));
          }
          default -> storedPayload("laptop"); // a member's signature, for laptop 1..1
        };
    try (RawHubClient mallory =
        new RawHubClient(hubs.hub.port(), HubFixture.WORKSPACE, HubFixture.TOKEN, "mallory")) {
      mallory.push("mallory", 1, 1, "{}", payload);
      mallory.push("mallory", 2, 2, "{}", payload);
    }
    exec(laptop, "INSERT INTO note VALUES (2, 'after, from the laptop')");
    exec(phone, "INSERT INTO note VALUES (3, 'after, from the phone')");
    await(
        "the members exchanged their later rows",
        () -> sameRows(laptop, phone) && count(laptop) == 3);

    String reason =
        switch (forgery) {
          case "unsigned" -> "carries no signature";
          case "non-member" -> "which is not a member";
          default -> "signed for 'hub laptop 1..1', not for 'hub mallory 1..1'";
        };
    for (Connection c : List.of(laptop, phone)) {
      await("mallory's envelopes are held", () -> held(c).size() == 2);
      QuarantinedEnvelope first = held(c).get(0);
      assertThat(first.name()).isEqualTo("mallory 1..1");
      assertThat(first.reason()).contains(reason);
      assertThat(held(c).get(1).waitsFor()).isEqualTo("mallory 1..1");
      assertThat(Db.of(c).clock().get("mallory")).isZero();
      assertThat(rows(c, "SELECT id FROM note ORDER BY id")).containsExactly("1", "2", "3");
      assertThat(Db.of(c).hubStatus().healthy()).isFalse();
    }
  }

  @Test
  void withoutEncryptionSignedMembersSyncAndAnUnsignedPushIsHeldBack() throws Exception {
    Connection laptop = device("laptop", SIGNED_ONLY);
    Connection phone = device("phone", SIGNED_ONLY);
    exec(laptop, "INSERT INTO note VALUES (1, 'from the laptop')");
    exec(phone, "INSERT INTO note VALUES (2, 'from the phone')");
    await("both hold both rows", () -> sameRows(laptop, phone) && count(laptop) == 2);
    assertThat(
            new String(Base64.getDecoder().decode(storedPayload("laptop")), StandardCharsets.UTF_8))
        .as("the hub relays the signed set")
        .contains("\nchora-signature/1 chorasign1")
        .contains(" hub laptop 1..1");

    String unsigned =
        Base64.getEncoder().encodeToString(forgedSet().getBytes(StandardCharsets.UTF_8));
    try (RawHubClient mallory =
        new RawHubClient(hubs.hub.port(), HubFixture.WORKSPACE, HubFixture.TOKEN, "mallory")) {
      mallory.push("mallory", 1, 1, "{}", unsigned);
    }
    exec(laptop, "INSERT INTO note VALUES (3, 'after')");
    await("the phone still gets the laptop's writes", () -> count(phone) == 3);
    await("the phone holds mallory's set back", () -> held(phone).size() == 1);
    assertThat(held(phone).get(0).reason()).contains("carries no signature");
    assertThat(rows(phone, "SELECT id FROM note WHERE id = 666")).isEmpty();
  }

  private static List<QuarantinedEnvelope> held(Connection c) throws Exception {
    return Db.of(c).quarantined();
  }

  private static int count(Connection c) throws Exception {
    return rows(c, "SELECT id FROM note").size();
  }
}
