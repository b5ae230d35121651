package io.chora.hub;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a client what the log holds and its hello's clock does not cover, in arrival order (a
 * causal order), then makes it live. The log is streamed a page at a time, and the next page is
 * read only once the client has taken most of the last one, so neither a long log nor a slow client
 * costs the hub more than a page of memory.
 */
final class CatchUp implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);
  private static final int ROWS_PER_PAGE = 1000;
  private static final long PAYLOAD_BYTES_PER_PAGE = 1024 * 1024;

  private final Workspace workspace;
  private final HubConnection connection;
  private final Map<String, Long> hubClockAtHello;
  private final long lastIdAtHello;
  private long readUpTo = -1; // -1 until the start is found

  CatchUp(
      Workspace workspace,
      HubConnection connection,
      Map<String, Long> hubClockAtHello,
      long lastIdAtHello) {
    this.workspace = workspace;
    this.connection = connection;
    this.hubClockAtHello = hubClockAtHello;
    this.lastIdAtHello = lastIdAtHello;
  }

  @Override
  public void run() {
    if (connection.isClosing()) {
      return;
    }
    try {
      if (readUpTo < 0) {
        Bootstrap.Plan plan = workspace.startCatchUp(connection, hubClockAtHello);
        if (plan.way() == Bootstrap.Way.REFUSE) {
          // before any welcome: a client that was welcomed would show itself connected and
          // healthy until the close, though retrying can never mend this refusal
          connection.close(ProtocolViolation.POLICY, plan.refusal());
          return;
        }
        connection.send(Frames.welcome(hubClockAtHello));
        if (plan.way() == Bootstrap.Way.SNAPSHOT) {
          workspace.sendSnapshot(connection);
        }
        Map<String, Long> clientClock = new HashMap<>(connection.heldClock());
        long start = workspace.store().catchUpStart(clientClock, hubClockAtHello);
        readUpTo = start < 0 ? lastIdAtHello : start;
      }
      LogStore.Page page =
          workspace
              .store()
              .readAfter(readUpTo, connection::holds, ROWS_PER_PAGE, PAYLOAD_BYTES_PER_PAGE);
      for (LogStore.Stored stored : page.lacking()) {
        Envelope envelope = stored.envelope();
        connection.sendEnvelope(envelope, Outbox.encode(Frames.envelope(envelope)));
      }
      connection.flush();
      readUpTo = page.lastReadId();
      if (page.reachedEnd() && workspace.goLiveIfCaughtUp(connection, readUpTo)) {
        return;
      }
      connection.whenDrained(() -> workspace.execute(this));
    } catch (SQLException e) {
      LOG.error("workspace {}: could not read the log", workspace.name(), e);
      connection.close(1011, "the hub could not read its log");
    }
  }
}
