package io.chora.age;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoundTripTest {
  private final X25519Identity alice = X25519Identity.generate();

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 47, 48, 49, 65535, 65536, 65537, 2 * 65536, 2 * 65536 + 1, 1_000_003})
  void binaryAndArmoredRoundTripAtChunkAndLineBoundaries(int size) throws IOException {
    byte[] plaintext = TestData.random(size, size);
    for (boolean armor : new boolean[] {false, true}) {
      byte[] file = TestData.encrypt(plaintext, armor, alice.recipient());
      assertThat(TestData.decrypt(file, alice)).isEqualTo(plaintext);
    }
  }

  @Test
  void binaryFileHasTheExpectedLayout() throws IOException {
    byte[] plaintext = TestData.random(2 * TestData.CHUNK + 5, 1);
    byte[] file = TestData.encrypt(plaintext, false, alice.recipient());
    String text = new String(file, StandardCharsets.ISO_8859_1);
    assertThat(text).startsWith("age-encryption.org/v1\n-> X25519 ");
    // header, 16-byte nonce, two full sealed chunks and a final one of 5 + 16 bytes
    int payload = TestData.payloadOffset(file);
    assertThat(file.length - payload).isEqualTo(16 + 2 * (TestData.CHUNK + 16) + 5 + 16);
  }

  @Test
  void armoredFileIsStrictPem() throws IOException {
    byte[] file = TestData.encrypt(TestData.random(1000, 2), true, alice.recipient());
    String[] lines = new String(file, StandardCharsets.US_ASCII).split("\n", -1);
    assertThat(lines[0]).isEqualTo("-----BEGIN AGE ENCRYPTED FILE-----");
    assertThat(lines[lines.length - 2]).isEqualTo("-----END AGE ENCRYPTED FILE-----");
    assertThat(lines[lines.length - 1]).isEmpty(); // ends with a newline
    for (int i = 1; i < lines.length - 3; i++) {
      assertThat(lines[i]).hasSize(64);
    }
    assertThat(lines[lines.length - 3].length()).isBetween(1, 64);
  }

  @Test
  void outputIsTheSameWhateverTheWriteSizes() throws IOException {
    byte[] plaintext = TestData.random(3 * TestData.CHUNK + 100, 3);
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    try (OutputStream out = Age.encrypt(file, true, alice.recipient())) {
      int offset = 0;
      for (int step = 1; offset < plaintext.length; step = step * 3 + 1) {
        int n = Math.min(step % 70_000, plaintext.length - offset);
        if (n == 0) {
          out.write(plaintext[offset]);
          n = 1;
        } else {
          out.write(plaintext, offset, n);
        }
        offset += n;
      }
    }
    assertThat(TestData.decrypt(file.toByteArray(), alice)).isEqualTo(plaintext);
  }

  @Test
  void severalRecipientsEachOpenTheFile() throws IOException {
    X25519Identity bob = X25519Identity.generate();
    X25519Identity carol = X25519Identity.generate();
    byte[] plaintext = TestData.random(70_000, 4);
    byte[] file =
        TestData.encrypt(plaintext, false, alice.recipient(), bob.recipient(), carol.recipient());
    for (X25519Identity identity : new X25519Identity[] {alice, bob, carol}) {
      assertThat(TestData.decrypt(file, identity)).isEqualTo(plaintext);
    }
    // Any of several identities will do, in any order.
    assertThat(TestData.decrypt(file, X25519Identity.generate(), carol)).isEqualTo(plaintext);
  }

  @Test
  void passphraseRoundTrip() throws IOException {
    byte[] plaintext = TestData.random(1000, 5);
    char[] passphrase = "correct horse battery staple".toCharArray();
    byte[] file = TestData.encrypt(plaintext, false, new ScryptRecipient(passphrase, 10));
    assertThat(new String(file, StandardCharsets.US_ASCII)).contains("\n-> scrypt ");
    assertThat(TestData.decrypt(file, new ScryptIdentity(passphrase))).isEqualTo(plaintext);
    assertThatThrownBy(() -> TestData.decrypt(file, new ScryptIdentity("wrong".toCharArray())))
        .isInstanceOf(AgeException.class)
        .hasMessage("no identity matches any recipient of this file (the passphrase is wrong)");
  }

  @Test
  void aPassphraseRecipientMustBeAlone() {
    ScryptRecipient passphrase = new ScryptRecipient("pw".toCharArray(), 10);
    assertThatThrownBy(
            () -> Age.encrypt(new ByteArrayOutputStream(), false, passphrase, alice.recipient()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be the only recipient");
  }

  @Test
  void closeTwiceWritesTheFinalChunkOnceAndWriteAfterCloseFails() throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    OutputStream out = Age.encrypt(file, true, alice.recipient());
    out.write(new byte[] {1, 2, 3});
    out.close();
    int length = file.size();
    out.close();
    assertThat(file.size()).isEqualTo(length);
    assertThatThrownBy(() -> out.write(4)).isInstanceOf(IOException.class);
    assertThat(TestData.decrypt(file.toByteArray(), alice)).containsExactly(1, 2, 3);
  }

  @Test
  void flushPassesOnCompleteChunksOnly() throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    OutputStream out = Age.encrypt(file, false, alice.recipient());
    int headerAndNonce = file.size();
    out.write(new byte[TestData.CHUNK + 10]);
    out.flush();
    assertThat(file.size()).isEqualTo(headerAndNonce + TestData.CHUNK + 16);
    out.close();
    assertThat(file.size()).isEqualTo(headerAndNonce + TestData.CHUNK + 16 + 10 + 16);
  }

  @Test
  void closingTheStreamsClosesTheUnderlyingOnes() throws IOException {
    boolean[] closed = new boolean[2];
    ByteArrayOutputStream file =
        new ByteArrayOutputStream() {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    Age.encrypt(file, false, alice.recipient()).close();
    InputStream source =
        new ByteArrayInputStream(file.toByteArray()) {
          @Override
          public void close() {
            closed[1] = true;
          }
        };
    InputStream in = Age.decrypt(source, alice);
    assertThat(in.read()).isEqualTo(-1);
    in.close();
    in.close();
    assertThat(closed).containsExactly(true, true);
    assertThatThrownBy(in::read).isInstanceOf(IOException.class);
  }

  @Test
  void singleByteReadsAndAvailable() throws IOException {
    byte[] plaintext = TestData.random(TestData.CHUNK + 3, 6);
    byte[] file = TestData.encrypt(plaintext, false, alice.recipient());
    try (InputStream in = Age.decrypt(new ByteArrayInputStream(file), alice)) {
      assertThat(in.available()).isZero(); // nothing decrypted before the first read
      assertThat(in.read()).isEqualTo(plaintext[0] & 0xff);
      assertThat(in.available()).isEqualTo(TestData.CHUNK - 1);
      assertThat(in.readAllBytes()).hasSize(plaintext.length - 1);
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void argumentsAreChecked() {
    assertThatThrownBy(() -> Age.encrypt(new ByteArrayOutputStream(), false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Age.decrypt(new ByteArrayInputStream(new byte[0])))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ScryptRecipient(new char[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ScryptRecipient("x".toCharArray(), 31))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
