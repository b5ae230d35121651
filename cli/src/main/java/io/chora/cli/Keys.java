package io.chora.cli;

import io.chora.age.AgeException;
import io.chora.age.Identity;
import io.chora.age.IdentityFile;
import io.chora.age.RecipientsFile;
import io.chora.age.X25519Recipient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the age keys named on a command line, with errors that say which argument is wrong. */
final class Keys {
  private Keys() {}

  static List<X25519Recipient> recipients(List<String> given, Path file) throws IOException {
    List<X25519Recipient> all = new ArrayList<>();
    for (String text : given) {
      try {
        all.add(X25519Recipient.parse(text.strip()));
      } catch (IllegalArgumentException e) {
        throw new CliException(
            ExitCode.USAGE,
            "not an age recipient: '" + text + "' (" + e.getMessage() + ")",
            "a public key is the age1… line that "
                + Chora.command("keygen")
                + " (or age-keygen) prints");
      }
    }
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new CliException(ExitCode.USAGE, "no recipients file at " + file);
      }
      try {
        all.addAll(RecipientsFile.read(file));
      } catch (AgeException e) {
        throw new CliException(ExitCode.USAGE, e.getMessage());
      }
    }
    return all;
  }

  static Identity[] identities(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new CliException(
          ExitCode.USAGE,
          "no identity file at " + file,
          "make one with: " + Chora.command("keygen -o ") + file);
    }
    try {
      return IdentityFile.read(file).toArray(new Identity[0]);
    } catch (AgeException e) {
      throw new CliException(ExitCode.USAGE, e.getMessage());
    }
  }
}
