package io.chora.age;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipientsFileTest {
  @TempDir Path dir;

  @Test
  void writtenRecipientsReadBackWithCommentsAndBlankLinesIgnored() throws Exception {
    X25519Recipient a = X25519Identity.generate().recipient();
    X25519Recipient b = X25519Identity.generate().recipient();
    Path file = dir.resolve("members.txt");
    RecipientsFile.write(file, List.of(a, b));
    assertThat(RecipientsFile.read(file)).containsExactly(a, b);
    Files.writeString(
        file, "\n# a comment\n  " + a + "  \n", java.nio.file.StandardOpenOption.APPEND);
    assertThat(RecipientsFile.read(file)).containsExactly(a, b, a);
  }

  @Test
  void aLineThatIsNotARecipientIsNamed() throws Exception {
    Path file = Files.writeString(dir.resolve("bad.txt"), "# ok\nage1notakey\n");
    assertThatThrownBy(() -> RecipientsFile.read(file))
        .isInstanceOf(AgeException.class)
        .hasMessageContaining("line 2");
  }
}
