package io.chora.age;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The header grammar is enforced exactly; the stanza rules of the spec too. */
class HeaderTest {
  private static final X25519Identity ALICE = X25519Identity.generate();
  private static final byte[] PLAINTEXT = "hello".getBytes(StandardCharsets.US_ASCII);

  @Test
  void malformedHeaderLines() throws IOException {
    byte[] file = TestData.encrypt(PLAINTEXT, false, ALICE.recipient());
    String header = headerOf(file);
    String argumentLine = header.split("\n")[1];
    Map<String, String> expectedErrors = new LinkedHashMap<>();
    expectedErrors.put(header.replace("\n", "\r\n"), "unsupported age format");
    expectedErrors.put(
        header.replace("/v1\n", "/v2\n"), "unsupported age format 'age-encryption.org/v2'");
    expectedErrors.put(
        header.replace("-> X25519", "->X25519"),
        "malformed age header: line 2 must start with '-> ' and have arguments");
    expectedErrors.put(
        header.replace(argumentLine, "->"),
        "malformed age header: line 2 must start with '-> ' and have arguments");
    expectedErrors.put(
        header.replace("-> X25519", "->  X25519"),
        "malformed age header: line 2 has an empty argument or one with characters other than"
            + " printable ASCII");
    expectedErrors.put(
        header.replace(argumentLine, argumentLine + " "),
        "malformed age header: line 2 has an empty argument or one with characters other than"
            + " printable ASCII");
    expectedErrors.put(
        header.replace(argumentLine, argumentLine + "\u00e9"),
        "malformed age header: line 2 has an empty argument or one with characters other than"
            + " printable ASCII");
    expectedErrors.put(
        header.replace("\n---", " \n---"),
        "malformed age header: line 3 is not canonical unpadded base64 of at most 64 columns");
    expectedErrors.put(
        header.replace("--- ", "---"),
        "malformed age header: the MAC line must be '--- ' and 43 characters of canonical base64");
    expectedErrors.put(
        header.replace("--- ", "---  "),
        "malformed age header: the MAC line must be '--- ' and 43 characters of canonical base64");
    expectedErrors.put(
        header.replace("\n--- ", "\n--- AAAA"),
        "malformed age header: the MAC line must be '--- ' and 43 characters of canonical base64");
    expectedErrors.put(
        header.replace("--- ", "~~~ "),
        "malformed age header: line 4 is neither a stanza ('-> …') nor the MAC ('--- …')");
    expectedErrors.forEach(
        (tampered, message) ->
            assertThatThrownBy(() -> TestData.decrypt(withHeader(file, tampered), ALICE))
                .as(tampered)
                .isInstanceOf(AgeException.class)
                .hasMessageStartingWith(message));
  }

  @Test
  void bodyLinesMustBeCanonicalUnpaddedBase64() throws IOException {
    byte[] file = TestData.encrypt(PLAINTEXT, false, ALICE.recipient());
    String header = headerOf(file);
    String[] lines = header.split("\n", -1);
    String body = lines[2]; // 43 characters: 32 bytes, 2 spare bits in the last character
    assertThat(body).hasSize(43);
    char last = body.charAt(42);
    String spareBitsSet = body.substring(0, 42) + (char) (last + 1);
    for (String bad : List.of(spareBitsSet, body + "=", body.substring(0, 42) + "*")) {
      String tampered = header.replace(body, bad);
      assertThatThrownBy(() -> TestData.decrypt(withHeader(file, tampered), ALICE))
          .isInstanceOf(AgeException.class)
          .hasMessage(
              "malformed age header: line 3 is not canonical unpadded base64 of at most 64 columns");
    }
  }

  @Test
  void aStanzaEndsWithAShortLineEvenIfEmpty() throws IOException {
    // A 48-byte body fills exactly one line, so an empty line must follow it.
    Recipient fortyEight = fileKey -> new Stanza("grease", List.of("x"), new byte[48]);
    byte[] file = TestData.encrypt(PLAINTEXT, false, fortyEight, ALICE.recipient());
    String header = headerOf(file);
    assertThat(header).contains("-> grease x\n" + "A".repeat(64) + "\n\n-> X25519 ");
    assertThat(TestData.decrypt(file, ALICE)).isEqualTo(PLAINTEXT);

    String withoutShortLine = header.replace("A".repeat(64) + "\n\n", "A".repeat(64) + "\n");
    assertThatThrownBy(() -> TestData.decrypt(withHeader(file, withoutShortLine), ALICE))
        .isInstanceOf(AgeException.class)
        .hasMessage("malformed age header: the stanza on line 2 ends without a short final line");
  }

  @Test
  void unknownStanzasAreIgnoredButCoveredByTheMac() throws IOException {
    Recipient grease = fileKey -> new Stanza("example.com/grease", List.of("a", "b"), new byte[5]);
    byte[] file = TestData.encrypt(PLAINTEXT, false, grease, ALICE.recipient());
    assertThat(TestData.decrypt(file, ALICE)).isEqualTo(PLAINTEXT);
    String header = headerOf(file);
    String tampered = header.replace("-> example.com/grease a b", "-> example.com/grease a c");
    assertThatThrownBy(() -> TestData.decrypt(withHeader(file, tampered), ALICE))
        .isInstanceOf(AgeException.class)
        .hasMessage("header MAC mismatch: the file was modified or the key is wrong");
  }

  @Test
  void aHeaderNeedsAStanza() {
    byte[] file = "age-encryption.org/v1\n--- AAAA\n".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> TestData.decrypt(file, ALICE))
        .isInstanceOf(AgeException.class)
        .hasMessage("malformed age header: there is no recipient stanza before the MAC line");
  }

  @Test
  void binaryGarbageIsNotAnAgeFile() {
    assertThatThrownBy(() -> TestData.decrypt(TestData.random(100_000, 9), ALICE))
        .isInstanceOf(AgeException.class)
        .hasMessage("not an age file (expected 'age-encryption.org/v1')");
  }

  @Test
  void scryptMustBeTheOnlyStanza() throws IOException {
    byte[] fileKey = FileKey.generate();
    Stanza scrypt = new ScryptRecipient("pw".toCharArray(), 2).wrap(fileKey);
    byte[] file = craft(fileKey, scrypt, ALICE.recipient().wrap(fileKey));
    for (Identity identity : new Identity[] {ALICE, new ScryptIdentity("pw".toCharArray())}) {
      assertThatThrownBy(() -> TestData.decrypt(file, identity))
          .isInstanceOf(AgeException.class)
          .hasMessage("malformed age header: a scrypt (passphrase) stanza must be the only stanza");
    }
    byte[] alone = craft(fileKey, scrypt);
    assertThat(TestData.decrypt(alone, new ScryptIdentity("pw".toCharArray())))
        .isEqualTo(PLAINTEXT);
    assertThatThrownBy(() -> TestData.decrypt(alone, ALICE))
        .isInstanceOf(AgeException.class)
        .hasMessage(
            "no identity matches any recipient of this file (it is encrypted with a passphrase:"
                + " use a ScryptIdentity)");
  }

  @ParameterizedTest(name = "work factor {0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          23          | scrypt work factor 2^23 exceeds the limit 2^22
          30          | scrypt work factor 2^30 exceeds the limit 2^22
          99999999999 | scrypt work factor 2^99999999999 exceeds the limit 2^22
          018         | invalid scrypt stanza: the work factor '018' is not a decimal number
          0           | invalid scrypt stanza: the work factor '0' is not a decimal number
          +18         | invalid scrypt stanza: the work factor '+18' is not a decimal number
          -1          | invalid scrypt stanza: the work factor '-1' is not a decimal number
          0x12        | invalid scrypt stanza: the work factor '0x12' is not a decimal number
          18x         | invalid scrypt stanza: the work factor '18x' is not a decimal number
          """)
  void scryptWorkFactorIsCheckedBeforeAnyWork(String logN, String message) throws IOException {
    byte[] fileKey = FileKey.generate();
    String salt = Base64Strict.encode(new byte[16]);
    byte[] file = craft(fileKey, new Stanza("scrypt", List.of(salt, logN), new byte[32]));
    assertThatThrownBy(() -> TestData.decrypt(file, new ScryptIdentity("pw".toCharArray())))
        .isInstanceOf(AgeException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void theWorkFactorLimitCanBeLowered() throws IOException {
    byte[] file = TestData.encrypt(PLAINTEXT, false, new ScryptRecipient("pw".toCharArray(), 12));
    assertThatThrownBy(() -> TestData.decrypt(file, new ScryptIdentity("pw".toCharArray(), 10)))
        .isInstanceOf(AgeException.class)
        .hasMessage("scrypt work factor 2^12 exceeds the limit 2^10");
  }

  @Test
  void malformedScryptStanzas() throws IOException {
    byte[] fileKey = FileKey.generate();
    String salt = Base64Strict.encode(new byte[16]);
    ScryptIdentity identity = new ScryptIdentity("pw".toCharArray());
    assertStanzaRejected(
        fileKey,
        new Stanza("scrypt", List.of(salt), new byte[32]),
        identity,
        "invalid scrypt stanza: it must have a salt and a work factor");
    assertStanzaRejected(
        fileKey,
        new Stanza("scrypt", List.of(salt, "10", "x"), new byte[32]),
        identity,
        "invalid scrypt stanza: it must have a salt and a work factor");
    assertStanzaRejected(
        fileKey,
        new Stanza("scrypt", List.of(Base64Strict.encode(new byte[15]), "10"), new byte[32]),
        identity,
        "invalid scrypt stanza: the salt is not 16 bytes of canonical base64");
    assertStanzaRejected(
        fileKey,
        new Stanza("scrypt", List.of(salt, "10"), new byte[48]),
        identity,
        "invalid scrypt stanza: the body must be 32 bytes");
  }

  @Test
  void malformedX25519Stanzas() throws IOException {
    byte[] fileKey = FileKey.generate();
    String share = Base64Strict.encode(X25519Identity.generate().recipient().publicKey());
    assertStanzaRejected(
        fileKey,
        new Stanza("X25519", List.of(share, "extra"), new byte[32]),
        ALICE,
        "invalid X25519 stanza: it must have exactly one argument");
    assertStanzaRejected(
        fileKey,
        new Stanza("X25519", List.of(Base64Strict.encode(new byte[31])), new byte[32]),
        ALICE,
        "invalid X25519 stanza: the ephemeral share is not 32 bytes of canonical base64");
    assertStanzaRejected(
        fileKey,
        new Stanza("X25519", List.of(share), new byte[33]),
        ALICE,
        "invalid X25519 stanza: the body must be 32 bytes");
    assertStanzaRejected(
        fileKey,
        new Stanza("X25519", List.of(Base64Strict.encode(new byte[32])), new byte[32]),
        ALICE,
        "invalid X25519 stanza: the ephemeral share is a low-order point");
    // The stanza type is case-sensitive: "x25519" is some other, ignored type.
    assertStanzaRejected(
        fileKey,
        new Stanza("x25519", List.of(share), new byte[32]),
        ALICE,
        "no identity matches any recipient of this file");
  }

  private static void assertStanzaRejected(
      byte[] fileKey, Stanza stanza, Identity identity, String message) throws IOException {
    byte[] file = craft(fileKey, stanza);
    assertThatThrownBy(() -> TestData.decrypt(file, identity))
        .isInstanceOf(AgeException.class)
        .hasMessage(message);
  }

  /** A file with exactly these stanzas and a valid MAC, which Age.encrypt would not write. */
  private static byte[] craft(byte[] fileKey, Stanza... stanzas) throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    Header.write(file, List.of(stanzas), fileKey);
    byte[] nonce = TestData.random(16, 3);
    file.write(nonce);
    try (OutputStream payload =
        new EncryptingOutputStream(file, FileKey.payloadKey(fileKey, nonce))) {
      payload.write(PLAINTEXT);
    }
    return file.toByteArray();
  }

  private static String headerOf(byte[] file) {
    return new String(file, 0, TestData.payloadOffset(file), StandardCharsets.ISO_8859_1);
  }

  private static byte[] withHeader(byte[] file, String header) {
    byte[] head = header.getBytes(StandardCharsets.ISO_8859_1);
    byte[] payload = Arrays.copyOfRange(file, TestData.payloadOffset(file), file.length);
    byte[] out = Arrays.copyOf(head, head.length + payload.length);
    System.arraycopy(payload, 0, out, head.length, payload.length);
    return out;
  }
}
