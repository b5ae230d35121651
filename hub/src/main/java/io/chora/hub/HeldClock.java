package io.chora.hub;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What one client holds, per origin: its hello's clock plus what the hub sent it, never more (an
 * origin it is taken to hold is never sent to it). Kept as a base clock shared by the connections
 * of a workspace ({@link Workspace#sharedClock}) and this connection's differences from it: a
 * client caught up with a workspace of 10,000 sites would otherwise keep 10,000 entries of its own
 * (about 0.5 MB a connection, docs/benchmarks.md). When the differences grow, they are measured
 * against the workspace's latest shared clock again.
 *
 * <p>Reads take no lock and may see an earlier state, which only ever holds less. Changes and
 * re-basing take this object's lock, so that no raise is lost to a re-basing.
 */
final class HeldClock {
  private static final int MIN_DIFFERENCES = 64;

  /**
   * held(o) = differs(o) if present (0: nothing), else base(o); absent from both: nothing of o.
   * Re-based once differs holds more than {@code limit} entries: a limit that doubles what was left
   * at the last re-basing keeps the cost of re-basing (a pass over the clock) a few map operations
   * a raise, also for a client that stays far from the shared clock.
   */
  private record State(Map<String, Long> base, Map<String, Long> differs, int limit) {
    static State of(Map<String, Long> base, Map<String, Long> differs) {
      return new State(
          base, differs, Math.max(MIN_DIFFERENCES, Math.max(base.size() / 8, 2 * differs.size())));
    }
  }

  private final Supplier<Map<String, Long>> shared;
  private volatile State state = State.of(Map.of(), new ConcurrentHashMap<>());

  /**
   * @param shared the workspace's latest shared clock, an immutable map
   */
  HeldClock(Supplier<Map<String, Long>> shared) {
    this.shared = shared;
  }

  /** What the client holds of {@code origin}: 0 when nothing. */
  long get(String origin) {
    State s = state;
    Long held = s.differs().get(origin);
    if (held == null) {
      held = s.base().get(origin);
    }
    return held == null ? 0 : held;
  }

  /** Whether the client holds {@code origin}'s transactions up to {@code last}. */
  boolean holds(String origin, long last) {
    long held = get(origin);
    return held > 0 && held >= last;
  }

  /**
   * The client now holds {@code origin} up to {@code last} (a lower value changes nothing).
   *
   * @return whether the origin was new to this client
   */
  synchronized boolean raise(String origin, long last) {
    State s = state;
    long before = get(origin);
    if (last > before) {
      s.differs().put(origin, last);
      if (s.differs().size() > s.limit()) {
        rebase();
      }
    }
    return before == 0;
  }

  /**
   * Raises every origin of {@code clock}, then measures the differences against the shared clock.
   */
  synchronized void raiseAll(Map<String, Long> clock) {
    State s = state;
    clock.forEach(
        (origin, last) -> {
          if (last > get(origin)) {
            s.differs().put(origin, last);
          }
        });
    rebase();
  }

  /** The whole clock, as a new map. */
  Map<String, Long> toMap() {
    State s = state;
    Map<String, Long> all = new HashMap<>(s.base());
    s.differs()
        .forEach(
            (origin, held) -> {
              if (held == 0) {
                all.remove(origin);
              } else {
                all.put(origin, held);
              }
            });
    return all;
  }

  /** How many entries this connection keeps of its own (the rest is shared). */
  int ownEntries() {
    return state.differs().size();
  }

  /**
   * Under the lock: the same clock over the workspace's latest shared clock, or over none when the
   * client is so far from it that sharing saves nothing.
   */
  private void rebase() {
    Map<String, Long> candidate = shared.get();
    Map<String, Long> all = toMap();
    Map<String, Long> differs = new ConcurrentHashMap<>();
    all.forEach(
        (origin, held) -> {
          if (!held.equals(candidate.get(origin))) {
            differs.put(origin, held);
          }
        });
    candidate.forEach(
        (origin, seq) -> {
          if (!all.containsKey(origin)) {
            differs.put(origin, 0L); // the shared clock has it, this client holds nothing of it
          }
        });
    state =
        differs.size() < all.size()
            ? State.of(candidate, differs)
            : State.of(Map.of(), new ConcurrentHashMap<>(all));
  }
}
