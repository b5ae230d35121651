package io.chora.jdbc;

import java.time.Instant;

/**
 * Where live sync through the hub stands for this database: whether the client is connected and
 * caught up, how many of this replica's transactions the hub has not acknowledged yet, and the last
 * problem it met (null when none since it last connected).
 */
public record HubStatus(
    boolean configured,
    boolean connected,
    boolean caughtUp,
    long pendingTransactions,
    Instant lastExchange,
    String lastError) {
  /** The status of a connection without {@code chora.hub}. */
  public static final HubStatus NOT_CONFIGURED = new HubStatus(false, false, false, 0, null, null);
}
