package io.chora.age;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityFileTest {
  private static final String SPEC_IDENTITY =
      "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";

  @TempDir Path dir;

  @Test
  void parsesCommentsBlankLinesCrlfAndSeveralKeys() throws AgeException {
    X25519Identity other = X25519Identity.generate();
    String contents =
        "# created: 2024-01-01T00:00:00Z\r\n"
            + "# public key: age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj\r\n"
            + SPEC_IDENTITY
            + "\r\n\n"
            + "#"
            + other
            + " commented out\n"
            + other
            + "\n";
    List<X25519Identity> identities = IdentityFile.parse(contents);
    assertThat(identities)
        .extracting(Object::toString)
        .containsExactly(SPEC_IDENTITY, other.toString());
  }

  @Test
  void errorsNameTheLineButNeverRepeatIt() {
    String damaged = SPEC_IDENTITY.replace("GFPQ4EGAEX", "GFPQ4EGAEQ");
    assertThatThrownBy(() -> IdentityFile.parse("# key\n\n" + damaged + "\n"))
        .isInstanceOf(AgeException.class)
        .hasMessageStartingWith("identity file, line 3: not an age secret key")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("GFPYYSJZ"));
    assertThatThrownBy(() -> IdentityFile.parse("ssh-ed25519 AAAA...\n"))
        .isInstanceOf(AgeException.class)
        .hasMessageStartingWith("identity file, line 1: not an X25519 secret key");
    assertThatThrownBy(() -> IdentityFile.parse(" " + SPEC_IDENTITY))
        .isInstanceOf(AgeException.class)
        .hasMessageStartingWith("identity file, line 1: not an X25519 secret key");
    assertThatThrownBy(() -> IdentityFile.parse("# only comments\n\n"))
        .isInstanceOf(AgeException.class)
        .hasMessage("identity file contains no identity");
  }

  @Test
  void writesAgeKeygensFormatOwnerOnly() throws IOException {
    X25519Identity identity = X25519Identity.generate();
    Path file = dir.resolve("key.txt");
    IdentityFile.write(file, identity);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0))
        .matches("# created: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)");
    assertThat(lines.get(1)).isEqualTo("# public key: " + identity.recipient());
    assertThat(lines.get(2)).isEqualTo(identity.toString());
    assertThat(IdentityFile.read(file))
        .extracting(Object::toString)
        .containsExactly(identity.toString());
    // Nothing is left behind: only the key file is in the directory.
    try (var entries = Files.list(dir)) {
      assertThat(entries).containsExactly(file);
    }
  }

  @Test
  void neverOverwritesAnExistingFile() throws IOException {
    Path file = dir.resolve("key.txt");
    Files.writeString(file, "precious\n");
    assertThatThrownBy(() -> IdentityFile.write(file, X25519Identity.generate()))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(file)).isEqualTo("precious\n");
    try (var entries = Files.list(dir)) {
      assertThat(entries).containsExactly(file);
    }
  }
}
