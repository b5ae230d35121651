package io.chora.cli;

import io.chora.jdbc.ChoraConnection;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code chora compact DB}: {@link ChoraConnection#compact()} from the command line, for a replica
 * whose bookkeeping grew under churn. It removes only what no peer can need whatever its clock, so
 * it is safe to run at any time on any replica; {@code --vacuum} then gives the pages back to the
 * file system.
 */
@Command(
    name = "compact",
    description = {
      "Remove sync bookkeeping that no peer can need any more, whatever its clock: cell"
          + " conflicts closed as superseded, and logged updates that later writes made"
          + " untellable. Every transaction, insert, delete and open conflict stays, so the"
          + " replica syncs with every peer as before. Java mode only.",
      "SQLite reuses the freed pages; --vacuum also shrinks the file (VACUUM: it rewrites the"
          + " whole file and needs as much free disk space)."
    })
final class CompactCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DB", description = "the replica")
  Path db;

  @Option(names = "--vacuum", description = "then VACUUM, so that the file shrinks")
  boolean vacuum;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try (ChoraConnection look = Replicas.read(db)) {
      look.siteId(); // a file that is not a replica yet is refused before anything is written
    }
    long sizeBefore = Files.size(db);
    long removed;
    try (ChoraConnection replica = Replicas.open(db)) {
      removed = replica.compact();
      if (vacuum) {
        try (Statement st = replica.createStatement()) {
          st.execute("VACUUM");
        }
      }
    }
    long sizeAfter = Files.size(db);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("removed", removed);
      result.put("vacuumed", vacuum);
      result.put("bytesBefore", sizeBefore);
      result.put("bytesAfter", sizeAfter);
      Output.json(out, result);
      return ExitCode.OK;
    }
    out.println(
        "removed "
            + Output.count(removed, "row")
            + " of sync bookkeeping from "
            + db
            + "; nothing a peer can still need was touched");
    if (vacuum) {
      out.println("the file went from " + sizeBefore + " to " + sizeAfter + " bytes");
    } else if (removed > 0) {
      out.println(
          "SQLite reuses the freed pages; to shrink the file: "
              + Chora.command("compact ")
              + db
              + " --vacuum");
    }
    out.flush();
    return ExitCode.OK;
  }
}
