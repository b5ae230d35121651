package io.chora.hub;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The heap one connection may hold at once ({@link HubConfig#maxConnectionBytes}): the message
 * being read, what waits in its outbound queue, and the clock the hub keeps of it. Each alone has a
 * bound of its own (frame size, outbound queue, 10,000 sites), but together they could hold far
 * more than one honest client ever needs; a connection past the budget is closed with 1009 and
 * reconnects (an honest one holds a fraction of it).
 *
 * <p>The clock is estimated, not measured: {@value #ENTRY_BYTES} bytes per site (the map's node,
 * the boxed seq, the string's header) plus its id's characters.
 */
final class ConnectionBudget {
  /** What one clock entry costs besides its site id's characters. */
  static final int ENTRY_BYTES = 96;

  private final long limit;
  private final int maxFrameBytes;
  private final LongSupplier queued;
  private final AtomicLong clockBytes = new AtomicLong();

  ConnectionBudget(HubConfig config, LongSupplier queued) {
    this.limit = config.maxConnectionBytes();
    this.maxFrameBytes = config.maxFrameBytes();
    this.queued = queued;
  }

  static long entryBytes(String site) {
    return ENTRY_BYTES + site.length();
  }

  static long clockBytes(Map<String, Long> clock) {
    long bytes = 0;
    for (String site : clock.keySet()) {
      bytes += entryBytes(site);
    }
    return bytes;
  }

  /** The clock the hub keeps of the connection grew by a site. */
  void siteAdded(String site) {
    clockBytes.addAndGet(entryBytes(site));
  }

  void clockAdded(Map<String, Long> added) {
    clockBytes.addAndGet(clockBytes(added));
  }

  /** What the outbound queue may hold now: the budget less the clock. */
  long queueRoom(long queueLimit) {
    return Math.max(0, Math.min(queueLimit, limit - clockBytes.get()));
  }

  /**
   * The most the next message may be: what the budget leaves after the queue and the clock, at most
   * a frame, and at least 1 KiB so that a ping is always read.
   */
  long nextMessageRoom() {
    return Math.max(1024, Math.min(maxFrameBytes, limit - queued.getAsLong() - clockBytes.get()));
  }

  /** Why the connection holds too much with a message of {@code messageChars}, or null. */
  String overBy(long messageChars) {
    long queue = queued.getAsLong();
    long clock = clockBytes.get();
    long held = messageChars + queue + clock;
    if (held <= limit) {
      return null;
    }
    // a close reason holds 123 bytes: the limit's name first
    return "maxConnectionBytes "
        + limit
        + " exceeded: would hold "
        + held
        + " (message "
        + messageChars
        + ", queued "
        + queue
        + ", clock "
        + clock
        + ")";
  }
}
