package io.chora.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The signing options of {@code export} and {@code import}, as the driver's {@code chora.sign} and
 * {@code chora.recipients}: a signed export carries this device's signature, and an import with a
 * members file takes only a file signed by one of its members.
 */
final class Signing {
  private Signing() {}

  static Properties options(Path signingKey, Path members) {
    Properties options = new Properties();
    if (signingKey == null) {
      if (members != null) {
        throw new CliException(
            ExitCode.USAGE,
            "--members needs --sign, this device's signing key",
            "make one with: " + Chora.command("keygen --signing-only -o KEY_FILE"));
      }
      return options;
    }
    if (!Files.isRegularFile(signingKey)) {
      throw new CliException(
          ExitCode.USAGE,
          "no signing key at " + signingKey,
          "make one with: " + Chora.command("keygen --signing-only -o ") + signingKey);
    }
    options.setProperty("chora.sign", signingKey.toString());
    if (members != null) {
      if (!Files.isRegularFile(members)) {
        throw new CliException(ExitCode.USAGE, "no members file at " + members);
      }
      options.setProperty("chora.recipients", members.toString());
    }
    return options;
  }
}
