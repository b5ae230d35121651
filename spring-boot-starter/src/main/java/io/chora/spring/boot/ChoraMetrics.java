package io.chora.spring.boot;

import io.chora.sync.SyncEvent;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * The replica's state as Micrometer meters, tagged with its site. Gauges read the driver when the
 * registry asks (a scrape), through {@link ChoraSync}'s own connection, so they never take a
 * connection from the application's pool; a read that fails reports NaN rather than a stale value.
 * The counters total the syncs made through {@link ChoraSync} (the hub client's exchanges show in
 * {@code chora.sync.last} and the hub gauges).
 */
final class ChoraMetrics implements MeterBinder {
  private final ChoraSync replica;

  ChoraMetrics(ChoraSync replica) {
    this.replica = replica;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Tags tags = Tags.of("site", replica.siteId());
    gauge(
        registry,
        tags,
        "chora.log.size",
        "row changes held in the change log",
        "changes",
        c -> c.logSize());
    gauge(
        registry,
        tags,
        "chora.conflicts.open",
        "open conflicts in the ledger",
        "conflicts",
        c -> c.conflicts().size());
    gauge(
        registry,
        tags,
        "chora.quarantined",
        "envelopes from the hub held back",
        "envelopes",
        c -> c.quarantined().size());
    gauge(
        registry,
        tags,
        "chora.divergences",
        "peers found with other rows at an equal clock",
        "peers",
        c -> c.divergences().size());
    gauge(
        registry,
        tags,
        "chora.hub.pending",
        "this replica's transactions the hub has not acknowledged",
        "transactions",
        c -> c.hubStatus().pendingTransactions());
    gauge(
        registry,
        tags,
        "chora.hub.connected",
        "1 while connected to the hub, 0 when not or none is configured",
        null,
        c -> c.hubStatus().connected() ? 1 : 0);
    gauge(
        registry,
        tags,
        "chora.sync.last",
        "when the newest exchange with a peer happened (Unix time), NaN when none",
        "seconds",
        c -> lastSync(c.syncHistory(1)));
    SyncCounts counts = replica.counts();
    counter(registry, tags, "chora.syncs", "syncs made through ChoraSync", counts.syncs);
    counter(
        registry,
        tags.and("direction", "sent"),
        "chora.sync.changes",
        "changes exchanged by syncs made through ChoraSync",
        counts.sent);
    counter(
        registry,
        tags.and("direction", "received"),
        "chora.sync.changes",
        "changes exchanged by syncs made through ChoraSync",
        counts.received);
  }

  /** A reading of the replica for a gauge. */
  @FunctionalInterface
  private interface Reading {
    double read(io.chora.jdbc.ChoraConnection chora) throws SQLException;
  }

  private void gauge(
      MeterRegistry registry, Tags tags, String name, String help, String unit, Reading reading) {
    ToDoubleFunction<ChoraSync> read =
        replica -> {
          try {
            return replica.withConnection(reading::read);
          } catch (SQLException | RuntimeException e) {
            return Double.NaN;
          }
        };
    Gauge.builder(name, replica, read)
        .tags(tags)
        .description(help)
        .baseUnit(unit)
        .register(registry);
  }

  private static void counter(
      MeterRegistry registry, Tags tags, String name, String help, AtomicLong total) {
    FunctionCounter.builder(name, total, AtomicLong::doubleValue)
        .tags(tags)
        .description(help)
        .register(registry);
  }

  private static double lastSync(List<SyncEvent> newest) {
    return newest.isEmpty() ? Double.NaN : newest.get(0).at().toEpochMilli() / 1000.0;
  }
}
