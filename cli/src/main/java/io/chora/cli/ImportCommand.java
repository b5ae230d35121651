package io.chora.cli;

import io.chora.age.Age;
import io.chora.age.AgeException;
import io.chora.age.Identity;
import io.chora.jdbc.ChoraConnection;
import io.chora.sync.ApplyResult;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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

  @Option(
      names = {"-i", "--identity"},
      paramLabel = "KEY_FILE",
      description = "decrypt an age-encrypted file with this identity (chora keygen, age-keygen)")
  Path identity;

  @Option(
      names = "--members",
      paramLabel = "MEMBERS_FILE",
      description =
          "take the file only if a member listed here signed it (chora export --sign); needs"
              + " --sign")
  Path members;

  @Option(
      names = "--sign",
      paramLabel = "KEY_FILE",
      description = "this device's signing key: check signatures (without --members: its own)")
  Path signingKey;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path source = "-".equals(file) ? null : Path.of(file);
    if (source != null && !Files.isRegularFile(source)) {
      throw new CliException(
          ExitCode.USAGE,
          "no change file at " + file,
          "write one with: " + Chora.command("export OTHER_DB --since CLOCK -o ") + file);
    }
    try (ChoraConnection replica = Replicas.open(db, Signing.options(signingKey, members))) {
      Identity[] keys = identity == null ? null : Keys.identities(identity);
      ApplyResult result;
      try {
        result =
            source == null
                ? replica.apply(opened(new BufferedInputStream(System.in, 1 << 16), keys))
                : Transfers.apply(
                    replica, source, "import", progress, spec.commandLine().getErr(), keys);
      } catch (java.sql.SQLException e) {
        if (!malformed(e)) {
          throw e;
        }
        throw new CliException(
            ExitCode.FAILED,
            e.getMessage().replaceFirst("^chora: ", ""),
            "nothing was imported; give a whole file written by "
                + Chora.command("export")
                + " (export it again if"
                + " it was cut short or edited)");
      }
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
            "applied %s, skipped %d already here (%s read), %s%n",
            Output.count(result.applied(), "transaction"),
            result.skipped(),
            Output.count(result.changes(), "row change"),
            Output.count(result.conflicts(), "conflict"));
        out.println("clock now " + replica.clock());
      }
      out.flush();
    }
    return ExitCode.OK;
  }

  /** Whether the input was no change set at all (or one cut short), not a set refused on merit. */
  private static boolean malformed(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.chora.sync.ChangeSetFormatException) {
        return true;
      }
    }
    return false;
  }

  /** The change set's bytes: decrypted when the input is an age file, which then needs a key. */
  static InputStream opened(InputStream in, Identity[] keys) throws IOException {
    in.mark(64);
    byte[] head = in.readNBytes(40);
    in.reset();
    String start = new String(head, StandardCharsets.US_ASCII);
    boolean encrypted =
        start.startsWith("age-encryption.org/") || start.startsWith("-----BEGIN AGE ENCRYPTED");
    if (!encrypted) {
      return in;
    }
    if (keys == null) {
      throw new CliException(
          ExitCode.USAGE,
          "this file is encrypted with age",
          "pass the key it was encrypted to: --identity KEY_FILE");
    }
    try {
      return Age.decrypt(in, keys);
    } catch (AgeException e) {
      throw new CliException(ExitCode.FAILED, "cannot decrypt: " + e.getMessage());
    }
  }
}
