package io.chora.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Bad arguments: what was wrong, the command's one-line synopsis and where the rest is, instead of
 * picocli's whole usage page after it (sixty lines that push the one that matters off the screen).
 * A word that names no command says so in chora's words, with the commands there are.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String name = cmd.getCommandSpec().qualifiedName();
    String unknown = unknownCommand(e);
    if (unknown != null) {
      err.println(name + ": there is no command '" + unknown + "'");
      List<String> similar = ((UnmatchedArgumentException) e).getSuggestions();
      if (!similar.isEmpty()) { // picocli's own said "hub token?" for chora hub, as no one types it
        String parent = name.substring("chora".length()).strip();
        err.println(
            "  did you mean: "
                + String.join(
                    " or ",
                    similar.stream()
                        .map(s -> Chora.command(parent.isEmpty() ? s : parent + " " + s))
                        .toList())
                + "?");
      } else {
        err.println(
            "  the commands: "
                + String.join(", ", cmd.getSubcommands().keySet().stream().sorted().toList()));
      }
    } else {
      err.println(name + ": " + inWords(e.getMessage()));
      UnmatchedArgumentException.printSuggestions(e, err);
    }
    CommandLine.Help help = cmd.getHelp();
    err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
    err.println(
        "  "
            + Chora.command((name.substring("chora".length()) + " --help").strip())
            + " says what each argument means");
    err.flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** Picocli's message without its Java type names ("'abc' is not a long"). */
  static String inWords(String message) {
    return message == null
        ? null
        : message.replaceAll("' is not an? (int|long|short|integer)\\b", "' is not a whole number");
  }

  /** The first unmatched word, when it stands where a command that has subcommands takes one. */
  private static String unknownCommand(ParameterException e) {
    if (!(e instanceof UnmatchedArgumentException unmatched)
        || e.getCommandLine().getSubcommands().isEmpty()) {
      return null;
    }
    List<String> words = unmatched.getUnmatched();
    boolean onlyPositional = e.getCommandLine().getCommandSpec().positionalParameters().isEmpty();
    return !words.isEmpty() && !words.get(0).startsWith("-") && onlyPositional
        ? words.get(0)
        : null;
  }
}
