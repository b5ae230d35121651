package io.chora.age;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {
  @TempDir Path dir;

  @Test
  void aKeyFileIsOwnerOnlyNeverOverwrittenAndReadsBackTheSameKey() throws Exception {
    Path file = dir.resolve("laptop.key.sign");
    SigningKey key = SigningKey.generate();
    SigningKey.write(file, key);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String text = Files.readString(file);
    assertThat(text).contains("# public key: " + key.publicKey()).contains(key.toString());
    SigningKey read = SigningKey.read(file);
    assertThat(read.publicKey()).isEqualTo(key.publicKey());
    assertThat(read.toString()).isEqualTo(key.toString());
    assertThatThrownBy(() -> SigningKey.write(file, SigningKey.generate()))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(file)).isEqualTo(text);
  }

  @Test
  void aSignatureVerifiesOnlyForItsKeyAndItsMessage() {
    SigningKey key = SigningKey.generate();
    byte[] message = "origin a, 1..3".getBytes(StandardCharsets.UTF_8);
    byte[] signature = key.sign(message);
    assertThat(signature).hasSize(64);
    assertThat(key.publicKey().verifies(message, signature)).isTrue();
    assertThat(SigningKey.generate().publicKey().verifies(message, signature)).isFalse();
    byte[] other = "origin b, 1..3".getBytes(StandardCharsets.UTF_8);
    assertThat(key.publicKey().verifies(other, signature)).isFalse();
    signature[10] ^= 1;
    assertThat(key.publicKey().verifies(message, signature)).isFalse();
    assertThat(key.publicKey().verifies(message, new byte[3])).isFalse();
  }

  @Test
  void publicKeysRoundTripAndBadTextIsRefused() {
    SigningPublicKey key = SigningKey.generate().publicKey();
    assertThat(key.toString()).startsWith("chorasign1");
    assertThat(SigningPublicKey.parse(key.toString())).isEqualTo(key);
    String recipient = X25519Identity.generate().recipient().toString();
    assertThatThrownBy(() -> SigningPublicKey.parse(recipient))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chorasign1");
  }

  @Test
  void anIdentityFileIsNotASigningKeyFile() throws Exception {
    Path file = dir.resolve("laptop.key");
    IdentityFile.write(file, X25519Identity.generate());
    assertThatThrownBy(() -> SigningKey.read(file))
        .isInstanceOf(AgeException.class)
        .hasMessageContaining("not a signing key file")
        .hasMessageNotContaining("AGE-SECRET-KEY");
  }
}
