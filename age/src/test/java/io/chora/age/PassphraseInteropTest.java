package io.chora.age;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passphrase files with the reference {@code age}. It reads passphrases only from a terminal, so it
 * runs under util-linux {@code script}, which gives it a pseudo-terminal and types our stdin.
 */
class PassphraseInteropTest {
  // Non-ASCII on purpose: both sides must hash the same UTF-8 bytes.
  private static final String PASSPHRASE = "correct horse battery staple – ünïcode";

  @TempDir Path dir;
  private AgeCli cli;

  @BeforeAll
  static void toolsAreInstalled() {
    AgeCli.requireInstalled("age", "script");
  }

  @BeforeEach
  void setUp() {
    cli = new AgeCli(dir);
  }

  @Test
  void agePassphraseFilesDecryptWithScryptIdentity() throws Exception {
    byte[] plaintext = TestData.random(100_000, 21);
    Files.write(dir.resolve("in.bin"), plaintext);
    // age asks twice: the passphrase, then its confirmation.
    cli.runOnTerminal(PASSPHRASE + "\n" + PASSPHRASE + "\n", "age -p -o out.age in.bin");
    byte[] file = Files.readAllBytes(dir.resolve("out.age"));
    assertThat(new String(file, StandardCharsets.ISO_8859_1)).contains("\n-> scrypt ");

    assertThat(TestData.decrypt(file, new ScryptIdentity(PASSPHRASE.toCharArray())))
        .isEqualTo(plaintext);
  }

  @Test
  void choraArmoredPassphraseFilesDecryptWithAge() throws Exception {
    byte[] plaintext = TestData.random(70_000, 23);
    // The default work factor 2^18, as age uses; armored, to cover both at once.
    byte[] file = TestData.encrypt(plaintext, true, new ScryptRecipient(PASSPHRASE.toCharArray()));
    assertThat(new String(file, StandardCharsets.US_ASCII)).startsWith(ArmorOutputStream.BEGIN);
    Files.write(dir.resolve("chora.age"), file);

    cli.runOnTerminal(PASSPHRASE + "\n", "age -d -o out.bin chora.age");

    assertThat(Files.readAllBytes(dir.resolve("out.bin"))).isEqualTo(plaintext);
  }

  @Test
  void ageRefusesAWrongPassphraseForOurFile() throws Exception {
    byte[] file =
        TestData.encrypt(new byte[10], true, new ScryptRecipient(PASSPHRASE.toCharArray(), 10));
    Files.write(dir.resolve("chora.age"), file);
    AgeCli.Result result =
        cli.runAllowingFailure(
            "wrong\n".getBytes(StandardCharsets.UTF_8),
            "script",
            "--quiet",
            "--return",
            "--command",
            "age -d -o out.bin chora.age",
            "/dev/null");
    assertThat(result.exitCode()).isNotZero();
    assertThat(dir.resolve("out.bin")).doesNotExist();
  }
}
