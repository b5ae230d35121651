package io.chora.cli;

import io.chora.jdbc.ChoraConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "clone",
    description =
        "Make a new replica DST from a consistent snapshot of SRC (which may be in use): all its"
            + " rows and history, under a new site id. The clone syncs with SRC and every other"
            + " replica at once, with nothing to send.")
final class CloneCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SRC", description = "the replica to clone")
  Path source;

  @Parameters(
      index = "1",
      paramLabel = "DST",
      description = "the new replica's file (must not exist)")
  Path target;

  @Option(
      names = "--site",
      paramLabel = "NAME",
      converter = SiteIdConverter.class,
      description = "the clone's site id (default: a random one)")
  String site;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (Files.exists(target)) {
      throw new CliException(
          ExitCode.USAGE,
          target + " exists",
          "give the path of a new file: a clone never overwrites one");
    }
    try (ChoraConnection replica = Replicas.open(source)) {
      String cloneSite = replica.cloneTo(target, site);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("source", source.toAbsolutePath().toString());
      result.put("sourceSite", replica.siteId());
      result.put("clone", target.toAbsolutePath().toString());
      result.put("site", cloneSite);
      result.put("clock", replica.clock().entries());
      if (json) {
        Output.json(spec.commandLine().getOut(), result);
      } else {
        spec.commandLine()
            .getOut()
            .printf(
                "cloned %s (replica '%s') to %s: replica '%s', with all of its history%n",
                source, replica.siteId(), target, cloneSite);
      }
    }
    return ExitCode.OK;
  }
}
