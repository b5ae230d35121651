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
    }
    soft.assertAll();
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
