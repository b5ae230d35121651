package io.chora.sync;

import java.time.Instant;

/**
 * Hybrid logical clock timestamps packed in a long: the upper 48 bits are wall-clock milliseconds,
 * the lower 16 bits a counter that orders events within the same millisecond.
 */
public final class Hlc {
  private static final int COUNTER_BITS = 16;

  private Hlc() {}

  /** The timestamp for wall-clock {@code millis} with counter 0. */
  public static long fromMillis(long millis) {
    return millis << COUNTER_BITS;
  }

  public static long millis(long hlc) {
    return hlc >>> COUNTER_BITS;
  }

  public static int counter(long hlc) {
    return (int) (hlc & ((1 << COUNTER_BITS) - 1));
  }

  /** The next timestamp after {@code last}, at wall-clock {@code nowMillis}: never goes back. */
  public static long next(long last, long nowMillis) {
    return Math.max(fromMillis(nowMillis), last + 1);
  }

  /**
   * The wall-clock time as an ISO-8601 instant, then {@code #N} only when the counter is not 0: the
   * Nth timestamp this clock gave within that millisecond ({@code 2026-12-03T08:29:18.946Z#2}).
   */
  public static String format(long hlc) {
    int counter = counter(hlc);
    return Instant.ofEpochMilli(millis(hlc)) + (counter == 0 ? "" : "#" + counter);
  }
}
