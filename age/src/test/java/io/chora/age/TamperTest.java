package io.chora.age;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kind of damage must end in an {@link AgeException} that names it, and no plaintext of an
 * unauthenticated chunk may ever be returned.
 */
class TamperTest {
  private static final int SEALED = TestData.CHUNK + 16;
  private static final X25519Identity ALICE = X25519Identity.generate();
  private static final X25519Identity BOB = X25519Identity.generate();

  /** Three chunks: two full ones and a short final one of 1000 bytes. */
  private static final byte[] PLAINTEXT = TestData.random(2 * TestData.CHUNK + 1000, 42);

  private static final byte[] FILE = encrypt(PLAINTEXT, ALICE.recipient());
  private static final int PAYLOAD = TestData.payloadOffset(FILE);
  private static final int CHUNK0 = PAYLOAD + 16;

  @Test
  void untouchedFileDecrypts() throws IOException {
    assertThat(TestData.decrypt(FILE, ALICE)).isEqualTo(PLAINTEXT);
  }

  @Test
  void flippedByteInTheVersionLine() {
    assertFails(flip(FILE, 3), "not an age file (expected 'age-encryption.org/v1')");
  }

  @Test
  void flippedByteInTheStanzaBody() {
    int bodyLine = indexOf(FILE, "\n", indexOf(FILE, "-> X25519", 0)) + 1;
    // Another base64 letter: still well-formed, but the wrapped key no longer authenticates.
    byte[] tampered = FILE.clone();
    tampered[bodyLine + 5] = (byte) (tampered[bodyLine + 5] == 'A' ? 'B' : 'A');
    assertFails(tampered, "no identity matches any recipient of this file");
  }

  @Test
  void flippedByteInTheStanzaOfAnotherRecipientBreaksTheMac() throws IOException {
    byte[] file = encrypt(PLAINTEXT, ALICE.recipient(), BOB.recipient());
    int bobStanza = indexOf(file, "-> X25519", indexOf(file, "-> X25519", 0) + 1);
    int bobBody = indexOf(file, "\n", bobStanza) + 1;
    file[bobBody + 5] = (byte) (file[bobBody + 5] == 'A' ? 'B' : 'A');
    assertFails(file, "header MAC mismatch: the file was modified or the key is wrong");
    assertThat(TestData.decrypt(encrypt(PLAINTEXT, ALICE.recipient(), BOB.recipient()), BOB))
        .isEqualTo(PLAINTEXT);
  }

  @Test
  void flippedByteInTheMac() {
    int macText = indexOf(FILE, "\n--- ", 0) + 5;
    byte[] tampered = FILE.clone();
    tampered[macText + 10] = (byte) (tampered[macText + 10] == 'A' ? 'B' : 'A');
    assertFails(tampered, "header MAC mismatch: the file was modified or the key is wrong");
  }

  @Test
  void flippedByteInThePayloadNonceBreaksTheFirstChunk() {
    assertFails(
        flip(FILE, PAYLOAD + 3), "payload chunk 0 failed authentication: the file was modified");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void flippedByteInEachChunkAndItsTag(int chunk) throws IOException {
    int start = CHUNK0 + chunk * SEALED;
    String cause = chunk == 2 ? "modified or truncated" : "modified";
    String message = "payload chunk " + chunk + " failed authentication: the file was " + cause;
    assertFails(flip(FILE, start + 17), message); // ciphertext
    assertFails(flip(FILE, Math.min(start + SEALED, FILE.length) - 1), message); // tag
    // The chunks before the damaged one were authentic and are delivered; nothing after them.
    assertThat(readUntilFailure(flip(FILE, start + 17))).hasSize(chunk * TestData.CHUNK);
  }

  @Test
  void swappedChunks() {
    byte[] swapped = FILE.clone();
    System.arraycopy(FILE, CHUNK0 + SEALED, swapped, CHUNK0, SEALED);
    System.arraycopy(FILE, CHUNK0, swapped, CHUNK0 + SEALED, SEALED);
    assertFails(swapped, "payload chunk 0 failed authentication: the file was modified");
  }

  @Test
  void droppedMiddleChunk() {
    byte[] dropped = concat(Arrays.copyOf(FILE, CHUNK0 + SEALED), tail(FILE, CHUNK0 + 2 * SEALED));
    assertFails(
        dropped, "payload chunk 1 failed authentication: the file was modified or truncated");
  }

  @Test
  void truncatedInsideTheHeader() {
    assertFails(Arrays.copyOf(FILE, 30), "truncated: the file ends inside the header");
    assertFails(Arrays.copyOf(FILE, PAYLOAD - 1), "truncated: the file ends inside the header");
    assertFails(new byte[0], "not an age file (expected 'age-encryption.org/v1')");
  }

  @Test
  void truncatedBeforeOrInsideThePayloadNonce() {
    assertFails(Arrays.copyOf(FILE, PAYLOAD), "truncated: the file ends before its payload");
    assertFails(Arrays.copyOf(FILE, PAYLOAD + 8), "truncated: the file ends before its payload");
  }

  @Test
  void truncatedAtChunkBoundaries() throws IOException {
    assertFails(Arrays.copyOf(FILE, CHUNK0), "truncated: the file ends before its last chunk");
    assertFails(
        Arrays.copyOf(FILE, CHUNK0 + SEALED), "truncated: the file ends before its last chunk");
    assertFails(
        Arrays.copyOf(FILE, CHUNK0 + 2 * SEALED), "truncated: the file ends before its last chunk");
    // Cut right after a full chunk, not even that chunk is released: it was sealed as "not last".
    assertThat(readUntilFailure(Arrays.copyOf(FILE, CHUNK0 + SEALED))).isEmpty();
  }

  @Test
  void truncatedInsideChunks() {
    assertFails(
        Arrays.copyOf(FILE, CHUNK0 + 10), "truncated: the file ends inside payload chunk 0");
    assertFails(
        Arrays.copyOf(FILE, CHUNK0 + 1000),
        "payload chunk 0 failed authentication: the file was modified or truncated");
    assertFails(
        Arrays.copyOf(FILE, FILE.length - 1),
        "payload chunk 2 failed authentication: the file was modified or truncated");
  }

  @Test
  void appendedBytes() throws IOException {
    // After a short final chunk the extra bytes just make that chunk fail.
    assertFails(
        concat(FILE, new byte[] {0}),
        "payload chunk 2 failed authentication: the file was modified or truncated");
    // After a full final chunk they are recognisably trailing data.
    byte[] fullLastChunk = encrypt(TestData.random(TestData.CHUNK, 1), ALICE.recipient());
    assertThat(TestData.decrypt(fullLastChunk, ALICE)).hasSize(TestData.CHUNK);
    assertFails(
        concat(fullLastChunk, new byte[] {0}), "trailing data after the end of the encrypted file");
    assertFails(
        concat(fullLastChunk, new byte[SEALED]),
        "trailing data after the end of the encrypted file");
    // Armored: anything but whitespace after the END line.
    byte[] armored = TestData.encrypt(PLAINTEXT, true, ALICE.recipient());
    assertThat(
            TestData.decrypt(concat(armored, "\n \n".getBytes(StandardCharsets.US_ASCII)), ALICE))
        .isEqualTo(PLAINTEXT);
    assertFails(
        concat(armored, "x".getBytes(StandardCharsets.US_ASCII)),
        "invalid armor: trailing data after the END line");
  }

  @Test
  void wrongIdentity() {
    assertFails(FILE, BOB, "no identity matches any recipient of this file");
    assertFails(
        FILE,
        new ScryptIdentity("pw".toCharArray()),
        "no identity matches any recipient of this file");
  }

  @Test
  void anEmptyFinalChunkIsOnlyAllowedForAnEmptyFile() throws IOException {
    // Hand-made: a full chunk sealed as "not last", then an empty chunk sealed as last.
    byte[] fileKey = FileKey.generate();
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    Header.write(file, java.util.List.of(ALICE.recipient().wrap(fileKey)), fileKey);
    byte[] nonce = new byte[16];
    file.write(nonce);
    ChaChaPoly cipher = new ChaChaPoly(FileKey.payloadKey(fileKey, nonce));
    byte[] sealed = new byte[SEALED];
    cipher.seal(
        Payload.chunkNonce(0, false), new byte[TestData.CHUNK], 0, TestData.CHUNK, sealed, 0);
    file.write(sealed);
    int length = cipher.seal(Payload.chunkNonce(1, true), new byte[0], 0, 0, sealed, 0);
    file.write(sealed, 0, length);
    assertFails(
        file.toByteArray(),
        "invalid payload: the last chunk is empty, which only an empty file may have");
  }

  @Test
  void readsAfterAFailureKeepFailing() throws IOException {
    try (InputStream in = Age.decrypt(new ByteArrayInputStream(flip(FILE, CHUNK0 + 5)), ALICE)) {
      assertThatThrownBy(in::read).isInstanceOf(AgeException.class);
      assertThatThrownBy(in::read)
          .isInstanceOf(AgeException.class)
          .hasMessageContaining("chunk 0 failed authentication");
    }
  }

  private static void assertFails(byte[] file, String message) {
    assertFails(file, ALICE, message);
  }

  private static void assertFails(byte[] file, Identity identity, String message) {
    assertThatThrownBy(() -> TestData.decrypt(file, identity))
        .isInstanceOf(AgeException.class)
        .hasMessage(message);
  }

  /** The plaintext delivered before the stream failed (it must fail). */
  private static byte[] readUntilFailure(byte[] file) throws IOException {
    ByteArrayOutputStream delivered = new ByteArrayOutputStream();
    try (InputStream in = Age.decrypt(new ByteArrayInputStream(file), ALICE)) {
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        delivered.write(buffer, 0, n);
      }
    } catch (AgeException expected) {
      return delivered.toByteArray();
    }
    throw new AssertionError("the damaged file decrypted without an error");
  }

  private static byte[] encrypt(byte[] plaintext, Recipient... recipients) {
    try {
      return TestData.encrypt(plaintext, false, recipients);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] flip(byte[] file, int index) {
    byte[] copy = file.clone();
    copy[index] ^= 0x01;
    return copy;
  }

  private static int indexOf(byte[] file, String text, int from) {
    return new String(file, StandardCharsets.ISO_8859_1).indexOf(text, from);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] tail(byte[] a, int from) {
    return Arrays.copyOfRange(a, from, a.length);
  }
}
