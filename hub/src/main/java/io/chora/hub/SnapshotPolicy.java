package io.chora.hub;

import java.time.Duration;
import java.util.Objects;

/**
 * When a hub asks its members for a snapshot of a workspace and when it removes the envelopes a
 * snapshot covers (docs/hub.md#snapshots-and-compaction).
 *
 * @param every the hub asks a member for a snapshot once this many envelopes were stored since the
 *     latest one, and a new replica starts from the snapshot once the log holds this many; 0 turns
 *     snapshots (and so compaction) off
 * @param retention how long a member may stay away and still catch up from the log: envelopes it
 *     lacks are kept for it this long after it was last heard of, then it must start again from a
 *     fresh file
 * @param compactEvery how often the hub removes envelopes that the latest snapshot covers and every
 *     member heard of within the retention holds
 */
public record SnapshotPolicy(long every, Duration retention, Duration compactEvery) {
  public static final SnapshotPolicy DEFAULT =
      new SnapshotPolicy(10_000, Duration.ofDays(30), Duration.ofMinutes(1));

  /** Snapshots and compaction off: the hub keeps every envelope, as before protocol 1.1. */
  public static final SnapshotPolicy OFF =
      new SnapshotPolicy(0, DEFAULT.retention, DEFAULT.compactEvery);

  public SnapshotPolicy {
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(compactEvery, "compactEvery");
    if (every < 0) {
      throw new IllegalArgumentException("snapshot every must be 0 (off) or positive: " + every);
    }
    if (retention.isNegative() || compactEvery.toMillis() < 10) {
      throw new IllegalArgumentException("retention >= 0 and compactEvery >= 10 ms");
    }
  }

  boolean enabled() {
    return every > 0;
  }
}
