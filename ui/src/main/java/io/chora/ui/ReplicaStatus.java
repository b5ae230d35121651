package io.chora.ui;

import static io.chora.ui.Json.object;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.QuarantinedEnvelope;
import io.chora.sync.Conflict;
import io.chora.sync.SyncEvent;
import io.chora.sync.VectorClock;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /api/status}: the replica at a glance (its site and clock, each known peer's last seen
 * clock and what that peer lacks, the recent syncs, the open conflicts and the envelopes from the
 * hub held back), read in one short go.
 */
final class ReplicaStatus {
  /** Enough syncs for a timeline that still reads at a glance. */
  static final int RECENT_SYNCS = 40;

  private ReplicaStatus() {}

  static Map<String, Object> read(ChoraConnection chora) throws SQLException {
    VectorClock mine = chora.clock();
    List<Conflict> open = chora.conflicts();
    List<SyncEvent> syncs = chora.syncHistory(RECENT_SYNCS);
    return object(
        "site", chora.siteId(),
        "clock", clock(mine),
        "peers", peers(mine, chora.peerClocks(), syncs),
        "syncs", syncs.stream().map(ReplicaStatus::sync).toList(),
        "openConflicts", open.size(),
        "heldBack", chora.quarantined().stream().map(ReplicaStatus::heldBack).toList(),
        // with the count, lets a page notice a new conflict even when another was resolved
        "latestConflictId",
            open.stream().mapToLong(Conflict::id).boxed().max(Long::compare).orElse(null),
        "serverTime", Instant.now().toString());
  }

  /**
   * How many transactions {@code peer} lacks as far as this replica knows: for each site, what this
   * replica holds beyond the peer's last seen clock. The peer may have caught up through a third
   * replica since.
   */
  static long pending(VectorClock mine, VectorClock peer) {
    long pending = 0;
    for (Map.Entry<String, Long> e : mine.entries().entrySet()) {
      pending += Math.max(0, e.getValue() - peer.get(e.getKey()));
    }
    return pending;
  }

  private static List<Object> peers(
      VectorClock mine, Map<String, VectorClock> peerClocks, List<SyncEvent> syncs) {
    Map<String, Instant> lastSync = new LinkedHashMap<>();
    syncs.forEach(s -> lastSync.putIfAbsent(s.peer(), s.at())); // newest first
    List<Object> peers = new ArrayList<>();
    new TreeMap<>(peerClocks)
        .forEach(
            (site, clock) ->
                peers.add(
                    object(
                        "site",
                        site,
                        "clock",
                        clock(clock),
                        "pending",
                        pending(mine, clock),
                        "lastSync",
                        lastSync.containsKey(site) ? lastSync.get(site).toString() : null)));
    return peers;
  }

  private static Map<String, Object> heldBack(QuarantinedEnvelope q) {
    return object(
        "origin", q.origin(),
        "first", q.first(),
        "last", q.last(),
        "reason", q.reason(),
        "waitsFor", q.waitsFor(),
        "since", q.since().toString(),
        "attempts", q.attempts());
  }

  private static Map<String, Object> sync(SyncEvent s) {
    return object(
        "id", s.id(),
        "at", s.at().toString(),
        "peer", s.peer(),
        "changesSent", s.changesSent(),
        "changesReceived", s.changesReceived(),
        "conflicts", s.conflicts());
  }

  private static Map<String, Object> clock(VectorClock clock) {
    return new LinkedHashMap<String, Object>(clock.entries());
  }
}
