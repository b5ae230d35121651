package io.chora.crsqlite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copies a bundled binary out of the jar into a private directory, once: the file is named after
 * its sha256, written to a temporary file, checked, and renamed into place, under a {@link
 * FileLock} (other JVMs) and a monitor (other threads of this JVM, which a FileLock does not
 * exclude). An existing file is used only if its sha256 matches; a damaged one is replaced.
 */
final class Extractor {

  /** FileLocks are held per JVM; threads of one JVM take turns on this monitor first. */
  private static final Object JVM_LOCK = new Object();

  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> PRIVATE_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> PRIVATE_LIBRARY =
      PosixFilePermissions.fromString("r-x------");

  private final Path directory;
  private final AtomicInteger writes = new AtomicInteger();

  Extractor(Path directory) {
    this.directory = directory;
  }

  /**
   * Where binaries are extracted, in order of preference: the {@code chora.crsqlite.cacheDir}
   * system property alone if set; else the user's cache folder ({@code $XDG_CACHE_HOME} or {@code
   * ~/.cache}, {@code ~/Library/Caches} on macOS, {@code %LOCALAPPDATA%} on Windows) and then
   * {@code java.io.tmpdir/chora-<user>}, each with {@code chora/crsqlite} below.
   */
  static List<Path> defaultDirectories() {
    String configured = System.getProperty(CrSqlite.CACHE_DIR_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return List.of(Path.of(configured));
    }
    List<Path> directories = new ArrayList<>();
    String os = System.getProperty("os.name", "");
    String home = System.getProperty("user.home", "");
    String xdg = System.getenv("XDG_CACHE_HOME");
    String localAppData = System.getenv("LOCALAPPDATA");
    if (os.startsWith("Windows") && localAppData != null && !localAppData.isBlank()) {
      directories.add(Path.of(localAppData, "chora", "crsqlite"));
    } else if (os.startsWith("Mac") && !home.isBlank()) {
      directories.add(Path.of(home, "Library", "Caches", "chora", "crsqlite"));
    } else if (xdg != null && Path.of(xdg).isAbsolute()) {
      directories.add(Path.of(xdg, "chora", "crsqlite"));
    } else if (!home.isBlank() && !home.equals("?")) {
      directories.add(Path.of(home, ".cache", "chora", "crsqlite"));
    }
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    directories.add(Path.of(System.getProperty("java.io.tmpdir"), "chora-" + user, "crsqlite"));
    return directories;
  }

  /** The directory this extractor writes to. */
  Path directory() {
    return directory;
  }

  /** How many times this extractor wrote a binary (rather than reusing an intact one). */
  int writes() {
    return writes.get();
  }

  /** The file that holds the binary with this sha256. */
  Path target(String sha256, String suffix) {
    return directory.resolve("crsqlite-" + sha256 + suffix);
  }

  /**
   * Returns the extracted copy of {@code resource}, extracting it first if no intact copy exists.
   *
   * @throws IOException if the directory cannot be made private and writable, the resource is
   *     missing, or its bytes do not have the expected sha256
   */
  Path extract(ClassLoader loader, String resource, String sha256, String suffix)
      throws IOException {
    Path target = target(sha256, suffix);
    if (isIntact(target, sha256)) {
      return target;
    }
    createPrivateDirectory();
    synchronized (JVM_LOCK) {
      Path lockFile = directory.resolve(target.getFileName() + ".lock");
      try (FileChannel channel =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        if (isIntact(target, sha256)) {
          return target; // another thread or JVM extracted it while we waited
        }
        write(loader, resource, sha256, target);
        writes.incrementAndGet();
        return target;
      }
    }
  }

  private void write(ClassLoader loader, String resource, String sha256, Path target)
      throws IOException {
    Path temporary = Files.createTempFile(directory, target.getFileName().toString(), ".tmp");
    try {
      String actual;
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IOException(resource + " is not on the class path");
        }
        DigestInputStream digesting = new DigestInputStream(in, sha256Digest());
        Files.copy(digesting, temporary, StandardCopyOption.REPLACE_EXISTING);
        actual = HexFormat.of().formatHex(digesting.getMessageDigest().digest());
      }
      if (!actual.equalsIgnoreCase(sha256)) {
        throw new IOException(
            resource
                + " has sha256 "
                + actual
                + " but the manifest says "
                + sha256
                + ": damaged jar");
      }
      if (POSIX) {
        Files.setPosixFilePermissions(temporary, PRIVATE_LIBRARY);
      }
      // A rename never exposes a half-written file, and a process that already mapped the old
      // (damaged) file keeps its own inode.
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Creates the directory readable by its owner only; an existing one must be a directory that this
   * user can make private (only the owner may change permissions), so a folder planted by another
   * user in a shared temp directory is refused.
   */
  private void createPrivateDirectory() throws IOException {
    if (POSIX) {
      Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      if (!Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS)
          .equals(PRIVATE_DIR)) {
        Files.setPosixFilePermissions(directory, PRIVATE_DIR);
      }
      if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(directory + " is not a directory");
      }
    } else {
      Files.createDirectories(directory);
    }
    if (!Files.isWritable(directory)) {
      throw new IOException(directory + " is not writable");
    }
  }

  /** Whether the file exists, is no link, can be read, and has this sha256. */
  static boolean isIntact(Path file, String sha256) {
    try {
      return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
          && sha256Of(file).equalsIgnoreCase(sha256);
    } catch (IOException e) {
      return false; // unreadable counts as damaged: replace it
    }
  }

  static String sha256Of(Path file) throws IOException {
    MessageDigest digest = sha256Digest();
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
