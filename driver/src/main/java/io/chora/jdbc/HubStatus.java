package io.chora.jdbc;

import java.time.Instant;
import java.util.List;

/**
 * Where live sync through the hub stands for this database: whether the client is connected and
 * caught up, how many of this replica's transactions the hub has not acknowledged yet, the last
 * problem it met (null when none since it last connected), and the envelopes it holds back because
 * they cannot be applied or depend on one that cannot ({@code quarantined}, see
 * docs/quarantine.md). Caught up counts what the hub delivered: a replica with envelopes held back
 * lacks them, which {@link #healthy()} tells.
 *
 * <p>{@code refused} says the hub turned this replica away, which retrying does not mend: it
 * refused the upgrade (a wrong {@code chora.hub.token}, no such workspace), closed the connection
 * for a policy reason (a revoked token, a site bound to another device's token, a file refused as a
 * fork) or speaks another protocol version. The client keeps retrying, so the status clears by
 * itself once the cause is fixed (a new token on the hub, a repaired fork); {@code lastError} says
 * which it was.
 */
public record HubStatus(
    boolean configured,
    boolean connected,
    boolean caughtUp,
    long pendingTransactions,
    Instant lastExchange,
    String lastError,
    List<QuarantinedEnvelope> quarantined,
    boolean refused) {
  /** The status of a connection without {@code chora.hub}. */
  public static final HubStatus NOT_CONFIGURED =
      new HubStatus(false, false, false, 0, null, null, List.of(), false);

  public HubStatus {
    quarantined = List.copyOf(quarantined);
  }

  /**
   * Connected, caught up, nothing of this replica's unacknowledged and nothing held back: this
   * replica holds what the hub holds.
   */
  public boolean healthy() {
    return connected && caughtUp && pendingTransactions == 0 && quarantined.isEmpty();
  }
}
