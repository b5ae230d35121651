package io.chora.cli;

import io.chora.age.IdentityFile;
import io.chora.age.SigningKey;
import io.chora.age.X25519Identity;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "keygen",
    description =
        "Make this device's keys: its age key (as age-keygen does) in FILE and its signing key in"
            + " FILE.sign, both readable by you only; their public keys are what others add to a"
            + " workspace.")
final class KeygenCommand implements Callable<Integer> {
  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      required = true,
      description = "where to write the identity (never over an existing file)")
  Path output;

  @Option(
      names = "--signing-only",
      description =
          "write only a signing key, to FILE (for an age key made before chora signed changes:"
              + " -o IDENTITY.sign)")
  boolean signingOnly;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path signingFile = signingOnly ? output : Path.of(output + ".sign");
    for (Path file : signingOnly ? new Path[] {output} : new Path[] {output, signingFile}) {
      if (Files.exists(file)) { // checked first: never one key written without the other
        throw exists(file);
      }
    }
    SigningKey signing = SigningKey.generate();
    if (signingOnly) {
      write(() -> SigningKey.write(signingFile, signing), signingFile);
      spec.commandLine().getErr().println("Signing key: " + signing.publicKey());
      spec.commandLine().getOut().println(signing.publicKey());
      return ExitCode.OK;
    }
    X25519Identity identity = X25519Identity.generate();
    write(() -> IdentityFile.write(output, identity), output);
    write(() -> SigningKey.write(signingFile, signing), signingFile);
    // like age-keygen: the public key on stderr, the secret only in the file; stdout keeps the
    // age1… line alone, which scripts pass on (age -r, chora workspace add)
    spec.commandLine().getErr().println("Public key: " + identity.recipient());
    spec.commandLine()
        .getErr()
        .println("Signing key: " + signing.publicKey() + " (in " + signingFile + ")");
    spec.commandLine().getOut().println(identity.recipient());
    return ExitCode.OK;
  }

  private interface Write {
    void run() throws IOException;
  }

  private static void write(Write write, Path file) throws IOException {
    try {
      write.run();
    } catch (FileAlreadyExistsException e) {
      throw exists(file);
    }
  }

  private static CliException exists(Path file) {
    return new CliException(
        ExitCode.FAILED, file + " already exists", "a key is never overwritten: pick a new name");
  }
}
