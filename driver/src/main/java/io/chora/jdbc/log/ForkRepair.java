package io.chora.jdbc.log;

import io.chora.jdbc.shared.SiteIds;
import io.chora.sync.Dot;
import io.chora.sync.VectorClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Carries one side of a fork over to a new site, so that both histories survive and merge. Two
 * files that wrote as one site hold different transactions under the same dots from some seq {@code
 * j} on; this replica's transactions of that site from {@code j} on become a new site's {@code 1,
 * 2, ...}, with their HLCs, nonces and changes unchanged, and every reference to them (the merge
 * state's versions, later transactions' dependencies, the ledger) follows. Afterwards this replica
 * holds the site only up to {@code j - 1}, the part both share, and receives the other file's
 * version of the rest.
 *
 * <p>The new site's name is derived from the forked branch ({@code SITE.fork.<nonce of j>}) unless
 * the caller names one: a third replica that already received this branch runs the same repair
 * against the other side and moves the same transactions to the same name, so it agrees with this
 * one.
 */
final class ForkRepair {
  /** Where two logs first differ: site {@code site} from seq {@code seq} on. */
  record Fork(String site, long seq) {
    String dot() {
      return site + ":" + seq;
    }
  }

  private ForkRepair() {}

  /**
   * The sites {@code mine} and {@code theirs} both hold with another transaction under one dot, and
   * the first such dot of each. Compares the nonces at the lower head first: after a fork every dot
   * differs (each file drew its own nonces), so a match there means no fork of that site.
   */
  static List<Fork> find(Connection mine, Connection theirs) throws SQLException {
    VectorClock a = new ChangeLog(mine, CaptureSchema.meta(mine, SiteIdentity.SITE)).clock();
    VectorClock b = new ChangeLog(theirs, CaptureSchema.meta(theirs, SiteIdentity.SITE)).clock();
    List<Fork> forks = new ArrayList<>();
    for (Map.Entry<String, Long> e : a.entries().entrySet()) {
      String site = e.getKey();
      long upTo = Math.min(e.getValue(), b.get(site));
      if (upTo < 1 || !differ(ForkCheck.nonceOf(mine, site, upTo), theirs, site, upTo)) {
        continue;
      }
      Map<Long, Long> ours = nonces(mine, site);
      Map<Long, Long> other = nonces(theirs, site);
      for (long seq = 1; seq <= upTo; seq++) {
        long x = ours.getOrDefault(seq, 0L);
        long y = other.getOrDefault(seq, 0L);
        if (x != 0 && y != 0 && x != y) {
          forks.add(new Fork(site, seq));
          break;
        }
      }
    }
    return forks;
  }

  private static boolean differ(long nonce, Connection theirs, String site, long seq)
      throws SQLException {
    long other = ForkCheck.nonceOf(theirs, site, seq);
    return nonce != 0 && other != 0 && nonce != other;
  }

  /** The refusal for a sync between two replicas whose logs fork. */
  static SQLException refusal(String mine, String theirs, List<Fork> forks) {
    Fork first = forks.get(0);
    return new SQLException(
        "chora: fork: "
            + mine
            + " and "
            + theirs
            + " hold different transactions under the same dots of site '"
            + first.site()
            + "' from "
            + first.dot()
            + " on: two files wrote as site '"
            + first.site()
            + "' (a copy opened with the original's chora.site, a backup copied over the file,"
            + " or one chora.site on two machines). Nothing was changed. Keep both histories with"
            + " `chora repair-fork <one of the files> --against <the other>` (or"
            + " ChoraConnection.repairFork), then sync again; see docs/replicas.md (forks)");
  }

  /**
   * Moves this replica's side of {@code fork} to {@code newSite} (null: derived); inside a write
   * transaction, with the merge state folded. Returns the new site.
   */
  static String repair(
      Connection conn,
      Connection other,
      Fork fork,
      String newSite,
      VectorClock mine,
      VectorClock theirs)
      throws SQLException {
    String site = fork.site();
    long shift = fork.seq() - 1;
    String target = newSite != null ? newSite : derivedName(site, nonceAt(conn, fork));
    SiteIds.checkOption(target);
    if (mine.get(target) > 0
        || target.equals(site)
        || (theirs.get(target) > 0 && !holdsThisBranch(conn, other, site, shift, target, theirs))) {
      throw new SQLException(
          "chora: site '"
              + target
              + "' already wrote transactions one of the two replicas holds: choose another name");
    }
    long head = mine.get(site);
    long firstId = firstMarkerId(conn, site, fork.seq());
    long lastHlc = lastHlc(conn, site);
    boolean current = site.equals(CaptureSchema.meta(conn, SiteIdentity.SITE));
    update(
        conn,
        "UPDATE chora_log SET site = ?, seq = seq - ? WHERE op = "
            + LogOp.COMMIT
            + " AND site = ? AND seq > ?",
        target,
        shift,
        site,
        shift);
    rewriteDeps(conn, firstId, site, shift, target);
    SetAside.moveSite(conn, site, shift, target);
    // kept aside: the dot on its row decides, over the one in its encoded change (SetAside)
    Counters.moveDeps(conn, site, shift, target);
    for (String table : List.of("chora_rows", "chora_cells", SetAside.TABLE, Counters.TABLE)) {
      update(
          conn,
          "UPDATE " + table + " SET site = ?, seq = seq - ? WHERE site = ? AND seq > ?",
          target,
          shift,
          site,
          shift);
    }
    // row lives begun on the moved branch, and the logged rows and ledger entries naming them
    for (String sql :
        List.of(
            "UPDATE chora_rows SET life_site = ?, life_seq = life_seq - ? WHERE life_site = ? AND"
                + " life_seq > ?",
            "UPDATE chora_log SET site = ?, seq = seq - ? WHERE op <> "
                + LogOp.COMMIT
                + " AND site = ? AND seq > ?",
            "UPDATE chora_conflicts SET lost_site = ?, lost_seq = lost_seq - ? WHERE kind ="
                + " 'SAME_KEY' AND lost_site = ? AND lost_seq > ?")) {
      update(conn, sql, target, shift, site, shift);
    }
    for (String side : List.of("kept", "lost")) {
      update(
          conn,
          "UPDATE chora_conflicts SET "
              + side
              + "_site = ?, "
              + side
              + "_seq = "
              + side
              + "_seq - ? WHERE "
              + side
              + "_site = ? AND "
              + side
              + "_seq > ?",
          target,
          shift,
          site,
          shift);
    }
    setHead(conn, site, shift);
    remember(conn, SiteIdentity.RETIRED, site); // never chora.site here again: another file's
    remember(conn, MOVED, site + ":" + fork.seq() + ":" + target + ":" + (head - shift));
    List<String> former = new ArrayList<>(SiteIdentity.formerSites(conn));
    if (current) {
      // the file writes as the new site from now on; the old one is another replica's
      CaptureSchema.setMeta(conn, SiteIdentity.SITE, target);
      CaptureSchema.setMeta(conn, "local_seq", head - shift);
      CaptureSchema.setMeta(conn, "local_hlc", lastHlc);
      if (shift > 0 && !former.contains(site)) {
        former.add(site);
      }
    } else {
      setHead(conn, target, head - shift);
      if (!former.contains(target)) {
        former.add(target); // the hub client pushes what the hub lacks of it
      }
    }
    CaptureSchema.setMeta(conn, SiteIdentity.FORMER, String.join(",", former));
    return target;
  }

  /** Moved ranges, {@code site:firstSeq:target:count} each, comma-separated in chora_meta. */
  static final String MOVED = "moved_branches";

  private static void remember(Connection conn, String key, String entry) throws SQLException {
    String list = CaptureSchema.meta(conn, key);
    List<String> entries =
        new ArrayList<>(list == null || list.isEmpty() ? List.of() : List.of(list.split(",")));
    if (!entries.contains(entry)) {
      entries.add(entry);
      CaptureSchema.setMeta(conn, key, String.join(",", entries));
    }
  }

  /**
   * Whether {@code other} already holds this replica's branch of {@code site} under {@code target}
   * (a third replica repairing after the first repaired side reached the other): the same nonces,
   * so moving here gives the very same transactions.
   */
  private static boolean holdsThisBranch(
      Connection conn, Connection other, String site, long shift, String target, VectorClock theirs)
      throws SQLException {
    for (long k = 1; k <= theirs.get(target); k++) {
      long ours = ForkCheck.nonceOf(conn, site, shift + k);
      if (ours == 0 || ours != ForkCheck.nonceOf(other, target, k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Refuses a transaction that this replica holds already under another dot because a fork repair
   * moved it: the sender still has the branch under its old dots (it took it before the repair),
   * and taking it again would bring the fork back.
   */
  static void refuseMoved(Connection conn, io.chora.sync.Transaction tx, long known)
      throws SQLException {
    if (known == 0 && tx.dot().seq() == 1 && tx.nonce() != 0) {
      // a site new here: a branch a fork repair moved elsewhere arrives as one, and this replica
      // may hold its transactions still under their old dots (one look per new site)
      try (java.sql.PreparedStatement ps =
          conn.prepareStatement(
              "SELECT site, seq FROM chora_log WHERE op = "
                  + LogOp.COMMIT
                  + " AND nonce = ? LIMIT 1")) {
        ps.setLong(1, tx.nonce());
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            throw io.chora.jdbc.shared.Refusals.changeSet(
                "fork: transaction "
                    + tx.dot()
                    + " is this replica's "
                    + rs.getString(1)
                    + ":"
                    + rs.getLong(2)
                    + " under a new site: a fork repair moved that branch, and this replica still"
                    + " holds it under its old dots. Nothing was applied; run `chora repair-fork"
                    + " <this file> --against <the other side of the fork>` here first"
                    + " (docs/replicas.md)");
          }
        }
      }
    }
    String list = CaptureSchema.meta(conn, MOVED);
    if (list == null || list.isEmpty() || tx.nonce() == 0) {
      return;
    }
    for (String entry : list.split(",")) {
      String[] p = entry.split(":");
      long first = Long.parseLong(p[1]);
      long count = Long.parseLong(p[3]);
      long seq = tx.dot().seq();
      if (p[0].equals(tx.dot().site()) && seq >= first && seq < first + count) {
        if (ForkCheck.nonceOf(conn, p[2], seq - first + 1) == tx.nonce()) {
          throw io.chora.jdbc.shared.Refusals.changeSet(
              "fork: transaction "
                  + tx.dot()
                  + " is this replica's "
                  + p[2]
                  + ":"
                  + (seq - first + 1)
                  + ", which a fork repair moved there: the sender still holds that branch under"
                  + " its old dots. Nothing was applied; run `chora repair-fork <the sender's file>"
                  + " --against <the other side of the fork>` there first (docs/replicas.md)");
        }
      }
    }
  }

  /** {@code SITE.fork.<8 hex digits of the branch's first nonce>}, at most 64 characters. */
  static String derivedName(String site, long nonce) {
    String suffix = ".fork." + HexFormat.of().toHexDigits((int) (nonce ^ (nonce >>> 32)));
    return site.substring(0, Math.min(site.length(), 64 - suffix.length())) + suffix;
  }

  private static long nonceAt(Connection conn, Fork fork) throws SQLException {
    return ForkCheck.nonceOf(conn, fork.site(), fork.seq());
  }

  /** Seq to nonce of {@code site}'s transactions in this log (those that have one). */
  private static Map<Long, Long> nonces(Connection conn, String site) throws SQLException {
    Map<Long, Long> nonces = new HashMap<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT seq, nonce FROM chora_log WHERE op = "
                + LogOp.COMMIT
                + " AND site = ? AND nonce IS NOT NULL ORDER BY id")) {
      ps.setString(1, site);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          nonces.put(rs.getLong(1), rs.getLong(2));
        }
      }
    }
    return nonces;
  }

  private static long firstMarkerId(Connection conn, String site, long seq) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT coalesce(min(id), 0) FROM chora_log WHERE op = "
                + LogOp.COMMIT
                + " AND site = ? AND seq >= ?")) {
      ps.setString(1, site);
      ps.setLong(2, seq);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long lastHlc(Connection conn, String site) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT coalesce(max(hlc), 0) FROM chora_log WHERE op = "
                + LogOp.COMMIT
                + " AND site = ?")) {
      ps.setString(1, site);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Received transactions after the fork that depended on the moved ones: {@code site=h} with
   * {@code h > shift} meant "saw the site up to h", now {@code site=shift} plus the new site's
   * part.
   */
  private static void rewriteDeps(
      Connection conn, long firstId, String site, long shift, String target) throws SQLException {
    Map<Long, String> rewritten = new HashMap<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT id, deps FROM chora_log WHERE op = "
                + LogOp.COMMIT
                + " AND id >= ? AND deps IS NOT NULL")) {
      ps.setLong(1, firstId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          VectorClock deps = VectorClock.parse(rs.getString(2));
          VectorClock moved = movedDeps(deps, site, shift, target);
          if (moved != deps) {
            rewritten.put(rs.getLong(1), moved.toString());
          }
        }
      }
    }
    try (PreparedStatement ps =
        conn.prepareStatement("UPDATE chora_log SET deps = ? WHERE id = ?")) {
      for (Map.Entry<Long, String> e : rewritten.entrySet()) {
        ps.setString(1, e.getValue());
        ps.setLong(2, e.getKey());
        ps.executeUpdate();
      }
    }
  }

  /** {@code deps} with what it knew of the moved branch of {@code site} under {@code target}. */
  static VectorClock movedDeps(VectorClock deps, String site, long shift, String target) {
    long seen = deps.get(site);
    if (seen <= shift) {
      return deps;
    }
    Map<String, Long> entries = new HashMap<>(deps.entries());
    entries.remove(site);
    if (shift > 0) {
      entries.put(site, shift);
    }
    entries.put(target, seen - shift);
    return VectorClock.of(entries);
  }

  /** {@code dot}, moved to {@code target} when it is on the moved branch of {@code site}. */
  static Dot movedDot(Dot dot, String site, long shift, String target) {
    return dot.site().equals(site) && dot.seq() > shift ? new Dot(target, dot.seq() - shift) : dot;
  }

  /** This replica holds {@code site} up to {@code seq} (a remote head; none when 0). */
  private static void setHead(Connection conn, String site, long seq) throws SQLException {
    if (seq > 0) {
      update(conn, "INSERT OR REPLACE INTO chora_clock(site, seq) VALUES (?, ?)", site, seq);
    } else {
      update(conn, "DELETE FROM chora_clock WHERE site = ?", site);
    }
  }

  private static void update(Connection conn, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }
}
