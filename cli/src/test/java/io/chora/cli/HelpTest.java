package io.chora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every command answers {@code --help} (a user's first try, before any argument it requires) with
 * its usage, exit 0, in lines that fit a terminal and read whole.
 */
class HelpTest {
  @Test
  void everyCommandAnswersHelp() {
    List<List<String>> commands = new ArrayList<>();
    Map<String, CommandSpec> specs = new HashMap<>();
    collect(new CommandLine(new Chora(System.out)), new ArrayList<>(), commands, specs);
    assertThat(commands).hasSizeGreaterThan(15);
    SoftAssertions soft = new SoftAssertions();
    for (List<String> command : commands) {
      List<String> args = new ArrayList<>(command);
      args.add("--help");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit =
          Chora.run(
              args.toArray(String[]::new),
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));
      String help = out.toString(StandardCharsets.UTF_8);
      String name = String.join(" ", command);
      soft.assertThat(exit).as("%s --help: %s", name, err).isZero();
      soft.assertThat(help).as(name).startsWith("Usage: chora " + name);
      soft.assertThat(help.lines()).as(name).allSatisfy(l -> assertThat(l).hasSizeLessThan(81));
      // each description line is whole sentences: one broken by hand where a line filled up
      // ("... is on" / "disk.") is wrapped again by picocli and reads cut in two
      for (String line : specs.get(name).usageMessage().description()) {
        soft.assertThat(line.strip()).as("%s: %s", name, line).containsPattern("[.:)]$");
      }
      // a name to type (chora.hub.token=TOKEN, ws://HOST:PORT/WORKSPACE) stays on one line:
      // picocli breaks lines after '.', ':' and '/' too, which cuts such names in two
      String unindented = help.replaceAll("\n +", "\n");
      for (String word : names(specs.get(name))) {
        for (int cut = 1; cut < word.length(); cut++) {
          String split = word.substring(0, cut) + "\n" + word.substring(cut);
          soft.assertThat(unindented).as("%s --help cuts %s", name, word).doesNotContain(split);
        }
      }
    }
    soft.assertAll();
  }

  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[^\\s(`']*[A-Za-z0-9][.:/=][^\\s)`',;]*[A-Za-z0-9>…]");

  /** The words in a command's own texts that are names or addresses (they hold . : / or =). */
  private static List<String> names(CommandSpec spec) {
    List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
    spec.options().forEach(o -> texts.addAll(List.of(o.description())));
    spec.positionalParameters().forEach(p -> texts.addAll(List.of(p.description())));
    for (CommandLine sub : spec.subcommands().values()) {
      String[] first = sub.getCommandSpec().usageMessage().description();
      if (first.length > 0) {
        texts.add(first[0]); // as the list of commands shows it
      }
    }
    List<String> names = new ArrayList<>();
    for (String text : texts) {
      java.util.regex.Matcher m = NAME.matcher(text);
      while (m.find()) {
        if (!m.group().contains("${")) { // picocli fills those in
          names.add(m.group());
        }
      }
    }
    return names;
  }

  private static void collect(
      CommandLine cli, List<String> path, List<List<String>> out, Map<String, CommandSpec> specs) {
    for (Map.Entry<String, CommandLine> sub : cli.getSubcommands().entrySet()) {
      if (sub.getKey().equals("help")) {
        continue;
      }
      List<String> next = new ArrayList<>(path);
      next.add(sub.getKey());
      out.add(next);
      specs.put(String.join(" ", next), sub.getValue().getCommandSpec());
      collect(sub.getValue(), next, out, specs);
    }
  }
}
