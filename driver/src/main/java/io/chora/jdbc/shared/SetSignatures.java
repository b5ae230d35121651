package io.chora.jdbc.shared;

import io.chora.age.MembersFile;
import io.chora.age.SigningKey;
import io.chora.age.SigningPublicKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;

/**
 * Signed change sets (issue 20, part 2): this device signs what it pushes and exports with its
 * Ed25519 key ({@code chora.sign}), and takes only sets signed by a member of the workspace.
 *
 * <p>A signed set is the set's exact bytes, a newline, and one trailer line {@code
 * chora-signature/1 SIGNER SIGNATURE CONTEXT}. The signature covers the context and the SHA-256 of
 * the bytes: {@code hub ORIGIN FIRST..LAST} for an envelope (so it cannot be replayed under another
 * origin or range), {@code file SITE} for an export. The trailer goes last so that an export
 * streams; a receiver reads the whole set before it applies anything ({@link SignedStreams}).
 */
public final class SetSignatures {
  static final String TRAILER = "chora-signature/1 ";
  private static final String STATEMENT = "chora-signed-set/1\n";
  private static final Base64.Encoder BASE64 = Base64.getEncoder();
  private static final Base64.Decoder UNBASE64 = Base64.getDecoder();

  private final SigningKey key;
  private final Members members;

  private SetSignatures(SigningKey key, Members members) {
    this.key = key;
    this.members = members;
  }

  /**
   * The signing {@code chora.sign} asks for, or null when it is off: {@code off}, or the key file
   * (default with {@code chora.encrypt=ID}: {@code ID.sign}, off without encryption).
   */
  public static SetSignatures configure(String sign, String encrypt, String recipients)
      throws SQLException {
    if (!wanted(sign, encrypt)) {
      return null;
    }
    Path keyFile = Path.of(sign != null ? sign : encrypt + ".sign");
    if (!Files.isRegularFile(keyFile)) {
      throw new SQLException(
          "chora.sign: no signing key at "
              + keyFile
              + (sign == null ? " (with chora.encrypt, changes are signed by default)" : "")
              + ": make it with chora keygen --signing-only -o "
              + keyFile
              + " and add its public key to the members file, or set chora.sign=off");
    }
    SigningKey key;
    try {
      key = SigningKey.read(keyFile);
    } catch (IOException e) {
      throw new SQLException("chora.sign: cannot read the signing key: " + e.getMessage(), e);
    }
    Path file = recipients == null ? null : Path.of(recipients);
    Members members = Members.of(file, List.of(new MembersFile.Member(null, key.publicKey())));
    try {
      if (members.signingKeys().isEmpty()) {
        throw new SQLException(
            "chora.sign: "
                + file
                + " lists no member's signing key (a members file from before chora signed"
                + " changes): add each member's with chora workspace add "
                + file
                + " AGE1… CHORASIGN1…, or set chora.sign=off to take unsigned changes");
      }
    } catch (IOException e) {
      throw new SQLException("chora.recipients: " + e.getMessage(), e);
    }
    return new SetSignatures(key, members);
  }

  /** Whether {@code chora.sign} (with {@code chora.encrypt}) asks for signing. */
  public static boolean wanted(String sign, String encrypt) {
    return !"off".equals(sign) && (sign != null || encrypt != null);
  }

  /** The context of an envelope's signature. */
  public static String hub(String origin, long first, long last) {
    return "hub " + origin + " " + first + ".." + last;
  }

  /** The context of a snapshot's signature: the member that made it (docs/hub.md). */
  public static String snapshot(String site) {
    return "snapshot " + site;
  }

  static String file(String site) {
    return "file " + site;
  }

  /** {@code body}, signed for {@code context}. */
  public String sign(String body, String context) {
    return body + "\n" + trailer(sha256(body.getBytes(StandardCharsets.UTF_8)), context) + "\n";
  }

  /** The trailer line for bytes with this SHA-256. */
  String trailer(byte[] sha256, String context) {
    byte[] signature = key.sign(statement(context, sha256));
    return TRAILER + key.publicKey() + " " + BASE64.encodeToString(signature) + " " + context;
  }

  /** The set's bytes from a signed set, once its signature proves a member signed it for this. */
  public String verify(String signed, String context) throws SQLException {
    int end = signed.endsWith("\n") ? signed.length() - 1 : signed.length();
    int split = signed.lastIndexOf('\n', end - 1);
    String trailer = split < 0 ? "" : signed.substring(split + 1, end);
    String body = split < 0 ? signed : signed.substring(0, split);
    check(trailer, sha256(body.getBytes(StandardCharsets.UTF_8)), context);
    return body;
  }

  /**
   * Refuses, by name, a trailer that is missing, from a non-member, for another context ({@code
   * expected}; for a file, any {@code file} context) or that does not verify.
   */
  void check(String trailer, byte[] sha256, String expected) throws SQLException {
    if (!trailer.startsWith(TRAILER)) {
      throw Refusals.changeSet(
          "it carries no signature, and this replica takes only sets signed by a member"
              + " (chora.sign is on, the default with chora.encrypt): send it from a member's"
              + " replica with signing on, or open this replica with chora.sign=off");
    }
    String[] parts = trailer.substring(TRAILER.length()).split(" ", 3);
    SigningPublicKey signer;
    byte[] signature;
    try {
      signer = SigningPublicKey.parse(parts[0]);
      signature = UNBASE64.decode(parts.length == 3 ? parts[1] : "");
    } catch (IllegalArgumentException e) {
      throw Refusals.changeSet("its signature line is malformed: " + e.getMessage());
    }
    String context = parts.length == 3 ? parts[2] : "";
    boolean fits = expected == null ? context.startsWith("file ") : context.equals(expected);
    if (!fits) {
      throw Refusals.changeSet(
          "it is signed for '"
              + context
              + "', not for "
              + (expected == null ? "a file" : "'" + expected + "'")
              + ": a signature cannot be moved to another origin or range");
    }
    try {
      if (!members.signingKeys().contains(signer)) {
        throw Refusals.changeSet(
            "it is signed by "
                + signer
                + ", which is not a member"
                + (members.file() == null ? "" : " in " + members.file())
                + ": if that device should be one, add it with chora workspace add "
                + (members.file() == null ? "MEMBERS_FILE" : members.file())
                + " AGE1… "
                + signer);
      }
    } catch (IOException e) {
      throw new SQLException("chora.recipients: " + e.getMessage(), e);
    }
    if (!signer.verifies(statement(context, sha256), signature)) {
      throw Refusals.changeSet(
          "its signature by member "
              + signer
              + " does not verify for '"
              + context
              + "': the set was changed after it was signed, or the signature was taken from"
              + " another set");
    }
  }

  private static byte[] statement(String context, byte[] sha256) {
    byte[] head = (STATEMENT + context + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[head.length + sha256.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(sha256, 0, all, head.length, sha256.length);
    return all;
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    return newSha256().digest(bytes);
  }
}
