package io.chora.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "demo",
    description =
        "Two replicas of a notes app edit offline, sync and converge (the losing edit waits in the"
            + " conflict ledger), then join a hub and sync live.")
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "where to keep the replicas' files (default: a new temporary folder)")
  Path dir;

  @ParentCommand Chora chora;

  @Override
  public Integer call() throws Exception {
    Path where = dir == null ? Files.createTempDirectory("chora-demo") : dir;
    Files.createDirectories(where);
    for (String name : new String[] {"laptop.db", "phone.db"}) {
      if (Files.exists(where.resolve(name))) {
        throw new CliException(
            ExitCode.USAGE, where + " already holds " + name, "give the demo an empty folder");
      }
    }
    PrintStream out = chora.stdout();
    Demo.run(where, out);
    LiveDemo.run(where, out);
    out.println();
    out.println("The replicas stay in " + where + "; look into them with:");
    out.println("  " + Chora.command("status ") + where.resolve("laptop.db"));
    out.println("  " + Chora.command("log ") + where.resolve("phone.db") + " --table note");
    out.println("  " + Chora.command("conflicts ") + where.resolve("laptop.db"));
    out.flush();
    return ExitCode.OK;
  }
}
