package io.chora.hub;

/**
 * A token bucket: {@code perSecond} pushes a second on average, in bursts of up to as many. A
 * client that commits faster than that is expected to put several transactions in one envelope.
 */
final class PushRateLimit {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final double perSecond;
  private double tokens;
  private long refilledAt;

  PushRateLimit(int perSecond, long nowNanos) {
    this.perSecond = perSecond;
    this.tokens = perSecond;
    this.refilledAt = nowNanos;
  }

  /** Takes one push from the bucket; false when it is empty. */
  synchronized boolean tryAcquire(long nowNanos) {
    tokens = Math.min(perSecond, tokens + perSecond * (nowNanos - refilledAt) / NANOS_PER_SECOND);
    refilledAt = nowNanos;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
