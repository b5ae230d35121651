package io.chora.spring.boot;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/** {@link ChoraHealth} as Spring Boot 3's health indicator {@code chora}. */
final class ChoraHealthIndicator extends AbstractHealthIndicator {
  private final ChoraSync replica;

  ChoraHealthIndicator(ChoraSync replica) {
    super("chora health check failed");
    this.replica = replica;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) throws Exception {
    ChoraHealth.Report report = ChoraHealth.check(replica);
    builder
        .status(
            switch (report.state()) {
              case UP -> Status.UP;
              case DOWN -> Status.DOWN;
              case UNKNOWN -> Status.UNKNOWN;
            })
        .withDetails(report.details());
  }
}
