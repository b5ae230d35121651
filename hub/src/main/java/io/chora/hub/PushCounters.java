package io.chora.hub;

import java.util.concurrent.atomic.LongAdder;

/**
 * What this instance decided of a workspace's pushes since it started, for {@code /metrics}: counts
 * only ever grow (Prometheus counters), and each instance counts its own.
 */
final class PushCounters {
  private final LongAdder stored = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder storeFailures = new LongAdder();

  void decided(Admission.Decision decision) {
    if (decision == null || decision.kind() == Admission.Kind.REFUSE) {
      refused.increment(); // null: a site bound to another device
    } else if (decision.kind() == Admission.Kind.STORE) {
      stored.increment();
    } else {
      duplicates.increment();
    }
  }

  /** A group commit the store did not take: none of its pushes was acknowledged. */
  void storeFailed() {
    storeFailures.increment();
  }

  long stored() {
    return stored.sum();
  }

  long duplicates() {
    return duplicates.sum();
  }

  long refused() {
    return refused.sum();
  }

  long storeFailures() {
    return storeFailures.sum();
  }
}
