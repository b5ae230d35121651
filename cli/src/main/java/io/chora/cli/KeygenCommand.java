package io.chora.cli;

import io.chora.age.IdentityFile;
import io.chora.age.X25519Identity;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "keygen",
    description =
        "Make this device's age key (as age-keygen does): the identity file is readable by you"
            + " only; its public key is what others add to a workspace.")
final class KeygenCommand implements Callable<Integer> {
  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      required = true,
      description = "where to write the identity (never over an existing file)")
  Path output;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    X25519Identity identity = X25519Identity.generate();
    try {
      IdentityFile.write(output, identity);
    } catch (FileAlreadyExistsException e) {
      throw new CliException(
          ExitCode.FAILED,
          output + " already exists",
          "a key is never overwritten: pick a new name");
    }
    // like age-keygen: the public key on stderr, the secret only in the file
    spec.commandLine().getErr().println("Public key: " + identity.recipient());
    spec.commandLine().getOut().println(identity.recipient());
    return ExitCode.OK;
  }
}
