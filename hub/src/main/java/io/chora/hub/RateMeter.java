package io.chora.hub;

/** Events per second over the last ten whole seconds, in ten one-second buckets. */
final class RateMeter {
  private static final int SECONDS = 10;

  private final long[] counts = new long[SECONDS];
  private final long[] bucketSecond = new long[SECONDS];

  synchronized void record(long events, long nowMillis) {
    long second = nowMillis / 1000;
    int bucket = (int) (second % SECONDS);
    if (bucketSecond[bucket] != second) {
      bucketSecond[bucket] = second;
      counts[bucket] = 0;
    }
    counts[bucket] += events;
  }

  /** The average over the ten seconds before the current one. */
  synchronized double perSecond(long nowMillis) {
    long current = nowMillis / 1000;
    long total = 0;
    for (int i = 0; i < SECONDS; i++) {
      if (bucketSecond[i] < current && bucketSecond[i] >= current - SECONDS) {
        total += counts[i];
      }
    }
    return total / (double) SECONDS;
  }
}
