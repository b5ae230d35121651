package io.chora.jdbc;

import io.chora.sync.SyncResult;
import java.sql.SQLException;

/**
 * The seed's {@code DatabaseMerger}: syncs one {@link ChangeTracker} with others, both ways. It
 * only delegates to {@link ChoraConnection#syncWith}; the merge rules are the driver's.
 */
public final class DatabaseMerger {
  private final ChangeTracker tracker;

  /** A merger for {@code tracker}'s replica. */
  public DatabaseMerger(ChangeTracker tracker) {
    if (tracker == null) {
      throw new IllegalArgumentException("DatabaseMerger needs a ChangeTracker, not null");
    }
    this.tracker = tracker;
  }

  /**
   * Sends {@code other} what it lacks and takes what this replica lacks. The result counts row
   * changes each way; its {@code toString()} reads like the seed's {@code Sent: 1, Received: 1}.
   *
   * @throws IllegalArgumentException when {@code other} is null
   * @throws SQLException when both trackers are the same replica, or the merge fails (then nothing
   *     of the failing direction is applied)
   */
  public SyncResult syncWith(ChangeTracker other) throws SQLException {
    if (other == null) {
      throw new IllegalArgumentException("syncWith needs the other ChangeTracker, not null");
    }
    return tracker.connection().syncWith(other.connection());
  }
}
