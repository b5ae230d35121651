package io.chora.jdbc.hub;

import io.chora.age.Age;
import io.chora.age.Identity;
import io.chora.age.IdentityFile;
import io.chora.age.MembersFile;
import io.chora.age.X25519Identity;
import io.chora.age.X25519Recipient;
import io.chora.jdbc.shared.Members;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;

/**
 * What an envelope's payload is on the wire: the change set's JSON in base64, or, with {@code
 * chora.encrypt}, that JSON encrypted with age to every member of the workspace. The hub only ever
 * sees the base64 text.
 */
abstract class PayloadCipher {
  private static final Base64.Encoder BASE64 = Base64.getEncoder();
  private static final Base64.Decoder UNBASE64 = Base64.getDecoder();

  /** The payload for a change set's JSON. */
  abstract String seal(String json) throws IOException;

  /** The change set's JSON back from a payload; an error when it cannot be read, never garbage. */
  abstract String open(String payload) throws IOException;

  static PayloadCipher plain() {
    return new PayloadCipher() {
      @Override
      String seal(String json) {
        return BASE64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
      }

      @Override
      String open(String payload) throws IOException {
        String json = new String(UNBASE64.decode(payload), StandardCharsets.UTF_8);
        if (json.startsWith("age-encryption.org/")) {
          throw new IOException(
              "the workspace's changes are encrypted and this replica has no key: set"
                  + " chora.encrypt to this device's identity file (see chora keygen)");
        }
        return json;
      }
    };
  }

  /**
   * age encryption: sealed to the members in {@code recipientsFile} ({@link Members}), or to this
   * device's own key when there is no such file; opened with the identities in {@code
   * identityFile}.
   */
  static PayloadCipher age(Path identityFile, Path recipientsFile) throws SQLException {
    List<X25519Identity> identities;
    try {
      identities = IdentityFile.read(identityFile);
    } catch (IOException e) {
      throw new SQLException("chora.encrypt: cannot read the identity file: " + e.getMessage(), e);
    }
    List<MembersFile.Member> own =
        identities.stream().map(i -> new MembersFile.Member(i.recipient(), null)).toList();
    return new AgeCipher(identities, Members.of(recipientsFile, own));
  }

  private static final class AgeCipher extends PayloadCipher {
    private final List<X25519Identity> identities;
    private final Members members;

    AgeCipher(List<X25519Identity> identities, Members members) {
      this.identities = identities;
      this.members = members;
    }

    @Override
    String seal(String json) throws IOException {
      ByteArrayOutputStream sealed = new ByteArrayOutputStream(json.length() / 2 + 256);
      try (OutputStream out =
          Age.encrypt(sealed, false, members.recipients().toArray(new X25519Recipient[0]))) {
        out.write(json.getBytes(StandardCharsets.UTF_8));
      }
      return BASE64.encodeToString(sealed.toByteArray());
    }

    @Override
    String open(String payload) throws IOException {
      try (InputStream in =
          Age.decrypt(
              new ByteArrayInputStream(UNBASE64.decode(payload)),
              identities.toArray(new Identity[0]))) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
  }
}
