package io.chora.hub;

import java.util.Map;

/**
 * How a client catches up at hello: from the log (history), from the latest snapshot and then the
 * log, or not at all when the log no longer holds what it lacks and a snapshot cannot serve it.
 *
 * <p>Only a client that holds nothing of the workspace yet (a new replica: no transaction of any
 * origin the hub knows) starts from a snapshot: one that holds part of the history would merge a
 * whole state into what it kept, and if compaction removed what it lacks it is refused, never sent
 * a partial history (a delete it missed could otherwise be undone by the rows it still holds).
 */
final class Bootstrap {
  enum Way {
    HISTORY,
    SNAPSHOT,
    REFUSE
  }

  record Plan(Way way, String refusal) {}

  static final String REBOOTSTRAP =
      "re-bootstrap: this replica was away past the hub's retention and the hub removed history it"
          + " lacks";
  static final String UPGRADE =
      "upgrade: the hub removed old history; a client of protocol 1.1 starts from its snapshot";

  private Bootstrap() {}

  /**
   * @param client the hello's clock
   * @param hubClock what the hub holds
   * @param takesSnapshots the hello said protocol 1.1
   * @param compacted the highest seq removed per origin
   * @param snapshot the latest snapshot's clock, or null
   * @param logSize how many envelopes the log holds
   * @param every the policy's threshold ({@link SnapshotPolicy#every}), 0 when off
   */
  static Plan plan(
      Map<String, Long> client,
      Map<String, Long> hubClock,
      boolean takesSnapshots,
      Map<String, Long> compacted,
      Map<String, Long> snapshot,
      long logSize,
      long every) {
    boolean lacksRemoved =
        compacted.entrySet().stream()
            .anyMatch(e -> client.getOrDefault(e.getKey(), 0L) < e.getValue());
    boolean fresh =
        hubClock.entrySet().stream()
            .allMatch(e -> e.getValue() == 0 || client.getOrDefault(e.getKey(), 0L) == 0);
    boolean usable = snapshot != null && Clocks.coversAll(snapshot, compacted);
    if (fresh && takesSnapshots && usable && (lacksRemoved || (every > 0 && logSize >= every))) {
      return new Plan(Way.SNAPSHOT, null);
    }
    if (!lacksRemoved) {
      return new Plan(Way.HISTORY, null);
    }
    return new Plan(Way.REFUSE, fresh && !takesSnapshots ? UPGRADE : REBOOTSTRAP);
  }
}
