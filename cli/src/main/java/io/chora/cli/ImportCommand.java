package io.chora.cli;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.ApplyResult;
import java.io.BufferedInputStream;
import java.io.PrintWriter;
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
    name = "import",
    description =
        "Merge a file written by `chora export` into a replica: all of it, or on any problem"
            + " nothing. Importing twice changes nothing.")
final class ImportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DB", description = "the SQLite file")
  Path db;

  @Parameters(
      index = "1",
      paramLabel = "FILE",
      description = "the exported changes, or - for stdin")
  String file;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Option(
      names = "--progress",
      negatable = true,
      description = "draw a progress bar (default: on a terminal, for files over 1 MB)")
  Boolean progress;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path source = "-".equals(file) ? null : Path.of(file);
    if (source != null && !Files.isRegularFile(source)) {
      throw new CliException(
          ExitCode.USAGE,
          "no change file at " + file,
          "write one with: chora export OTHER_DB --since CLOCK -o " + file);
    }
    try (ChoraConnection replica = Replicas.open(db)) {
      ApplyResult result =
          source == null
              ? replica.apply(new BufferedInputStream(System.in, 1 << 16))
              : Transfers.apply(replica, source, "import", progress, spec.commandLine().getErr());
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("applied", result.applied());
        m.put("skipped", result.skipped());
        m.put("changes", result.changes());
        m.put("conflicts", result.conflicts());
        m.put("clock", replica.clock().entries());
        Output.json(out, m);
      } else {
        out.printf(
            "applied %d transactions, skipped %d already here (%d row changes read), %d conflicts%n",
            result.applied(), result.skipped(), result.changes(), result.conflicts());
        out.println("clock now " + replica.clock());
      }
      out.flush();
    }
    return ExitCode.OK;
  }
}
