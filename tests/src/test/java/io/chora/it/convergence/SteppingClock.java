package io.chora.it.convergence;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The wall clock of one try: it starts at the same instant in every run and moves one millisecond
 * at each reading. Installed through {@code WallClock}, it makes every HLC, and so every winner and
 * every later random choice, depend on the seed alone: a seed replays bit for bit.
 */
final class SteppingClock extends Clock {
  /** 2026-01-01T00:00:00Z. */
  private static final long START = 1_767_225_600_000L;

  private final AtomicLong next = new AtomicLong(START);

  @Override
  public long millis() {
    return next.getAndIncrement();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a try's clock has no zones");
  }
}
