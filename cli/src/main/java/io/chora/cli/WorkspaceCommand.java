package io.chora.cli;

import io.chora.age.RecipientsFile;
import io.chora.age.X25519Recipient;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "workspace",
    description =
        "Manage a workspace's members, the recipients file an app names in its URL"
            + " (chora.recipients): changes leave a device encrypted to the members listed.",
    subcommands = {
      WorkspaceCommand.Add.class,
      WorkspaceCommand.Remove.class,
      WorkspaceCommand.ListMembers.class
    })
final class WorkspaceCommand {
  private WorkspaceCommand() {}

  private static List<X25519Recipient> read(Path file) throws Exception {
    return Files.exists(file) ? new ArrayList<>(RecipientsFile.read(file)) : new ArrayList<>();
  }

  @Command(name = "add", description = "Add a member by its public key (age1…).")
  static final class Add implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MEMBERS_FILE")
    Path file;

    @Parameters(index = "1", paramLabel = "AGE1…")
    String recipient;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      X25519Recipient member = Keys.recipients(List.of(recipient), null).get(0);
      List<X25519Recipient> members = read(file);
      PrintWriter out = spec.commandLine().getOut();
      if (members.contains(member)) {
        out.println(member + " is already a member");
        return ExitCode.OK;
      }
      members.add(member);
      RecipientsFile.write(file, members);
      out.println("added " + member + " (" + members.size() + " members)");
      return ExitCode.OK;
    }
  }

  @Command(
      name = "remove",
      description =
          "Remove a member: changes made after the others have this file are not encrypted to it"
              + " (what it already received, it keeps).")
  static final class Remove implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MEMBERS_FILE")
    Path file;

    @Parameters(index = "1", paramLabel = "AGE1…")
    String recipient;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      X25519Recipient member = Keys.recipients(List.of(recipient), null).get(0);
      List<X25519Recipient> members = read(file);
      if (!members.remove(member)) {
        throw new CliException(ExitCode.FAILED, member + " is not a member of " + file);
      }
      if (members.isEmpty()) {
        throw new CliException(
            ExitCode.FAILED, "a workspace needs at least one member; add another first");
      }
      RecipientsFile.write(file, members);
      spec.commandLine()
          .getOut()
          .println("removed " + member + " (" + members.size() + " members left)");
      return ExitCode.OK;
    }
  }

  @Command(name = "list", description = "List the members.")
  static final class ListMembers implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MEMBERS_FILE")
    Path file;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (!Files.exists(file)) {
        throw new CliException(ExitCode.USAGE, "no members file at " + file);
      }
      read(file).forEach(spec.commandLine().getOut()::println);
      return ExitCode.OK;
    }
  }
}
