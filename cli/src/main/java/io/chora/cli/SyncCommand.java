package io.chora.cli;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.VectorClock;
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
    name = "sync",
    description = {
      "Sync two replicas both ways: each gets what it lacks from the other, and both end equal.",
      "With ws://HOST:PORT/WORKSPACE (and --token-file) instead of DB_B: sync DB_A once through"
          + " that hub: push what the hub lacks, take what the file lacks."
    })
final class SyncCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DB_A", description = "one replica's SQLite file")
  Path a;

  @Parameters(
      index = "1",
      paramLabel = "DB_B",
      description = "the other replica's SQLite file, or a hub:%nws://HOST:PORT/WORKSPACE")
  String target;

  private Path b;

  @picocli.CommandLine.Mixin HubOptions hubOptions;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Option(
      names = "--progress",
      negatable = true,
      description = "draw a progress bar (default: on a terminal, for transfers over 1 MB)")
  Boolean progress;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (HubSync.isHub(target)) {
      return HubSync.run(
          a, target, hubOptions.tokenFile, hubOptions.timeout(), json, spec.commandLine().getOut());
    }
    hubOptions.refuseWithoutHub();
    b = Path.of(target);
    if (Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b)) {
      throw new CliException(
          ExitCode.USAGE,
          a + " and " + b + " are the same file",
          "give two replicas' files, or a file and a hub (ws://HOST:PORT/WORKSPACE)");
    }
    PrintWriter err = spec.commandLine().getErr();
    try (ChoraConnection first = Replicas.open(a);
        ChoraConnection second = Replicas.open(b)) {
      int sent = 0;
      int received = 0;
      int txSent = 0;
      int txReceived = 0;
      int conflictsA = 0;
      int conflictsB = 0;
      // a merge that removes a row to keep a UNIQUE or FOREIGN KEY rule commits the removal as a
      // new transaction, which the other side then lacks: a few rounds settle it (as syncWith)
      for (int round = 0; round < 4; round++) {
        Transfers.Moved there = Transfers.send(first, second, label(a, b), progress, err);
        Transfers.Moved back = Transfers.send(second, first, label(b, a), progress, err);
        sent += there.result().changes();
        txSent += there.transactions();
        received += back.result().changes();
        txReceived += back.transactions();
        conflictsB += there.result().conflicts();
        conflictsA += back.result().conflicts();
        if (back.transactions() == 0 || first.clock().equals(second.clock())) {
          break;
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("changesSent", sent);
        result.put("changesReceived", received);
        result.put("transactionsSent", txSent);
        result.put("transactionsReceived", txReceived);
        result.put("a", replica(a, first, conflictsA));
        result.put("b", replica(b, second, conflictsB));
        Output.json(out, result);
      } else {
        out.printf("Sent: %d, Received: %d%n", sent, received);
        out.printf("  %s -> %s  %s%n", a.getFileName(), b.getFileName(), moved(sent, txSent));
        out.printf(
            "  %s -> %s  %s%n", b.getFileName(), a.getFileName(), moved(received, txReceived));
        VectorClock clock = first.clock();
        out.println(
            clock.equals(second.clock())
                ? "  both at " + clock
                : "  clocks: " + clock + " and " + second.clock());
        if (conflictsA + conflictsB > 0) {
          out.printf(
              "conflicts the merge resolved: %d in %s, %d in %s (see: %s)%n",
              conflictsA,
              a.getFileName(),
              conflictsB,
              b.getFileName(),
              Chora.command("conflicts DB"));
        }
        out.flush();
      }
    }
    return ExitCode.OK;
  }

  private static String label(Path from, Path to) {
    return from.getFileName() + " -> " + to.getFileName();
  }

  private static String moved(int changes, int transactions) {
    return Output.count(changes, "row change") + " in " + Output.count(transactions, "transaction");
  }

  private static Map<String, Object> replica(Path file, ChoraConnection replica, int conflicts)
      throws java.sql.SQLException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("database", file.toAbsolutePath().toString());
    m.put("site", replica.siteId());
    m.put("clock", replica.clock().entries());
    m.put("conflicts", conflicts);
    return m;
  }
}
