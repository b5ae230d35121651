package io.chora.cli;

import io.chora.age.Age;
import io.chora.age.X25519Recipient;
import io.chora.jdbc.ChoraConnection;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin SinceOption since;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "write to FILE (whole or not at all) instead of standard output")
  Path output;

  @Option(
      names = {"-r", "--recipient"},
      paramLabel = "AGE1…",
      description = "encrypt with age to this public key (repeatable); age -d opens the file")
  List<String> recipients = List.of();

  @Option(
      names = {"-R", "--recipients-file"},
      paramLabel = "FILE",
      description = "encrypt to every recipient in FILE (a workspace's members)")
  Path recipientsFile;

  @Option(
      names = {"-a", "--armor"},
      description = "with encryption: ASCII armor (age -a)")
  boolean armor;

  @Option(
      names = "--sign",
      paramLabel = "KEY_FILE",
      description =
          "sign the changes with this device's signing key (chora keygen), so that replicas"
              + " that check signatures take them")
  Path signingKey;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @ParentCommand Chora chora;

  @Override
  public Integer call() throws Exception {
    List<X25519Recipient> to = Keys.recipients(recipients, recipientsFile);
    if (armor && to.isEmpty()) {
      throw new CliException(ExitCode.USAGE, "--armor applies to encrypted exports only");
    }
    try (ChoraConnection replica = Replicas.read(db, Signing.options(signingKey, null))) {
      int transactions;
      if (output == null) {
        OutputStream stdout =
            new FilterOutputStream(chora.stdout()) {
              @Override
              public void close() throws java.io.IOException {
                flush(); // standard output stays open
              }
            };
        try (OutputStream out = sealed(new BufferedOutputStream(stdout, 1 << 16), to)) {
          transactions = replica.changesSince(since.clock, out);
          if (to.isEmpty()) {
            out.write('\n'); // a terminal's prompt starts on a line of its own; readers skip it
          }
        }
      } else {
        Path absolute = output.toAbsolutePath();
        Path partial = Files.createTempFile(absolute.getParent(), ".chora-export-", ".part");
        try {
          try (OutputStream out =
              sealed(new BufferedOutputStream(Files.newOutputStream(partial)), to)) {
            transactions = replica.changesSince(since.clock, out);
          }
          Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(partial);
        }
      }
      spec.commandLine()
          .getErr()
          .println(
              "exported "
                  + Output.count(transactions, "transaction")
                  + " from "
                  + replica.siteId()
                  + (signingKey == null ? "" : ", signed")
                  + (to.isEmpty() ? "" : ", encrypted to " + Output.count(to.size(), "recipient")));
    }
    return ExitCode.OK;
  }

  /** {@code out}, age-encrypted to {@code to} when it names anyone; closing it seals the file. */
  private OutputStream sealed(OutputStream out, List<X25519Recipient> to)
      throws java.io.IOException {
    return to.isEmpty() ? out : Age.encrypt(out, armor, to.toArray(new X25519Recipient[0]));
  }
}
