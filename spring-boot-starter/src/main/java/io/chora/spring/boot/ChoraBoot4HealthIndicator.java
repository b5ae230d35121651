package io.chora.spring.boot;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * {@link ChoraHealth} as Spring Boot 4's health indicator {@code chora}: Boot 4 moved the health
 * API to {@code org.springframework.boot.health.contributor}, so each Boot line gets its own small
 * adapter of the same check.
 */
final class ChoraBoot4HealthIndicator extends AbstractHealthIndicator {
  private final ChoraSync replica;

  ChoraBoot4HealthIndicator(ChoraSync replica) {
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
