package io.chora.hub;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's view of the active device tokens in its store's {@link TokenStore}, re-read whenever
 * they changed ({@link #refresh}), so tokens are added and revoked without a restart, through any
 * instance. The hub never creates the SQLite store's file: until {@code chora hub token add} does,
 * there are no device tokens.
 */
final class DeviceTokens implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceTokens.class);

  private final LogStores stores;
  private TokenStore file; // null until it exists; under this
  private Object seenVersion; // under this
  private volatile List<Credential> active = List.of();
  private final AtomicLong generation = new AtomicLong();
  private boolean failing; // under this: log a broken file once, not every poll

  DeviceTokens(LogStores stores) {
    this.stores = stores;
    refresh();
  }

  /**
   * Re-reads the tokens if the file changed since the last read.
   *
   * @return whether the active tokens may have changed
   */
  synchronized boolean refresh() {
    try {
      if (file == null && (file = stores.tokens(false)) == null) {
        return false;
      }
      Object version = file.version();
      if (version.equals(seenVersion)) {
        return false;
      }
      List<Credential> read = new ArrayList<>();
      for (TokenStore.Row row : file.rows()) {
        if (row.revokedAt() == null) {
          read.add(new Credential(row.workspace(), row.name(), row.digest()));
        }
      }
      active = List.copyOf(read);
      seenVersion = version;
      failing = false;
      generation.incrementAndGet();
      return true;
    } catch (Exception e) {
      if (!failing) {
        // a store that went away (PostgreSQL restarting) is said once, and it mends itself
        String what = file == null ? "the device tokens" : file.describe();
        if (e instanceof java.sql.SQLException) {
          LOG.warn("cannot read {}: {}; keeping the tokens read before", what, e.getMessage());
        } else {
          LOG.error("cannot read {}", what, e);
        }
        failing = true;
      }
      return false;
    }
  }

  /** Counts the reads that found a change, so a watcher can tell it missed none. */
  long generation() {
    return generation.get();
  }

  /**
   * The active device token of {@code workspace} whose digest is {@code presented}, or null. Every
   * active token of every workspace is compared in constant time, without stopping at a match, so
   * the time taken says nothing about the token or the workspace.
   */
  Credential match(String workspace, byte[] presented) {
    Credential found = null;
    for (Credential candidate : active) {
      boolean equal = MessageDigest.isEqual(presented, candidate.digest());
      if (equal && candidate.workspace().equals(workspace)) {
        found = candidate;
      }
    }
    return found;
  }

  /** Whether {@code credential} (a device token) is still active. */
  boolean isActive(Credential credential) {
    return match(credential.workspace(), credential.digest()) != null;
  }

  /** Workspaces that have an active device token. */
  Set<String> workspaces() {
    Set<String> names = new TreeSet<>();
    active.forEach(credential -> names.add(credential.workspace()));
    return names;
  }

  @Override
  public synchronized void close() {
    if (file != null) {
      try {
        file.close();
      } catch (Exception e) {
        LOG.debug("closing the device tokens", e);
      }
      file = null;
    }
  }
}
