package io.chora.hub;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One client's connection to a workspace: follows its session (hello once, then pushes for its own
 * site only), sends through its {@link Outbox}, and remembers which transactions the client holds
 * (its hello's clock plus what the hub sent it), so nothing is sent twice.
 *
 * <p>Messages of one connection arrive one at a time (Jetty reads the next frame only after the
 * handler returns); sends come from several threads and never block.
 */
final class HubConnection {
  /** Time a closed connection gets to finish the close handshake before it is dropped. */
  private static final long CLOSE_GRACE_NANOS = Duration.ofSeconds(5).toNanos();

  private static final int GOING_AWAY = 1001;
  private static final int TRY_AGAIN_LATER = 1013;
  private static final AtomicLong PING_NONCES = new AtomicLong();

  private final Session session;
  private final Credential credential;
  private final Workspace workspace;
  private final ClientMessages messages;
  private final Outbox outbox;
  private final PushRateLimit pushRate;
  private final ConnectionBudget budget;
  private final long connectedAt;
  private final HeldClock held;
  private volatile String site; // null until hello
  private volatile boolean takesSnapshots; // the hello said protocol 1.1

  /** Sites this client's replica wrote as before (a copied file goes on under a new site). */
  private java.util.Set<String> former = java.util.Set.of();

  private volatile long lastHeardAt;
  private volatile long lastPingAt;
  private volatile long closeRequestedAt; // 0 while open
  private volatile boolean closed;
  private boolean draining; // under this: the hub is stopping, pushes are no longer taken

  HubConnection(
      Session session,
      Credential credential,
      Workspace workspace,
      ClientMessages messages,
      HubConfig config) {
    this.session = session;
    this.credential = credential;
    this.workspace = workspace;
    this.messages = messages;
    this.held = new HeldClock(workspace::sharedClock);
    Outbox[] box = new Outbox[1];
    this.budget = new ConnectionBudget(config, () -> box[0] == null ? 0 : box[0].queuedBytes());
    this.outbox =
        new Outbox(
            session,
            () -> budget.queueRoom(config.outboundQueueBytes()),
            () -> close(TRY_AGAIN_LATER, "too slow: outbound queue full, reconnect"));
    box[0] = outbox;
    session.setMaxTextMessageSize(budget.nextMessageRoom());
    long now = System.nanoTime();
    this.pushRate = new PushRateLimit(config.pushesPerSecond(), now);
    this.connectedAt = now;
    this.lastHeardAt = now;
    this.lastPingAt = now;
  }

  void onText(String text) {
    lastHeardAt = System.nanoTime();
    if (closeRequestedAt != 0) {
      return;
    }
    String tooBig = budget.overBy(text.length());
    if (tooBig != null) {
      close(ProtocolViolation.MESSAGE_TOO_BIG, tooBig);
      return;
    }
    try {
      handle(messages.parse(text));
    } catch (ProtocolViolation violation) {
      close(violation.code(), violation.getMessage());
      return;
    }
    String over = budget.overBy(0);
    if (over != null) {
      close(ProtocolViolation.MESSAGE_TOO_BIG, over);
      return;
    }
    // Jetty refuses (1009) a next message that the budget has no room for, as it assembles it
    session.setMaxTextMessageSize(budget.nextMessageRoom());
  }

  void onBinary() {
    close(ProtocolViolation.UNSUPPORTED_DATA, "binary frames are refused: send JSON text");
  }

  private void handle(ClientMessage message) throws ProtocolViolation {
    if (message instanceof ClientMessage.Hello hello) {
      if (site != null) {
        throw new ProtocolViolation("second hello");
      }
      for (Map.Entry<String, long[]> head : hello.heads().entrySet()) {
        if (workspace.differsAt(head.getKey(), head.getValue()[0], head.getValue()[1])) {
          throw new ProtocolViolation(
              "fork: the hub holds another "
                  + head.getKey()
                  + ":"
                  + head.getValue()[0]
                  + "; two files write as one site (docs/replicas.md)");
        }
      }
      String bound = workspace.bindingRefusal(credential, hello);
      if (bound != null) {
        throw new ProtocolViolation(bound);
      }
      budget.clockAdded(hello.clock()); // before the hub takes it: refused, it holds nothing
      String over = budget.overBy(0);
      if (over != null) {
        throw new ProtocolViolation(ProtocolViolation.MESSAGE_TOO_BIG, over);
      }
      held.raiseAll(hello.clock());
      site = hello.site();
      former = hello.former();
      takesSnapshots = hello.snapshots();
      workspace.hello(this);
    } else if (message instanceof ClientMessage.Push push) {
      if (site == null) {
        throw new ProtocolViolation("push before hello");
      }
      if (!push.envelope().origin().equals(site) && !former.contains(push.envelope().origin())) {
        throw new ProtocolViolation("push for another site");
      }
      if (!pushRate.tryAcquire(System.nanoTime())) {
        throw new ProtocolViolation("rate limit");
      }
      synchronized (this) { // a drain that returned has seen every push this connection queued
        if (draining) {
          return; // not acknowledged: the client pushes it again where it reconnects
        }
        workspace.submit(this, push);
      }
    } else if (message instanceof ClientMessage.Clock clock) {
      if (site == null) {
        throw new ProtocolViolation("clock before hello");
      }
      if (!pushRate.tryAcquire(System.nanoTime())) {
        throw new ProtocolViolation("rate limit");
      }
      if (!workspace.peerClock(this, site, clock.clock(), clock.digest())) {
        throw new ProtocolViolation("clocks said hold more than " + Clocks.MAX_ENTRIES + " sites");
      }
    } else if (message instanceof ClientMessage.Snapshot snapshot) {
      if (site == null || !takesSnapshots) {
        throw new ProtocolViolation("snapshot before a hello of protocol 1.1");
      }
      if (!pushRate.tryAcquire(System.nanoTime())) {
        throw new ProtocolViolation("rate limit");
      }
      workspace.snapshotUploaded(this, snapshot);
    } else if (message instanceof ClientMessage.Ping ping) {
      send(Frames.pong(ping.nonceJson()));
    }
    // a pong only shows the client is alive, which lastHeardAt already records
  }

  /** Who opened this connection: the sites it may write as are bound to it. */
  Credential credential() {
    return credential;
  }

  /** The client's site, once it said hello. */
  String site() {
    return site;
  }

  /** Whether the client's hello said protocol 1.1: it may be sent snapshots and asked for one. */
  boolean takesSnapshots() {
    return takesSnapshots;
  }

  /** Sends the snapshot the client starts from; it then holds {@code clock}. */
  void sendSnapshot(Map<String, Long> clock, String frame) {
    held.raiseAll(clock);
    outbox.send(frame);
  }

  /** Whether the client holds {@code origin}'s transactions up to {@code last}. */
  boolean holds(String origin, long last) {
    return held.holds(origin, last);
  }

  /** What the client holds, as a new map. */
  Map<String, Long> heldClock() {
    return held.toMap();
  }

  /** How many clock entries this connection keeps of its own ({@link HeldClock}). */
  int ownClockEntries() {
    return held.ownEntries();
  }

  /**
   * Queues an envelope the client lacks (its frame from {@link Outbox#encode}) and remembers that
   * the client now holds it. {@link #flush} after the last of a run.
   */
  void sendEnvelope(Envelope envelope, ByteBuffer frame) {
    hold(envelope);
    outbox.sendBatched(frame);
  }

  /**
   * Acknowledges a push the hub holds; the client then holds it too, so a relay or a read of the
   * log (also one by another hub instance's envelopes) never sends it back.
   */
  void acked(Envelope envelope) {
    hold(envelope);
    send(Frames.ack(envelope.origin(), envelope.last()));
  }

  /** The client now holds the envelope; a site new to its clock counts against its budget. */
  private void hold(Envelope envelope) {
    if (held.raise(envelope.origin(), envelope.last())) {
      budget.siteAdded(envelope.origin());
    }
  }

  void flush() {
    outbox.flush();
  }

  void send(String frame) {
    outbox.send(frame);
  }

  void whenDrained(Runnable action) {
    outbox.whenDrained(action);
  }

  /**
   * Called about once a second: closes a connection that never said hello or went silent, pings one
   * that has been quiet for half the idle timeout, and drops one that was closed but did not finish
   * the close handshake.
   */
  void sweep(long now, HubConfig config) {
    if (closed) {
      return;
    }
    if (closeRequestedAt != 0) {
      if (now - closeRequestedAt > CLOSE_GRACE_NANOS) {
        session.disconnect();
      }
      return;
    }
    long idle = config.idleTimeout().toNanos();
    if (site == null && now - connectedAt > config.helloTimeout().toNanos()) {
      close(ProtocolViolation.POLICY, "no hello within " + seconds(config.helloTimeout()));
    } else if (now - lastHeardAt > idle) {
      close(GOING_AWAY, "silent for " + seconds(config.idleTimeout()));
    } else if (now - lastHeardAt > idle / 2 && now - lastPingAt > idle / 2) {
      lastPingAt = now;
      send(Frames.ping(Long.toString(PING_NONCES.incrementAndGet())));
    }
  }

  private static String seconds(Duration duration) {
    return duration.toMillis() / 1000.0 + " s";
  }

  /** The hub is stopping: pushes that arrive from now on are left unanswered. */
  synchronized void drain() {
    draining = true;
  }

  /** Closes the connection with {@code code} and {@code reason}; later calls do nothing. */
  void close(int code, String reason) {
    synchronized (this) {
      if (closeRequestedAt != 0 || closed) {
        return;
      }
      closeRequestedAt = System.nanoTime();
    }
    outbox.shut();
    session.close(code, Reasons.fit(reason), Callback.NOOP);
  }

  /** Jetty reports the connection gone. */
  void onClosed() {
    closed = true;
    outbox.shut();
    workspace.disconnected(this);
  }

  boolean isClosing() {
    return closed || closeRequestedAt != 0;
  }

  boolean isClosed() {
    return closed;
  }
}
