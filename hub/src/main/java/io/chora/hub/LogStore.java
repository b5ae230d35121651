package io.chora.hub;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the hub needs of a workspace's log, whichever engine keeps it: the embedded SQLite file
 * ({@link WorkspaceStore}, one hub) or PostgreSQL ({@link PgStore}, any number of hubs).
 *
 * <p>A group commit is decided and stored in one step ({@link #append}): the store hands the
 * decider the committed state inside the storing transaction, with every other writer of the
 * workspace held off, so contiguity and causality are decided against what is really stored even
 * when several hub instances take pushes of one origin at once. The call returns once the
 * transaction is durable; only then may the pushes be acknowledged.
 */
interface LogStore extends AutoCloseable {
  /** An envelope read back, with its place in the log. */
  record Stored(long arrivalId, Envelope envelope) {}

  /** A stretch of the log read for one client: what it lacks, and how far the read got. */
  record Page(List<Stored> lacking, long lastReadId, boolean reachedEnd) {}

  /** Which envelopes a client already holds, so a read can skip their payloads. */
  interface Holds {
    boolean covers(String origin, long last);
  }

  /** The committed state a group commit is decided against, read inside its transaction. */
  interface Committed {
    /** The stored clock of {@code sites} (absent: nothing held), a copy the caller may change. */
    Map<String, Long> clockOf(Set<String> sites) throws SQLException;

    /** The credential each of {@code sites} is bound to, absent if unbound. */
    Map<String, String> ownersOf(Set<String> sites) throws SQLException;

    /**
     * The first seq of {@code pushed} that the stored envelopes of its origin hold with another
     * nonce (a fork), or 0.
     */
    long forkedAt(Envelope pushed) throws SQLException;
  }

  /** What a decider chose to store, in this order, and the sites those envelopes bind. */
  record Decided(List<Envelope> envelopes, Map<String, String> bindings) {}

  /** Decides a group commit against the committed state. Called once per {@link #append}. */
  interface Decider {
    Decided decide(Committed committed) throws SQLException;
  }

  /**
   * Decides and stores one group commit atomically, durable when this returns.
   *
   * @return the arrival id of each stored envelope, increasing in commit order
   */
  long[] append(Decider decider) throws SQLException;

  /** The clock of everything stored. */
  Map<String, Long> loadClock() throws SQLException;

  /** Which credential each site is bound to ({@link SiteBindings}). */
  Map<String, String> loadBindings() throws SQLException;

  /** The arrival id of the newest envelope, 0 when the log is empty. */
  long lastArrivalId() throws SQLException;

  long count() throws SQLException;

  /** Whether the stored envelope holding {@code origin}'s {@code seq} names another nonce. */
  boolean differsAt(String origin, long seq, long nonce) throws SQLException;

  /**
   * Where a client holding {@code clientClock} starts catching up: just before the first envelope
   * it lacks, or -1 if it lacks nothing of {@code hubClock}.
   */
  long catchUpStart(Map<String, Long> clientClock, Map<String, Long> hubClock) throws SQLException;

  /**
   * Reads envelopes after {@code afterId} in arrival order, keeping those {@code holds} does not
   * cover, until {@code maxRows} rows were read or {@code maxBytes} of payload kept. Payloads of
   * skipped envelopes are never loaded.
   */
  Page readAfter(long afterId, Holds holds, int maxRows, long maxBytes) throws SQLException;

  /**
   * A member's snapshot of the workspace (opaque, like a payload) and the clock it covers.
   *
   * @param site the member that uploaded it (a signed snapshot is signed for it)
   * @param atArrivalId the log's newest arrival id when it was stored
   */
  record Snapshot(
      String site, Map<String, Long> clock, String payload, long atArrivalId, long storedAt) {}

  /** What a member said it holds, and when it was last heard of (epoch millis). */
  record Member(Map<String, Long> clock, long seenAt) {
    Member merge(Member other) {
      Map<String, Long> merged = new java.util.HashMap<>(clock);
      other.clock.forEach((site, seq) -> merged.merge(site, seq, Math::max));
      return new Member(merged, Math.max(seenAt, other.seenAt));
    }
  }

  /** Stores {@code snapshot} as the workspace's latest, durably, replacing the one before. */
  void putSnapshot(Snapshot snapshot) throws SQLException;

  /** The latest snapshot, with its payload only if {@code withPayload}; null if none. */
  Snapshot latestSnapshot(boolean withPayload) throws SQLException;

  /** The highest seq removed by compaction, per origin. */
  Map<String, Long> compactedClock() throws SQLException;

  /** Records what members said they hold ({@link Member#merge}d with what was stored). */
  void recordMembers(Map<String, Member> heard) throws SQLException;

  /**
   * Removes the envelopes covered by the latest snapshot and by every member heard of since {@code
   * activeSince} (epoch millis), once members have been tracked for longer than that; the newest
   * envelope stays.
   *
   * @return how many envelopes were removed
   */
  int compact(long activeSince, long now) throws SQLException;

  /** The space the log takes, for metrics. */
  long sizeBytes();

  /** Whether the store answers now, for {@code /health}: null if so, else why not. */
  String problem();

  /**
   * Runs {@code pull} whenever other hub instances may have stored envelopes of this workspace;
   * never for a store only this hub writes.
   */
  default void onStoredElsewhere(Runnable pull) {}

  @Override
  void close() throws SQLException;
}
