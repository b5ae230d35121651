package io.chora.hub;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock a hub holds on its data directory ({@code hub.lock}) while it runs: a second hub on the
 * same logs would accept pushes its clients' peers never hear of live and keep a clock of its own,
 * and an admin's change to a log ({@link LogPurge}) would go unseen by the running hub. The system
 * releases it when the process ends, however it ends.
 */
final class HubLock implements AutoCloseable {
  static final String FILE = "hub.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private HubLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, or says which hub holds it ({@link HubRunning}). */
  static HubLock take(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException heldHere) {
      lock = null;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new HubRunning(
          "a hub is running on " + dataDir.toAbsolutePath() + " (it holds " + file + ")");
    }
    return new HubLock(channel, lock);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
