package io.chora.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the built {@code chora} jar (or launcher script) as a user would, with a time limit. */
final class ChoraProcess {
  static final Path JAR = Path.of("target", "chora.jar").toAbsolutePath();

  /** What one run printed and exited with. */
  record Run(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  private ChoraProcess() {}

  static Run chora(String... args) throws IOException, InterruptedException {
    return chora(null, args);
  }

  /** Runs {@code java -jar chora.jar ARGS}, feeding {@code stdin} when given. */
  static Run chora(byte[] stdin, String... args) throws IOException, InterruptedException {
    return run(jar(args), stdin);
  }

  /** {@code java -jar chora.jar ARGS} as a command line. */
  private static List<String> jar(String... args) {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: these tests run after `package`");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    return command;
  }

  /** {@link #chora(String...)} with these variables added to the environment. */
  static Run withEnv(java.util.Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    return run(jar(args), null, env);
  }

  static Run run(List<String> command, byte[] stdin) throws IOException, InterruptedException {
    return run(command, stdin, java.util.Map.of());
  }

  private static Run run(List<String> command, byte[] stdin, java.util.Map<String, String> env)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("chora-out", ".txt");
    Path err = Files.createTempFile("chora-err", ".txt");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().putAll(env);
      Process p = builder.start();
      try (var in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
        }
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("chora " + command + " did not finish in 120 s");
      }
      return new Run(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
