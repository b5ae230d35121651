package io.chora.cli;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options of a command that can talk to a hub once: its token file, and how long to wait. */
final class HubOptions {
  @Option(
      names = "--token-file",
      paramLabel = "F",
      description = "with a hub: the file holding the workspace's token")
  Path tokenFile;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "with a hub: give up after this long (default 60)")
  long timeoutSeconds = 60;

  /** The timeout, refused unless positive. */
  Duration timeout() {
    if (timeoutSeconds <= 0) {
      throw new CliException(ExitCode.USAGE, "--timeout must be a positive number of seconds");
    }
    return Duration.ofSeconds(timeoutSeconds);
  }

  /** Refuses the hub-only options for a target that is a file. */
  void refuseWithoutHub() {
    if (tokenFile != null) {
      throw new CliException(
          ExitCode.USAGE, "--token-file applies to a hub (ws://HOST:PORT/WORKSPACE)");
    }
  }
}
