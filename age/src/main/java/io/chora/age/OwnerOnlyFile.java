package io.chora.age;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Creates a secret's file the way {@code age-keygen -o} does: readable by its owner only (0600)
 * from the first byte on, complete or absent, never over an existing file. Both of a device's keys
 * (its age identity and its signing key) are written through here, so they share one flow.
 */
final class OwnerOnlyFile {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private OwnerOnlyFile() {}

  /**
   * The contents go to a temporary file created 0600 in the same directory, which is then linked to
   * {@code file} in one step.
   *
   * @throws FileAlreadyExistsException if {@code file} exists
   */
  static void create(Path file, String contents) throws IOException {
    Path target = file.toAbsolutePath();
    Path temporary = createOwnerOnlyTempFile(target.getParent());
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
          OutputStream out = Channels.newOutputStream(channel)) {
        out.write(contents.getBytes(StandardCharsets.US_ASCII));
        channel.force(true); // on disk before it gets its name
      }
      publish(temporary, target);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static Path createOwnerOnlyTempFile(Path directory) throws IOException {
    try {
      FileAttribute<Set<PosixFilePermission>> ownerOnly =
          PosixFilePermissions.asFileAttribute(OWNER_ONLY);
      Path temporary = Files.createTempFile(directory, ".age-identity-", ".tmp", ownerOnly);
      // The umask can only have removed bits; make it exactly 0600 as age-keygen does.
      Files.setPosixFilePermissions(temporary, OWNER_ONLY);
      return temporary;
    } catch (UnsupportedOperationException notPosix) {
      // e.g. Windows: temporary files there are private to the user by default.
      return Files.createTempFile(directory, ".age-identity-", ".tmp");
    }
  }

  /** Gives the finished file its name without ever replacing an existing file. */
  private static void publish(Path temporary, Path target) throws IOException {
    try {
      Files.createLink(target, temporary); // link(2): atomic, and fails if target exists
    } catch (FileAlreadyExistsException exists) {
      throw exists;
    } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
      // File systems without hard links: a plain move, which also refuses an existing target.
      Files.move(temporary, target);
    }
  }
}
