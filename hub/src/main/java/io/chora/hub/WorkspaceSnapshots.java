package io.chora.hub;

import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A workspace's snapshots and compaction (docs/hub.md#snapshots-and-compaction): takes members'
 * uploads, asks one for a snapshot when the latest is {@link SnapshotPolicy#every} envelopes old,
 * plans each client's catch-up ({@link Bootstrap}), remembers what members said they hold, and
 * removes what the latest snapshot and every active member cover ({@link Compaction}).
 *
 * <p>A hello's clock is written to the store before its catch-up is planned, and compaction reads
 * the members inside its own transaction: whichever commits first, a client never plans against a
 * log that then loses what it lacks, on any hub instance.
 */
final class WorkspaceSnapshots {
  private static final Logger LOG = LoggerFactory.getLogger(WorkspaceSnapshots.class);
  private static final long ASK_AGAIN_NANOS = Duration.ofSeconds(60).toNanos();

  private final String workspace;
  private final LogStore store;
  private final SnapshotPolicy policy;
  private final Map<String, LogStore.Member> heard = new ConcurrentHashMap<>(); // not yet stored
  private volatile long snapshotAtId;
  private volatile HubConnection asked;
  private volatile long askedAt;
  private volatile long nextCompactionAt;

  WorkspaceSnapshots(String workspace, LogStore store, SnapshotPolicy policy) throws SQLException {
    this.workspace = workspace;
    this.store = store;
    this.policy = policy;
    LogStore.Snapshot latest = policy.enabled() ? store.latestSnapshot(false) : null;
    this.snapshotAtId = latest == null ? 0 : latest.atArrivalId();
    this.nextCompactionAt = System.currentTimeMillis() + policy.compactEvery().toMillis();
  }

  /** What a client's replica said it holds ({@code clock} messages), stored at the next sweep. */
  void heard(String site, Map<String, Long> clock) {
    if (policy.enabled()) {
      heard.merge(
          site,
          new LogStore.Member(Map.copyOf(clock), System.currentTimeMillis()),
          LogStore.Member::merge);
    }
  }

  /**
   * Records the hello's clock and plans the client's catch-up; sends it the snapshot if it starts
   * from one, so that it holds that clock before the log is read for it.
   *
   * @return the plan; {@link Bootstrap.Way#REFUSE} carries the close reason
   */
  Bootstrap.Plan startCatchUp(HubConnection connection, Map<String, Long> hubClock, long logSize)
      throws SQLException {
    Map<String, Long> compacted = Map.of();
    LogStore.Snapshot latest = null;
    if (policy.enabled()) {
      store.recordMembers(
          Map.of(
              connection.site(),
              new LogStore.Member(
                  new HashMap<>(connection.heldClock()), System.currentTimeMillis())));
      latest = store.latestSnapshot(false);
    }
    compacted = store.compactedClock(); // also when off now: what an earlier run removed
    Bootstrap.Plan plan =
        Bootstrap.plan(
            connection.heldClock(),
            hubClock,
            connection.takesSnapshots(),
            compacted,
            latest == null ? null : latest.clock(),
            logSize,
            policy.every());
    return plan;
  }

  /**
   * Sends the latest snapshot to a client whose plan is {@link Bootstrap.Way#SNAPSHOT}: one stored
   * since the plan only covers more, since each one must cover its predecessor.
   */
  void sendLatest(HubConnection connection) throws SQLException {
    LogStore.Snapshot snapshot = store.latestSnapshot(true);
    connection.sendSnapshot(snapshot.clock(), Frames.snapshot(snapshot));
  }

  /**
   * Stores a member's upload if it can serve new replicas: everything it covers is in the log or
   * was removed, and it is not older than the latest.
   *
   * @return why it was refused, or null
   */
  String upload(
      HubConnection from, ClientMessage.Snapshot snapshot, Map<String, Long> hubClock, long lastId)
      throws SQLException {
    if (!policy.enabled()) {
      return "snapshots are off on this hub";
    }
    if (!Clocks.coversAll(hubClock, snapshot.clock())) {
      return "it covers transactions the hub does not hold: push them first";
    }
    if (!Clocks.coversAll(snapshot.clock(), store.compactedClock())) {
      return "it does not cover what the hub removed";
    }
    LogStore.Snapshot latest = store.latestSnapshot(false);
    if (latest != null && !Clocks.coversAll(snapshot.clock(), latest.clock())) {
      return "it is older than the hub's latest snapshot";
    }
    store.putSnapshot(
        new LogStore.Snapshot(
            from.site(), snapshot.clock(), snapshot.payload(), lastId, System.currentTimeMillis()));
    snapshotAtId = lastId;
    asked = null;
    LOG.info("workspace {}: stored a snapshot of {} at {}", workspace, from.site(), lastId);
    return null;
  }

  /** Asks one live member for a snapshot if the latest is too old and none was asked lately. */
  void maybeAsk(Iterable<HubConnection> live, long lastArrivalId) {
    if (!policy.enabled() || lastArrivalId - snapshotAtId < policy.every()) {
      return;
    }
    HubConnection before = asked;
    long now = System.nanoTime();
    if (before != null && !before.isClosing() && now - askedAt < ASK_AGAIN_NANOS) {
      return;
    }
    for (HubConnection candidate : live) {
      if (candidate.takesSnapshots() && candidate != before && !candidate.isClosing()) {
        asked = candidate;
        askedAt = now;
        candidate.send(Frames.snapshotWanted());
        return;
      }
    }
  }

  /**
   * Every {@link SnapshotPolicy#compactEvery}: stores what members said, marks connected members as
   * heard of now, and compacts.
   *
   * @return how many envelopes were removed
   */
  int sweep(Iterable<HubConnection> connected) {
    long now = System.currentTimeMillis();
    if (!policy.enabled() || now < nextCompactionAt) {
      return 0;
    }
    nextCompactionAt = now + policy.compactEvery().toMillis();
    for (HubConnection connection : connected) {
      if (connection.site() != null && !connection.isClosing()) {
        heard.merge(connection.site(), new LogStore.Member(Map.of(), now), LogStore.Member::merge);
      }
    }
    Map<String, LogStore.Member> batch = new HashMap<>();
    for (String site : heard.keySet()) {
      LogStore.Member member = heard.remove(site);
      if (member != null) {
        batch.put(site, member);
      }
    }
    int removed = 0;
    try {
      if (!batch.isEmpty()) {
        store.recordMembers(batch);
      }
      removed = store.compact(now - policy.retention().toMillis(), now);
      if (removed > 0) {
        LOG.info("workspace {}: compaction removed {} envelopes", workspace, removed);
      }
      LogStore.Snapshot latest = store.latestSnapshot(false); // another instance's, perhaps
      if (latest != null) {
        snapshotAtId = Math.max(snapshotAtId, latest.atArrivalId());
      }
    } catch (SQLException e) {
      batch.forEach((site, member) -> heard.merge(site, member, LogStore.Member::merge));
      LOG.warn("workspace {}: compaction failed; trying again later", workspace, e);
    }
    return removed;
  }
}
