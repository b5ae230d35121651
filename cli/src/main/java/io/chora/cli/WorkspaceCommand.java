package io.chora.cli;

import io.chora.age.MembersFile;
import io.chora.age.MembersFile.Member;
import io.chora.age.SigningPublicKey;
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
    description = {
      "Manage a workspace's members (chora.recipients in an app's URL).",
      "Changes leave a device encrypted to the members listed, and replicas take only changes"
          + " signed by a listed signing key."
    },
    subcommands = {
      WorkspaceCommand.Add.class,
      WorkspaceCommand.Remove.class,
      WorkspaceCommand.ListMembers.class
    })
final class WorkspaceCommand {
  private WorkspaceCommand() {}

  private static List<Member> read(Path file) throws Exception {
    return Files.exists(file) ? new ArrayList<>(MembersFile.read(file)) : new ArrayList<>();
  }

  private static int indexOf(List<Member> members, X25519Recipient recipient) {
    for (int i = 0; i < members.size(); i++) {
      if (members.get(i).recipient().equals(recipient)) {
        return i;
      }
    }
    return -1;
  }

  /** How {@code list} and {@code add} show a member: its age key, then its signing key. */
  private static String shown(Member m) {
    return m.recipient() + (m.signingKey() == null ? "" : " " + m.signingKey());
  }

  @Command(
      name = "add",
      description =
          "Add a member by its public keys: age1… and its signing key chorasign1… (both printed"
              + " by chora keygen); naming a member again with a signing key sets that key.")
  static final class Add implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MEMBERS_FILE")
    Path file;

    @Parameters(index = "1", paramLabel = "AGE1…")
    String recipient;

    @Parameters(index = "2", arity = "0..1", paramLabel = "CHORASIGN1…")
    String signingKey;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      X25519Recipient age = Keys.recipients(List.of(recipient), null).get(0);
      Member member = new Member(age, signingKey == null ? null : signing(signingKey));
      List<Member> members = read(file);
      PrintWriter out = spec.commandLine().getOut();
      int at = indexOf(members, age);
      if (at >= 0 && (member.signingKey() == null || members.get(at).equals(member))) {
        out.println(shown(members.get(at)) + " is already a member");
        return ExitCode.OK;
      }
      if (at >= 0) {
        members.set(at, member);
      } else {
        members.add(member);
      }
      MembersFile.write(file, members);
      out.println(
          (at >= 0 ? "set the signing key of " : "added ")
              + shown(member)
              + " ("
              + Output.count(members.size(), "member")
              + ")");
      if (member.signingKey() == null) {
        out.println(
            "note: without its signing key (chorasign1…), replicas that check signatures"
                + " refuse this member's changes");
      }
      return ExitCode.OK;
    }

    private static SigningPublicKey signing(String text) {
      try {
        return SigningPublicKey.parse(text);
      } catch (IllegalArgumentException e) {
        throw new CliException(
            ExitCode.USAGE,
            "not a signing key: '" + text + "' (" + e.getMessage() + ")",
            "a signing key is the chorasign1… key that " + Chora.command("keygen") + " prints");
      }
    }
  }

  @Command(
      name = "remove",
      description =
          "Remove a member: changes made after the others have this file are not encrypted to it"
              + " and its signature is no longer taken (what it already received, it keeps).")
  static final class Remove implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MEMBERS_FILE")
    Path file;

    @Parameters(index = "1", paramLabel = "AGE1…")
    String recipient;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      X25519Recipient member = Keys.recipients(List.of(recipient), null).get(0);
      List<Member> members = read(file);
      if (!members.removeIf(m -> m.recipient().equals(member))) {
        throw new CliException(ExitCode.FAILED, member + " is not a member of " + file);
      }
      if (members.isEmpty()) {
        throw new CliException(
            ExitCode.FAILED, "a workspace needs at least one member; add another first");
      }
      MembersFile.write(file, members);
      spec.commandLine()
          .getOut()
          .println("removed " + member + " (" + Output.count(members.size(), "member") + " left)");
      return ExitCode.OK;
    }
  }

  @Command(name = "list", description = "List the members: age1… and signing key, if any.")
  static final class ListMembers implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MEMBERS_FILE")
    Path file;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (!Files.exists(file)) {
        throw new CliException(ExitCode.USAGE, "no members file at " + file);
      }
      read(file).forEach(m -> spec.commandLine().getOut().println(shown(m)));
      return ExitCode.OK;
    }
  }
}
