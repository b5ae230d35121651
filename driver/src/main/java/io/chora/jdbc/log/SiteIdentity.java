package io.chora.jdbc.log;

import io.chora.sync.VectorClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * One writer per site id. A replica remembers which file it writes from (the file system's key of
 * the file: device and inode on Linux; else the real path and creation time). A file opened under
 * another key is a copy, a restored backup or a move across file systems: it may not go on writing
 * under the site id the original file still uses, so it continues under a fresh one, keeping all
 * history (the old id's transactions become another site's) — unless {@code chora.site} names the
 * stored site, which keeps it (a move to another disk; the caller vouches that the original no
 * longer writes). A different {@code chora.site} makes that name the site of future writes, unless
 * the name already wrote transactions this replica holds.
 */
final class SiteIdentity {
  private static final System.Logger LOG = System.getLogger("io.chora.jdbc");
  static final String SITE = "site";
  static final String FILE = "file";
  static final String FORMER = "former_sites";

  private SiteIdentity() {}

  /**
   * Whether the stored site may go on writing from this file as it is: the file is where it was,
   * and {@code requested} (chora.site, may be null) names the stored site. A read; false means
   * {@link #decide} must run in a write transaction.
   */
  static boolean holds(Connection conn, String requested) throws SQLException {
    String site = CaptureSchema.meta(conn, SITE);
    if (site == null || (requested != null && !requested.equals(site))) {
      return false;
    }
    String file = current(conn);
    return file == null || file.equals(CaptureSchema.meta(conn, FILE));
  }

  /**
   * The site this connection writes as, decided and stored inside a write transaction: the stored
   * one; a fresh one for a copied file; {@code requested} if it names another site; or on first
   * open {@code requested} or a random UUID.
   */
  static String decide(Connection conn, String requested, String label) throws SQLException {
    String stored = CaptureSchema.meta(conn, SITE);
    String file = current(conn);
    String site;
    if (stored == null) {
      site = requested != null ? requested : UUID.randomUUID().toString();
      CaptureSchema.setMeta(conn, SITE, site);
    } else if (requested != null && !requested.equals(stored)) {
      site = switchTo(conn, stored, requested);
      LOG.log(
          System.Logger.Level.INFO,
          "chora: {0} was replica ''{1}''; its writes continue as ''{2}'' (chora.site)",
          label,
          stored,
          site);
    } else {
      boolean copy = copied(file, CaptureSchema.meta(conn, FILE));
      site = stored;
      if (copy && requested != null) {
        LOG.log(
            System.Logger.Level.WARNING,
            "chora: {0} is a copy or a moved file of replica ''{1}'' and chora.site keeps that"
                + " name: if the original file also goes on writing as ''{1}'', the two histories"
                + " fork (leave chora.site out, or name a new site, to write as a new replica)",
            label,
            stored);
      } else if (copy) {
        site = switchTo(conn, stored, UUID.randomUUID().toString());
        LOG.log(
            System.Logger.Level.WARNING,
            "chora: {0} is a copy, a restored backup or a moved file of replica ''{1}'', which may"
                + " still write elsewhere: this file''s writes continue as replica ''{2}'' (all"
                + " history kept; open it with chora.site to choose the name)",
            label,
            stored,
            site);
      }
    }
    if (file != null) {
      CaptureSchema.setMeta(conn, FILE, file);
    }
    return site;
  }

  /**
   * Whether the file is a copy (or a restored backup, or moved across file systems) of the replica
   * whose site it stores: its key differs from the one stored when it last wrote. {@link #decide}
   * gives such a file a fresh site at its next writing open.
   */
  static boolean isCopy(Connection conn) throws SQLException {
    return copied(current(conn), CaptureSchema.meta(conn, FILE));
  }

  private static boolean copied(String file, String known) {
    return file != null && known != null && !file.equals(known);
  }

  /**
   * Makes {@code next} the site of future local writes: {@code old}'s transactions stay in the log
   * as another site's (its head goes to the remote clock), local seqs start again at 1, and HLCs go
   * on from {@code old}'s last one.
   */
  private static String switchTo(Connection conn, String old, String next) throws SQLException {
    if (retiredSites(conn).contains(next)) {
      throw new SQLException(
          "chora: chora.site '"
              + next
              + "' was given up here by a fork repair (this file's writes of it moved to a new"
              + " site, and another file writes as '"
              + next
              + "'): choose a new name for this device, or leave chora.site out to keep '"
              + old
              + "'");
    }
    ChangeLog log = new ChangeLog(conn, old);
    VectorClock clock = log.clock();
    if (clock.get(next) > 0) {
      throw new SQLException(
          "chora: chora.site '"
              + next
              + "' already wrote transactions this replica holds (up to "
              + next
              + ":"
              + clock.get(next)
              + "); a site id names one file's writes: choose a new name, or leave chora.site out"
              + " to keep '"
              + old
              + "'");
    }
    long[] head = log.localHead();
    if (head[0] > 0) {
      try (var ps =
          conn.prepareStatement("INSERT OR REPLACE INTO chora_clock(site, seq) VALUES (?, ?)")) {
        ps.setString(1, old);
        ps.setLong(2, head[0]);
        ps.executeUpdate();
      }
    }
    long hlc = Math.max(head[1], metaLong(conn, "local_hlc"));
    java.util.List<String> former = new java.util.ArrayList<>(formerSites(conn));
    if (head[0] > 0 && !former.contains(old)) {
      former.add(old); // its history may exist nowhere else yet: the hub client pushes it too
      CaptureSchema.setMeta(conn, FORMER, String.join(",", former));
    }
    CaptureSchema.setMeta(conn, SITE, next);
    CaptureSchema.setMeta(conn, "local_seq", 0L);
    CaptureSchema.setMeta(conn, "local_hlc", hlc);
    CaptureSchema.setMeta(conn, "applied_upto", CaptureSchema.lastLogId(conn));
    return next;
  }

  static final String RETIRED = "retired_sites";

  /** Sites a fork repair moved this file's writes away from: never written as here again. */
  static java.util.List<String> retiredSites(Connection conn) throws SQLException {
    String list = CaptureSchema.meta(conn, RETIRED);
    return list == null || list.isEmpty()
        ? java.util.List.of()
        : java.util.List.of(list.split(","));
  }

  /** The sites this file wrote as before its current one, oldest first. */
  static java.util.List<String> formerSites(Connection conn) throws SQLException {
    String list = CaptureSchema.meta(conn, FORMER);
    return list == null || list.isEmpty()
        ? java.util.List.of()
        : java.util.List.of(list.split(","));
  }

  private static long metaLong(Connection conn, String key) throws SQLException {
    String value = CaptureSchema.meta(conn, key);
    return value == null ? 0 : Long.parseLong(value);
  }

  /** The key of the main database file, or null when it has none (in memory, temporary). */
  static String current(Connection conn) throws SQLException {
    String file = null;
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT file FROM pragma_database_list WHERE name = 'main'")) {
      if (rs.next()) {
        file = rs.getString(1);
      }
    }
    if (file == null || file.isEmpty()) {
      return null;
    }
    try {
      Path path = Path.of(file);
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      Object key = attributes.fileKey();
      return key != null
          ? key.toString()
          : path.toRealPath() + "@" + attributes.creationTime().toMillis();
    } catch (IOException | RuntimeException e) {
      return null; // not a file chora can look at: nothing to compare
    }
  }
}
