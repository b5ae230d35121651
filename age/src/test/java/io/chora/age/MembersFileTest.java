package io.chora.age;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MembersFileTest {
  @TempDir Path dir;

  @Test
  void signingKeysTravelWithTheirRecipientsAndAgeStillReadsTheFile() throws Exception {
    Path file = dir.resolve("members.txt");
    X25519Recipient a = X25519Identity.generate().recipient();
    X25519Recipient b = X25519Identity.generate().recipient();
    SigningPublicKey signA = SigningKey.generate().publicKey();
    MembersFile.write(
        file, List.of(new MembersFile.Member(a, signA), new MembersFile.Member(b, null)));

    assertThat(MembersFile.read(file))
        .containsExactly(new MembersFile.Member(a, signA), new MembersFile.Member(b, null));
    assertThat(RecipientsFile.read(file)).containsExactly(a, b); // what age -R sees
  }

  @Test
  void anOldRecipientsFileReadsAsMembersWithoutSigningKeys() throws Exception {
    Path file = dir.resolve("members.txt");
    X25519Recipient a = X25519Identity.generate().recipient();
    Files.writeString(file, "# old\n" + a + "\n");
    assertThat(MembersFile.read(file)).containsExactly(new MembersFile.Member(a, null));
  }

  @Test
  void aSigningKeyWithoutARecipientIsNamedByItsLine() throws Exception {
    Path file = dir.resolve("members.txt");
    Files.writeString(file, "# x\n# signing key: " + SigningKey.generate().publicKey() + "\n");
    assertThatThrownBy(() -> MembersFile.read(file))
        .isInstanceOf(AgeException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("no age recipient");
  }
}
