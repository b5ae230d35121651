package io.chora.cli;

/** A failure to report to the user as one line (and a hint), with the exit code it means. */
final class CliException extends RuntimeException {
  private final int exitCode;
  private final String hint;

  CliException(int exitCode, String message, String hint) {
    super(message);
    this.exitCode = exitCode;
    this.hint = hint;
  }

  CliException(int exitCode, String message) {
    this(exitCode, message, null);
  }

  int exitCode() {
    return exitCode;
  }

  String hint() {
    return hint;
  }
}
