package io.chora.age;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Vectors from age's testkit (github.com/FiloSottile/age, testdata/testkit; also C2SP/CCTV): each
 * file is a few "key: value" lines, a blank line, then the age file. Only the armored ones are
 * here, because only text files could be copied.
 */
class TestkitVectorsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"armor", "armor_full_last_line", "armor_no_eol", "armor_whitespace_outside"})
  void successVectorsDecryptToThePublishedPayload(String name) throws Exception {
    Vector vector = Vector.load(name);
    assertThat(vector.expect()).isEqualTo("success");
    assertThat(sha256Hex(TestData.decrypt(vector.file, vector.identity())))
        .isEqualTo(vector.fields.get("payload"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "armor_empty_line_end",
        "armor_eol_between_padding",
        "armor_garbage_leading",
        "armor_garbage_trailing",
        "armor_headers",
        "armor_invalid_character_payload",
        "armor_long_line",
        "armor_lowercase",
        "armor_no_end_line",
        "armor_no_padding",
        "armor_not_canonical",
        "armor_pgp_checksum",
        "armor_short_line",
        "armor_whitespace_begin",
        "armor_whitespace_end",
        "armor_whitespace_eol",
        "armor_whitespace_line_start",
        "armor_wrong_type"
      })
  void armorFailureVectorsAreRejected(String name) throws Exception {
    Vector vector = Vector.load(name);
    assertThat(vector.expect()).isEqualTo("armor failure");
    assertThatThrownBy(() -> TestData.decrypt(vector.file, vector.identity()))
        .isInstanceOf(AgeException.class)
        // leading garbage does not look like armor at all, so it fails as a non-age file
        .hasMessageStartingWith(
            name.equals("armor_garbage_leading") ? "not an age file" : "invalid armor: ");
  }

  @Test
  void noMatchVector() throws Exception {
    Vector vector = Vector.load("armor_no_match");
    assertThat(vector.expect()).isEqualTo("no match");
    assertThatThrownBy(() -> TestData.decrypt(vector.file, vector.identity()))
        .isInstanceOf(AgeException.class)
        .hasMessage("no identity matches any recipient of this file");
  }

  @Test
  void crlfLineEndingsAreAccepted() throws Exception {
    // The published armor_crlf vector is "armor" with CRLF; the stored copy lost its CRs.
    Vector vector = Vector.load("armor");
    byte[] crlf =
        new String(vector.file, StandardCharsets.US_ASCII)
            .replace("\n", "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(sha256Hex(TestData.decrypt(crlf, vector.identity())))
        .isEqualTo(vector.fields.get("payload"));
  }

  @Test
  void theUnarmoredVectorDecryptsAndItsFileKeyIsThePublishedOne() throws Exception {
    Vector vector = Vector.load("armor");
    String pem = new String(vector.file, StandardCharsets.US_ASCII);
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] binary = Base64.getDecoder().decode(base64);
    assertThat(sha256Hex(TestData.decrypt(binary, vector.identity())))
        .isEqualTo(vector.fields.get("payload"));

    // Unwrapping its stanza yields the "file key" the vector names.
    byte[] fileKey = unwrapFirstStanza(binary, vector.identity());
    assertThat(HexFormat.of().formatHex(fileKey)).isEqualTo(vector.fields.get("file key"));
  }

  private static byte[] unwrapFirstStanza(byte[] binary, X25519Identity identity)
      throws IOException {
    Header header = HeaderReader.read(new java.io.ByteArrayInputStream(binary));
    return identity.unwrap(header.stanzas().get(0)).orElseThrow();
  }

  private static String sha256Hex(byte[] data) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  private record Vector(Map<String, String> fields, byte[] file) {
    static Vector load(String name) throws IOException {
      byte[] all;
      try (InputStream in = TestkitVectorsTest.class.getResourceAsStream("testkit/" + name)) {
        assertThat(in).as("vector %s", name).isNotNull();
        all = in.readAllBytes();
      }
      String text = new String(all, StandardCharsets.ISO_8859_1);
      int blank = text.indexOf("\n\n");
      Map<String, String> fields = new HashMap<>();
      for (String line : text.substring(0, blank).split("\n")) {
        int colon = line.indexOf(": ");
        fields.put(line.substring(0, colon), line.substring(colon + 2));
      }
      return new Vector(fields, Arrays.copyOfRange(all, blank + 2, all.length));
    }

    String expect() {
      return fields.get("expect");
    }

    X25519Identity identity() {
      return X25519Identity.parse(fields.get("identity"));
    }
  }
}
