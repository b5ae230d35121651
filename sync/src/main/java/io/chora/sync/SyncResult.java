package io.chora.sync;

/**
 * What one {@code syncWith} moved: row changes sent to the peer and received from it; and, when the
 * two replicas ended with equal clocks but their synced tables differ, what differs ({@code
 * divergence}, null when they agree or their clocks differ). A divergence is a bug or a write past
 * chora's capture: both replicas log it at WARNING and {@code chora status} shows it.
 */
public record SyncResult(int changesSent, int changesReceived, String divergence) {
  public SyncResult(int changesSent, int changesReceived) {
    this(changesSent, changesReceived, null);
  }

  /** Whether the replicas hold equal clocks but different rows. */
  public boolean diverged() {
    return divergence != null;
  }

  @Override
  public String toString() {
    return "Sent: "
        + changesSent
        + ", Received: "
        + changesReceived
        + (divergence == null ? "" : "; DIVERGED: " + divergence);
  }
}
