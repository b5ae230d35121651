package io.chora.cli;

import io.chora.hub.HubTokens;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code chora hub token add|revoke|list}: per-device tokens, managed while the hub runs. */
@Command(
    name = "token",
    description = {
      "Manage a hub's per-device tokens, also while it runs.",
      "The hub accepts an added token at once and closes a revoked token's connections.",
      "Each site is bound to the token (by name) whose push first stored it:"
          + " no other token may write as it."
    },
    subcommands = {
      HubTokenCommand.Add.class,
      HubTokenCommand.Revoke.class,
      HubTokenCommand.List.class
    })
final class HubTokenCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "add",
      description = {
        "Add a device token and print it once (only its SHA-256 is kept).",
        "A name revoked before gets a new token for the same sites;"
            + " a new device takes a new name."
      })
  static final class Add implements Callable<Integer> {
    @picocli.CommandLine.Mixin HubStoreOption data;

    @Parameters(index = "0", paramLabel = "WORKSPACE")
    String workspace;

    @Parameters(
        index = "1",
        paramLabel = "NAME",
        description = "the device: 1-64 of A-Z a-z 0-9 . _ -")
    String name;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "write the token to this new file (yours only) instead of standard output")
    Path output;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      if (output != null && Files.exists(output)) {
        throw new CliException(ExitCode.FAILED, output + " already exists", "pick a new name");
      }
      String token;
      try {
        token = HubTokens.add(data.data, data.store(), workspace, name);
      } catch (IllegalArgumentException e) {
        throw new CliException(
            ExitCode.USAGE,
            e.getMessage(),
            e.getMessage().contains("already")
                ? "revoke it first: " + Chora.command("hub token revoke")
                : null);
      }
      PrintWriter err = spec.commandLine().getErr();
      if (output == null) {
        spec.commandLine().getOut().println(token);
        err.println("token " + name + " of workspace " + workspace + " (shown once, not stored)");
      } else {
        writeSecret(output, token);
        err.println("token " + name + " of workspace " + workspace + " written to " + output);
      }
      return ExitCode.OK;
    }

    private static void writeSecret(Path file, String token) throws IOException {
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      } catch (FileAlreadyExistsException e) {
        throw new CliException(ExitCode.FAILED, file + " already exists", "pick a new name");
      }
      Files.writeString(file, token + "\n");
    }
  }

  @Command(
      name = "revoke",
      description = "Revoke a device's token: the hub closes its connections at once.")
  static final class Revoke implements Callable<Integer> {
    @picocli.CommandLine.Mixin HubStoreOption data;

    @Parameters(index = "0", paramLabel = "WORKSPACE")
    String workspace;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      boolean revoked;
      try {
        revoked = HubTokens.revoke(data.data, data.store(), workspace, name);
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCode.USAGE, e.getMessage());
      }
      if (!revoked) {
        throw new CliException(
            ExitCode.FAILED,
            "workspace " + workspace + " has no active token named " + name,
            "see " + Chora.command("hub token list ") + data.given());
      }
      spec.commandLine().getErr().println("revoked token " + name + " of workspace " + workspace);
      return ExitCode.OK;
    }
  }

  @Command(
      name = "list",
      description = "List the device tokens, revoked ones too, and their sites.")
  static final class List implements Callable<Integer> {
    @picocli.CommandLine.Mixin HubStoreOption data;

    @Option(names = "--json", description = "print JSON for scripts")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      java.util.List<HubTokens.DeviceToken> tokens = HubTokens.list(data.data, data.store());
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        java.util.List<java.util.Map<String, Object>> listed = new ArrayList<>();
        for (HubTokens.DeviceToken token : tokens) {
          java.util.Map<String, Object> entry = new java.util.LinkedHashMap<>();
          entry.put("workspace", token.workspace());
          entry.put("name", token.name());
          entry.put("added", token.added().toString());
          entry.put("revoked", token.revoked() == null ? null : token.revoked().toString());
          entry.put("sites", token.sites());
          listed.add(entry);
        }
        Output.json(out, listed);
        return ExitCode.OK;
      }
      java.util.List<java.util.List<String>> rows = new ArrayList<>();
      for (HubTokens.DeviceToken token : tokens) {
        rows.add(
            java.util.List.of(
                token.workspace(),
                token.name(),
                token.added().toString(),
                token.revoked() == null ? "-" : token.revoked().toString(),
                String.join(",", token.sites())));
      }
      Output.table(out, java.util.List.of("WORKSPACE", "NAME", "ADDED", "REVOKED", "SITES"), rows);
      return ExitCode.OK;
    }
  }
}
