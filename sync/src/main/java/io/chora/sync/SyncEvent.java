package io.chora.sync;

import java.time.Instant;

/**
 * One exchange with another replica, as this replica recorded it: a {@code syncWith} (either side)
 * or the apply of a set received some other way (file, hub). Row changes sent to the peer, received
 * from it, and cell or row conflicts the merge recorded.
 */
public record SyncEvent(
    long id, Instant at, String peer, int changesSent, int changesReceived, int conflicts) {}
