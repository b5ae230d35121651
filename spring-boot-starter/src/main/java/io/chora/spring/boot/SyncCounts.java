package io.chora.spring.boot;

import io.chora.sync.SyncResult;
import java.util.concurrent.atomic.AtomicLong;

/** Running totals of the syncs made through {@link ChoraSync}, which counters read. */
final class SyncCounts {
  final AtomicLong syncs = new AtomicLong();
  final AtomicLong sent = new AtomicLong();
  final AtomicLong received = new AtomicLong();

  void add(SyncResult result) {
    syncs.incrementAndGet();
    sent.addAndGet(result.changesSent());
    received.addAndGet(result.changesReceived());
  }
}
