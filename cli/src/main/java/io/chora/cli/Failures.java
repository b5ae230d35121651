package io.chora.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import picocli.CommandLine;

/**
 * Turns what a command threw into one line on stderr and an exit code: a user reads what went wrong
 * and what to do, not a stack trace ({@code CHORA_DEBUG=1} prints the trace too).
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(
      Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    var err = cmd.getErr();
    int code = ExitCode.FAILED;
    String message;
    String hint = null;
    if (e instanceof CliException cli) {
      code = cli.exitCode();
      message = cli.getMessage();
      hint = cli.hint();
    } else if (e instanceof io.chora.hub.StoreUnreachable store) {
      message = store.getMessage();
      hint = store.hint();
    } else if (e instanceof SQLException sql) {
      message = sql.getMessage();
    } else if (e instanceof IOException || e instanceof UncheckedIOException) {
      message = e.getMessage();
    } else {
      message = e.toString();
    }
    if (message != null && message.startsWith("chora: ")) { // the driver's prefix; ours is fuller
      message = message.substring("chora: ".length());
    }
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + message);
    if (hint != null) {
      err.println("  " + hint);
    }
    if (System.getenv("CHORA_DEBUG") != null) {
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }
}
