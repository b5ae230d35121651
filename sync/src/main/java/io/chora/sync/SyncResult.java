package io.chora.sync;

/** What one {@code syncWith} moved: row changes sent to the peer and received from it. */
public record SyncResult(int changesSent, int changesReceived) {
  @Override
  public String toString() {
    return "Sent: " + changesSent + ", Received: " + changesReceived;
  }
}
