package io.chora.spring.boot;

import static io.chora.spring.boot.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.chora.jdbc.ChoraConnection;
import io.chora.sync.SyncResult;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The chora.* meters, registered by Boot's metrics, read what the driver says after writes. */
class ChoraMetricsTest {
  @TempDir Path dir;

  private final ApplicationContextRunner app =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  DataSourceAutoConfiguration.class,
                  MetricsAutoConfiguration.class,
                  SimpleMetricsExportAutoConfiguration.class,
                  CompositeMeterRegistryAutoConfiguration.class,
                  ChoraAutoConfiguration.class,
                  ChoraMetricsAutoConfiguration.class));

  private static double gauge(MeterRegistry registry, String name) {
    return registry.get(name).tag("site", "laptop").gauge().value();
  }

  private static double counter(MeterRegistry registry, String name, String... tags) {
    return registry.get(name).tag("site", "laptop").tags(tags).functionCounter().count();
  }

  @Test
  void metersTellTheLogTheConflictsAndTheSyncsAfterWritesAndASync() throws Exception {
    Path peer = dir.resolve("phone.db");
    String peerUrl = Sql.choraUrl(peer) + "&chora.site=phone";
    exec(peerUrl, Sql.NOTE);
    app.withPropertyValues(
            "spring.datasource.url=" + Sql.choraUrl(dir.resolve("app.db")), "chora.site=laptop")
        .run(
            context -> {
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              ChoraSync sync = context.getBean(ChoraSync.class);
              assertThat(gauge(registry, "chora.sync.last")).isNaN(); // no exchange yet
              assertThat(counter(registry, "chora.syncs")).isZero();

              try (Connection c = context.getBean(DataSource.class).getConnection()) {
                exec(
                    c,
                    Sql.NOTE,
                    "INSERT INTO note VALUES (1, 'groceries')",
                    "INSERT INTO note VALUES (2, 'call')",
                    "INSERT INTO note VALUES (3, 'read')");
                long logSize = c.unwrap(ChoraConnection.class).logSize();
                assertThat(logSize).isEqualTo(3);
                assertThat(gauge(registry, "chora.log.size")).isEqualTo((double) logSize);
              }
              exec(peerUrl, "INSERT INTO note VALUES (4, 'from the phone')");

              Instant before = Instant.now();
              SyncResult first = sync.syncWith(peerUrl);
              assertThat(first.changesSent()).isEqualTo(3);
              assertThat(first.changesReceived()).isEqualTo(1);
              assertThat(gauge(registry, "chora.sync.last"))
                  .isBetween(before.getEpochSecond() - 1.0, Instant.now().getEpochSecond() + 1.0);

              // both edit note 1 before the next sync: one concurrent edit, one open conflict
              try (Connection c = context.getBean(DataSource.class).getConnection()) {
                exec(c, "UPDATE note SET title = 'groceries and bread' WHERE id = 1");
              }
              exec(peerUrl, "UPDATE note SET title = 'groceries and milk' WHERE id = 1");
              assertThat(gauge(registry, "chora.conflicts.open")).isZero();
              SyncResult second = sync.syncWith(peerUrl);

              assertThat(gauge(registry, "chora.conflicts.open"))
                  .isEqualTo(sync.conflicts().size())
                  .isEqualTo(1);
              assertThat(counter(registry, "chora.syncs")).isEqualTo(2);
              assertThat(counter(registry, "chora.sync.changes", "direction", "sent"))
                  .isEqualTo(first.changesSent() + second.changesSent());
              assertThat(counter(registry, "chora.sync.changes", "direction", "received"))
                  .isEqualTo(first.changesReceived() + second.changesReceived());
              assertThat(gauge(registry, "chora.log.size"))
                  .isEqualTo((double) sync.withConnection(ChoraConnection::logSize));
              assertThat(gauge(registry, "chora.quarantined")).isZero();
              assertThat(gauge(registry, "chora.divergences")).isZero();
              assertThat(gauge(registry, "chora.hub.connected")).isZero(); // no hub configured
              assertThat(gauge(registry, "chora.hub.pending")).isZero();
            });
  }
}
