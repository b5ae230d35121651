package io.chora.hub;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The rule for what a hub may remove of a workspace's log: what the latest snapshot covers (a new
 * replica starts from it) and every active member holds (none of them needs it again). A member is
 * active if it was heard of within the retention; one away longer is told to start again from a
 * fresh file if it lacks what was removed ({@link Bootstrap}), so it is never sent a partial
 * history and no row it still holds can come back.
 */
final class Compaction {
  private Compaction() {}

  /** Per origin, the highest seq that may be removed. */
  static Map<String, Long> cut(
      Map<String, Long> snapshot, Map<String, LogStore.Member> members, long activeSince) {
    Map<String, Long> cut = new HashMap<>(snapshot);
    for (LogStore.Member member : members.values()) {
      if (member.seenAt() >= activeSince) {
        cut.replaceAll((origin, seq) -> Math.min(seq, member.clock().getOrDefault(origin, 0L)));
      }
    }
    cut.values().removeIf(seq -> seq <= 0);
    return cut;
  }

  /** One compaction in {@code db}'s open transaction, the workspace's writers held off. */
  static int run(SnapshotRows rows, Connection db, long activeSince, long now) throws SQLException {
    long since = rows.trackingSince(db, now);
    LogStore.Snapshot snapshot = rows.latest(db, false);
    if (snapshot == null || since > activeSince) {
      return 0; // members not yet tracked for a whole retention: one may not have spoken yet
    }
    Map<String, Long> cut = cut(snapshot.clock(), rows.members(db), activeSince);
    return cut.isEmpty() ? 0 : rows.compact(db, cut);
  }
}
