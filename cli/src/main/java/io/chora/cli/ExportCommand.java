package io.chora.cli;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.VectorClock;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "export",
    description =
        "Write what a replica at CLOCK lacks, in chora's wire format, for `chora import` elsewhere"
            + " (sneakernet sync).")
final class ExportCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DB", description = "the SQLite file")
  Path db;

  @Option(
      names = "--since",
      paramLabel = "CLOCK",
      converter = ClockConverter.class,
      description = "the receiver's clock (see `chora status` there); default: everything")
  VectorClock since = new VectorClock();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "write to FILE (whole or not at all) instead of standard output")
  Path output;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @ParentCommand Chora chora;

  @Override
  public Integer call() throws Exception {
    try (ChoraConnection replica = Replicas.open(db)) {
      int transactions;
      if (output == null) {
        OutputStream out = new BufferedOutputStream(chora.stdout(), 1 << 16);
        transactions = replica.changesSince(since, out);
        out.flush();
      } else {
        Path absolute = output.toAbsolutePath();
        Path partial = Files.createTempFile(absolute.getParent(), ".chora-export-", ".part");
        try {
          try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial))) {
            transactions = replica.changesSince(since, out);
          }
          Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(partial);
        }
      }
      spec.commandLine()
          .getErr()
          .println("exported " + transactions + " transactions from " + replica.siteId());
    }
    return ExitCode.OK;
  }
}
