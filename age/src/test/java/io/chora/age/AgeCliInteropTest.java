package io.chora.age;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** chora and the reference {@code age} binary read each other's files. */
class AgeCliInteropTest {
  @TempDir Path dir;
  private AgeCli cli;

  @BeforeAll
  static void ageIsInstalled() {
    AgeCli.requireInstalled("age", "age-keygen");
  }

  @BeforeEach
  void setUp() {
    cli = new AgeCli(dir);
  }

  static List<Arguments> sizesAndArmor() {
    List<Arguments> cases = new ArrayList<>();
    int[] sizes = {0, 1, 65536, 65537, 2 * 65536, 3 * 1024 * 1024 + 7};
    for (int size : sizes) {
      cases.add(Arguments.of(size, false));
      cases.add(Arguments.of(size, true));
    }
    return cases;
  }

  @ParameterizedTest(name = "{0} bytes, armored: {1}")
  @MethodSource("sizesAndArmor")
  void choraEncryptsAndAgeDecrypts(int size, boolean armor) throws Exception {
    X25519Identity identity = X25519Identity.generate();
    Path keyFile = dir.resolve("key.txt");
    IdentityFile.write(keyFile, identity);
    byte[] plaintext = TestData.random(size, size);
    Path encrypted =
        Files.write(
            dir.resolve("file.age"), TestData.encrypt(plaintext, armor, identity.recipient()));

    byte[] decrypted =
        cli.run(new byte[0], "age", "--decrypt", "-i", keyFile.toString(), encrypted.toString());

    assertThat(decrypted).isEqualTo(plaintext);
  }

  @ParameterizedTest(name = "{0} bytes, armored: {1}")
  @MethodSource("sizesAndArmor")
  void ageEncryptsAndChoraDecrypts(int size, boolean armor) throws Exception {
    X25519Identity identity = X25519Identity.generate();
    byte[] plaintext = TestData.random(size, size + 1);
    List<String> command = new ArrayList<>(List.of("age", "-r", identity.recipient().toString()));
    if (armor) {
      command.add("-a");
    }
    byte[] encrypted = cli.run(plaintext, command.toArray(String[]::new));
    if (armor) {
      assertThat(new String(encrypted, StandardCharsets.US_ASCII))
          .startsWith(ArmorOutputStream.BEGIN);
    }

    assertThat(TestData.decrypt(encrypted, identity)).isEqualTo(plaintext);
  }

  @Test
  void severalRecipientsBothWays() throws Exception {
    List<X25519Identity> identities =
        List.of(X25519Identity.generate(), X25519Identity.generate(), X25519Identity.generate());
    byte[] plaintext = TestData.random(200_000, 11);

    byte[] choraFile =
        TestData.encrypt(
            plaintext,
            false,
            identities.stream().map(X25519Identity::recipient).toArray(Recipient[]::new));
    Path choraPath = Files.write(dir.resolve("chora.age"), choraFile);
    List<String> ageCommand = new ArrayList<>(List.of("age"));
    for (int i = 0; i < identities.size(); i++) {
      Path keyFile = dir.resolve("key" + i + ".txt");
      IdentityFile.write(keyFile, identities.get(i));
      assertThat(cli.run(new byte[0], "age", "-d", "-i", keyFile.toString(), choraPath.toString()))
          .isEqualTo(plaintext);
      ageCommand.addAll(List.of("-r", identities.get(i).recipient().toString()));
    }

    byte[] ageFile = cli.run(plaintext, ageCommand.toArray(String[]::new));
    for (X25519Identity identity : identities) {
      assertThat(TestData.decrypt(ageFile, identity)).isEqualTo(plaintext);
    }
  }

  @Test
  void ageKeygenFilesAreReadAndOurFilesAreUnderstoodByAge() throws Exception {
    Path generated = dir.resolve("generated.txt");
    cli.run(new byte[0], "age-keygen", "-o", generated.toString());
    List<X25519Identity> read = IdentityFile.read(generated);
    assertThat(read).hasSize(1);
    String publicKey =
        new String(
                cli.run(new byte[0], "age-keygen", "-y", generated.toString()),
                StandardCharsets.US_ASCII)
            .strip();
    assertThat(read.get(0).recipient().toString()).isEqualTo(publicKey);
    assertThat(Files.readString(generated)).contains("# public key: " + publicKey + "\n");

    // And the other way: age-keygen -y derives the same public key from a chora-written file.
    X25519Identity ours = X25519Identity.generate();
    Path written = dir.resolve("ours.txt");
    IdentityFile.write(written, ours);
    String derived =
        new String(
                cli.run(new byte[0], "age-keygen", "-y", written.toString()),
                StandardCharsets.US_ASCII)
            .strip();
    assertThat(derived).isEqualTo(ours.recipient().toString());
  }

  @Test
  void theSpecificationAndTestkitKeysAgreeWithAgeKeygen() throws Exception {
    for (String secret :
        List.of(
            "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX",
            "AGE-SECRET-KEY-1XMWWC06LY3EE5RYTXM9MFLAZ2U56JJJ36S0MYPDRWSVLUL66MV4QX3S7F6")) {
      Path keyFile = Files.writeString(dir.resolve("k.txt"), secret + "\n");
      String expected =
          new String(
                  cli.run(new byte[0], "age-keygen", "-y", keyFile.toString()),
                  StandardCharsets.US_ASCII)
              .strip();
      assertThat(X25519Identity.parse(secret).recipient().toString()).isEqualTo(expected);
    }
  }

  @Test
  void ageRejectsWhatWeRejectAfterTampering() throws Exception {
    // Sanity check that our tamper detection matches the reference: flip one payload byte.
    X25519Identity identity = X25519Identity.generate();
    Path keyFile = dir.resolve("key.txt");
    IdentityFile.write(keyFile, identity);
    byte[] file = TestData.encrypt(TestData.random(100_000, 12), false, identity.recipient());
    file[file.length - 20] ^= 1;
    Path path = Files.write(dir.resolve("bad.age"), file);
    AgeCli.Result result =
        cli.runAllowingFailure(new byte[0], "age", "-d", "-i", keyFile.toString(), path.toString());
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("failed to decrypt and authenticate payload chunk");
  }

  @Test
  void streamingIntoAgeThroughAPipe() throws Exception {
    // chora writes straight into age's stdin while age decrypts: nothing is staged in memory.
    X25519Identity identity = X25519Identity.generate();
    Path keyFile = dir.resolve("key.txt");
    IdentityFile.write(keyFile, identity);
    Path output = dir.resolve("out.bin");
    Process age =
        new ProcessBuilder("age", "-d", "-i", keyFile.toString(), "-o", output.toString())
            .redirectError(dir.resolve("err.txt").toFile())
            .start();
    byte[] block = TestData.random(1 << 20, 13);
    try (OutputStream out = Age.encrypt(age.getOutputStream(), true, identity.recipient())) {
      for (int i = 0; i < 20; i++) {
        out.write(block);
      }
    }
    assertThat(age.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(age.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();
    assertThat(Files.size(output)).isEqualTo(20L << 20);
  }
}
