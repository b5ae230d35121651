package io.chora.jdbc.shared;

import static io.chora.jdbc.testing.Db.exec;
import static io.chora.jdbc.testing.Db.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chora.age.Age;
import io.chora.age.IdentityFile;
import io.chora.age.MembersFile;
import io.chora.age.RecipientsFile;
import io.chora.age.SigningKey;
import io.chora.age.X25519Identity;
import io.chora.jdbc.testing.Db;
import io.chora.jdbc.testing.DeviceKeys;
import io.chora.sync.VectorClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed change sets through {@code changesSince(peer, out)} and {@code apply(InputStream)}
 * (chora.sign, docs/encryption.md#signed-changes): a member's signed export applies; an unsigned
 * set, one signed by a non-member or a removed member, and a tampered one are refused by name, the
 * receiving file byte for byte unchanged.
 */
class SignedSetTest {
  @TempDir Path dir;
  private Path members;

  /** A device's keys, made as chora keygen makes them, listed in the members file. */
  private Path member(String name) throws Exception {
    members = dir.resolve("members.txt");
    return DeviceKeys.member(dir, members, name);
  }

  private Connection replica(String name, Path key) throws SQLException {
    return Db.chora(dir, name + ".db", "chora.sign=" + key + ".sign&chora.recipients=" + members);
  }

  private static byte[] export(Connection c) throws SQLException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Db.of(c).changesSince(new VectorClock(), out);
    return out.toByteArray();
  }

  private String sha256(String name) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve(name))));
  }

  /** Applies {@code set} to member b's replica and expects a refusal; b.db's bytes unchanged. */
  private String refusedByB(byte[] set) throws Exception {
    try (Connection b = replica("b", dir.resolve("b.key"))) {
      if (rows(b, "SELECT name FROM sqlite_schema WHERE name = 'note'").isEmpty()) {
        table(b);
      }
      String before = sha256("b.db");
      Throwable refused = null;
      try {
        Db.of(b).apply(new ByteArrayInputStream(set));
      } catch (SQLException e) {
        refused = e;
      }
      assertThat(refused).as("refused").isNotNull();
      assertThat(((SQLException) refused).getSQLState()).isEqualTo("22000");
      assertThat(sha256("b.db")).isEqualTo(before);
      assertThat(rows(b, "SELECT * FROM note")).isEmpty();
      return refused.getMessage();
    }
  }

  /** A replica opened with {@code options} writes one row and exports it. */
  private byte[] exportOneRow(String name, String options) throws Exception {
    try (Connection c = Db.chora(dir, name + ".db", options)) {
      table(c);
      exec(c, "INSERT INTO note VALUES (1, 'genuine')");
      return export(c);
    }
  }

  private String asMember(Path key) {
    return "chora.sign=" + key + ".sign&chora.recipients=" + members;
  }

  private static void table(Connection... all) throws SQLException {
    for (Connection c : all) {
      exec(c, "CREATE TABLE note (id INTEGER PRIMARY KEY, title TEXT)");
    }
  }

  @Test
  void aMembersSignedExportAppliesAndTheReplicasConverge() throws Exception {
    Path a = member("a");
    Path b = member("b");
    try (Connection ra = replica("a", a);
        Connection rb = replica("b", b)) {
      table(ra, rb);
      exec(ra, "INSERT INTO note VALUES (1, 'signed by a')");
      exec(rb, "INSERT INTO note VALUES (2, 'signed by b')");
      byte[] fromA = export(ra);
      assertThat(new String(fromA, StandardCharsets.UTF_8)).contains("\nchora-signature/1 ");
      Db.of(rb).apply(new ByteArrayInputStream(fromA));
      Db.of(ra).apply(new ByteArrayInputStream(export(rb)));
      assertThat(rows(ra, "SELECT * FROM note")).isEqualTo(rows(rb, "SELECT * FROM note"));
      assertThat(rows(ra, "SELECT * FROM note")).hasSize(2);
      assertThat(Db.of(ra).clock()).isEqualTo(Db.of(rb).clock());
    }
  }

  @Test
  void aForgedSetEncryptedToTheMembersButUnsignedIsRefused() throws Exception {
    member("a");
    Path b = member("b");
    // the forger knows the members' public keys, as anyone holding members.txt does
    ByteArrayOutputStream sealed = new ByteArrayOutputStream();
    try (OutputStream out =
        Age.encrypt(
            sealed,
            false,
            RecipientsFile.read(members).toArray(new io.chora.age.X25519Recipient[0]))) {
      out.write(exportOneRow("forger", "")); // unsigned
    }
    byte[] opened; // what chora import --identity hands to apply(InputStream)
    try (var in =
        Age.decrypt(
            new ByteArrayInputStream(sealed.toByteArray()),
            IdentityFile.read(b).toArray(new io.chora.age.Identity[0]))) {
      opened = in.readAllBytes();
    }
    assertThat(refusedByB(opened)).contains("carries no signature").contains("chora.sign=off");
  }

  @Test
  void aSetSignedByANonMemberIsRefusedNamingItsKey() throws Exception {
    member("a");
    member("b");
    Path outsider = dir.resolve("outsider.sign");
    SigningKey stranger = SigningKey.generate();
    SigningKey.write(outsider, stranger);
    byte[] forged =
        exportOneRow("forger", "chora.sign=" + outsider + "&chora.recipients=" + members);
    assertThat(refusedByB(forged))
        .contains("signed by " + stranger.publicKey() + ", which is not a member")
        .contains("chora workspace add");
  }

  @Test
  void aSetSignedByARemovedMemberIsRefused() throws Exception {
    Path a = member("a");
    member("b");
    byte[] signedBeforeRemoval = exportOneRow("a", asMember(a));
    List<MembersFile.Member> left = new ArrayList<>(MembersFile.read(members));
    left.remove(0); // a
    MembersFile.write(members, left);
    assertThat(refusedByB(signedBeforeRemoval))
        .contains("signed by " + SigningKey.read(Path.of(a + ".sign")).publicKey())
        .contains("which is not a member");
  }

  @Test
  void aTamperedSignatureOrBodyIsRefused() throws Exception {
    Path a = member("a");
    member("b");
    String signed = new String(exportOneRow("a", asMember(a)), StandardCharsets.UTF_8);
    int sig = signed.indexOf(' ', signed.indexOf("chora-signature/1 ") + 18) + 5;
    String badSignature =
        signed.substring(0, sig)
            + (signed.charAt(sig) == 'A' ? 'B' : 'A')
            + signed.substring(sig + 1);
    assertThat(refusedByB(badSignature.getBytes(StandardCharsets.UTF_8)))
        .contains("does not verify");
    String badBody = signed.replace("genuine", "genuinf");
    assertThat(refusedByB(badBody.getBytes(StandardCharsets.UTF_8))).contains("does not verify");
    String moved = signed.replaceFirst(" file ([^\\n]*)\\n$", " hub $1 1..1\n");
    assertThat(refusedByB(moved.getBytes(StandardCharsets.UTF_8)))
        .contains("a signature cannot be moved");
  }

  @Test
  void anOldMembersFileOrAMissingSigningKeyFailsTheOpenSayingWhatToRun() throws Exception {
    Path key = dir.resolve("old.key");
    X25519Identity identity = X25519Identity.generate();
    IdentityFile.write(key, identity);
    Path old = dir.resolve("old-members.txt");
    RecipientsFile.write(old, List.of(identity.recipient()));
    assertThatThrownBy(() -> Db.chora(dir, "x.db", "chora.sign=" + key + ".sign"))
        .hasMessageContaining("no signing key at " + key + ".sign")
        .hasMessageContaining("chora keygen --signing-only -o " + key + ".sign");
    SigningKey.write(Path.of(key + ".sign"), SigningKey.generate());
    assertThatThrownBy(
            () -> Db.chora(dir, "x.db", "chora.sign=" + key + ".sign&chora.recipients=" + old))
        .hasMessageContaining("lists no member's signing key")
        .hasMessageContaining("chora workspace add " + old)
        .hasMessageContaining("chora.sign=off");
    try (Connection off = Db.chora(dir, "x.db", "chora.sign=off")) {
      assertThat(Db.of(off).siteId()).isNotEmpty(); // off: unsigned, as before
    }
  }
}
