package io.chora.cli;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.Change;
import io.chora.sync.ChangeSetReader;
import io.chora.sync.ChangeSetWriter;
import io.chora.sync.Hlc;
import io.chora.sync.Transaction;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "log",
    description =
        "List the committed transactions a replica holds (each with the current values of the rows"
            + " it changed), oldest first.")
final class LogCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DB", description = "the SQLite file")
  Path db;

  @Mixin SinceOption since;

  @Option(
      names = "--table",
      paramLabel = "T",
      description = "only changes of this table (repeatable)")
  List<String> tables = List.of();

  @Option(names = "--json", description = "print the change set in chora's wire format")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @ParentCommand Chora chora;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (ChoraConnection replica = Replicas.read(db)) {
      List<String> tracked = replica.trackedTables();
      for (String table : tables) {
        if (!tracked.contains(table)) {
          throw new CliException(
              ExitCode.USAGE,
              "no tracked table '" + table + "' in " + db,
              "tracked: " + (tracked.isEmpty() ? "none" : String.join(", ", tracked)));
        }
      }
      // read back through a file: one transaction in memory at a time, however long the log
      Path file = Files.createTempFile("chora-log-", ".json");
      try {
        try (OutputStream wire = new BufferedOutputStream(Files.newOutputStream(file))) {
          replica.changesSince(since.clock, wire);
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
            ChangeSetReader reader = new ChangeSetReader(in)) {
          if (json) {
            printJson(reader, out);
          } else {
            printText(reader, out);
          }
        }
      } finally {
        Files.deleteIfExists(file);
      }
    }
    return ExitCode.OK;
  }

  private Transaction selected(Transaction tx) {
    if (tables.isEmpty()) {
      return tx;
    }
    List<Change> kept = tx.changes().stream().filter(c -> tables.contains(c.table())).toList();
    return kept.isEmpty() ? null : new Transaction(tx.dot(), tx.hlc(), tx.deps(), kept);
  }

  private void printJson(ChangeSetReader reader, PrintWriter out) throws Exception {
    PrintStream stdout = chora.stdout();
    try (ChangeSetWriter writer = new ChangeSetWriter(stdout, reader.site(), reader.clock())) {
      while (reader.hasNext()) {
        Transaction tx = selected(reader.next());
        if (tx != null) {
          writer.write(tx);
        }
      }
    }
    stdout.println();
    stdout.flush();
  }

  private void printText(ChangeSetReader reader, PrintWriter out) throws Exception {
    int shown = 0;
    while (reader.hasNext()) {
      Transaction tx = selected(reader.next());
      if (tx == null) {
        continue;
      }
      shown++;
      out.println(
          tx.dot()
              + "  "
              + Hlc.format(tx.hlc())
              + "  "
              + Output.count(tx.changes().size(), "change"));
      for (Change change : tx.changes()) {
        out.println("    " + change);
      }
    }
    if (shown == 0) {
      out.println(
          since.clock.isEmpty()
              ? "no transactions recorded yet"
              : "nothing: a replica at " + since.clock + " has everything here");
    }
    out.flush();
  }
}
