package io.chora.jdbc.shared;

import java.time.Clock;
import java.util.Objects;

/**
 * The one wall clock chora reads: for new HLC timestamps (java mode's commit markers) and for the
 * times it records (sync history). Tests and simulations set it, so that a randomized run replays
 * bit for bit; applications leave it alone. It is global to the JVM on purpose: every connection of
 * a simulated network must read the same time.
 */
public final class WallClock {
  private static volatile Clock clock = Clock.systemUTC();

  private WallClock() {}

  /** Milliseconds since the epoch, from the clock in use. */
  public static long millis() {
    return clock.millis();
  }

  /** Makes every chora connection of this JVM read time from {@code replacement}. */
  public static void use(Clock replacement) {
    clock = Objects.requireNonNull(replacement, "clock");
  }

  /** Back to the system clock. */
  public static void reset() {
    clock = Clock.systemUTC();
  }
}
