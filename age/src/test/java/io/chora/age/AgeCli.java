package io.chora.age;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the reference {@code age} tools (Debian's age 1.1.x) for interop tests. Input, output and
 * errors go through files, so no pipe can fill up and hang a test; every run has a deadline.
 */
final class AgeCli {
  private static final long TIMEOUT_SECONDS = 60;

  private final Path dir;

  AgeCli(Path dir) {
    this.dir = dir;
  }

  /** The interop tests need the real tools: a missing one fails the run, never skips it. */
  static void requireInstalled(String... tools) {
    for (String tool : tools) {
      if (!onPath(tool)) {
        throw new IllegalStateException(
            tool
                + " is not installed: the interop tests run against it (apt-get install age"
                + " util-linux; .ci/run installs them)");
      }
    }
  }

  static boolean onPath(String tool) {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(entry, tool))) {
        return true;
      }
    }
    return false;
  }

  /** Runs the command with {@code stdin}; returns stdout, failing the test on a non-zero exit. */
  byte[] run(byte[] stdin, String... command) throws IOException, InterruptedException {
    Result result = runAllowingFailure(stdin, command);
    assertThat(result.exitCode).as("%s failed: %s", List.of(command), result.stderr).isZero();
    return result.stdout;
  }

  Result runAllowingFailure(byte[] stdin, String... command)
      throws IOException, InterruptedException {
    Path in = Files.write(Files.createTempFile(dir, "stdin", ""), stdin);
    Path out = Files.createTempFile(dir, "stdout", "");
    Path err = Files.createTempFile(dir, "stderr", "");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(in.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(List.of(command) + " did not finish in " + TIMEOUT_SECONDS + " s");
    }
    return new Result(
        process.exitValue(),
        Files.readAllBytes(out),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /**
   * Runs {@code shellCommand} on a pseudo-terminal, typing {@code typed} into it: {@code age} reads
   * passphrases from the terminal only, never from stdin. util-linux {@code script} provides the
   * terminal; its own stdin is forwarded to it.
   */
  void runOnTerminal(String typed, String shellCommand) throws IOException, InterruptedException {
    run(
        typed.getBytes(StandardCharsets.UTF_8),
        "script",
        "--quiet",
        "--return",
        "--command",
        shellCommand,
        "/dev/null");
  }

  record Result(int exitCode, byte[] stdout, String stderr) {}
}
