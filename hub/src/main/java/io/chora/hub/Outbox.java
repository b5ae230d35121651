package io.chora.hub;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * What the hub has handed a connection to send and Jetty has not yet written. Sending never blocks,
 * so a slow client cannot hold up the workspace's writer or the other clients; instead, once more
 * than the bound waits for it, it is cut off ({@code onOverflow}) and catches up from the log when
 * it reconnects. Catch-up, which could queue a whole log, sends a page at a time and waits for the
 * queue to drain ({@link #whenDrained}).
 *
 * <p>Frames go to Jetty's core session rather than through {@code Session.sendText}: relaying is
 * the hub's main work, and there an envelope is encoded to UTF-8 once for all its receivers ({@link
 * #encode}), and the envelopes of one commit are batched into as few writes as Jetty can ({@link
 * #sendBatched} then {@link #flush}).
 */
final class Outbox {
  /** Catch-up sends its next page once no more than this waits. */
  static final long LOW_WATER_BYTES = 256 * 1024;

  private final CoreSession session;
  private final LongSupplier limitBytes;
  private final Runnable onOverflow;
  private final AtomicLong pendingBytes = new AtomicLong();
  private final AtomicReference<Runnable> drainedAction = new AtomicReference<>();
  private volatile boolean shut;

  /** {@code limitBytes}: read at each send, as the connection's budget leaves room. */
  Outbox(Session session, LongSupplier limitBytes, Runnable onOverflow) {
    this.session = ((WebSocketSession) session).getCoreSession();
    this.limitBytes = limitBytes;
    this.onOverflow = onOverflow;
  }

  /** A frame's text as the bytes Jetty writes, to share between connections (read-only). */
  static ByteBuffer encode(String frame) {
    return ByteBuffer.wrap(frame.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
  }

  /** Queues {@code frame} and has it written now; false when shut or just overflowed. */
  boolean send(String frame) {
    return send(encode(frame), false);
  }

  /**
   * Queues {@code frame} (from {@link #encode}) to be written with the next ones; {@link #flush}
   * when the last one of the run is queued.
   */
  boolean sendBatched(ByteBuffer frame) {
    return send(frame.duplicate(), true);
  }

  /** Writes what {@link #sendBatched} queued. */
  void flush() {
    if (!shut) {
      session.flush(Callback.NOOP);
    }
  }

  private boolean send(ByteBuffer payload, boolean batch) {
    if (shut) {
      return false;
    }
    int size = payload.remaining();
    long queued = pendingBytes.addAndGet(size);
    if (queued > limitBytes.getAsLong() && queued > size) { // one frame alone always fits
      pendingBytes.addAndGet(-size);
      shut = true;
      onOverflow.run();
      return false;
    }
    Frame text = new Frame(OpCode.TEXT, payload);
    try {
      session.sendFrame(text, Callback.from(() -> written(size), failure -> written(size)), batch);
    } catch (RuntimeException closedUnderUs) {
      written(size);
      return false;
    }
    return true;
  }

  /** What waits to be written, in bytes. */
  long queuedBytes() {
    return pendingBytes.get();
  }

  /** Runs {@code action} once the queue is down to {@link #LOW_WATER_BYTES} (now, if it is). */
  void whenDrained(Runnable action) {
    drainedAction.set(action);
    if (pendingBytes.get() <= LOW_WATER_BYTES) {
      runDrainedAction();
    }
  }

  /** Sends nothing more (the connection is closing). */
  void shut() {
    shut = true;
  }

  private void written(int size) {
    if (pendingBytes.addAndGet(-size) <= LOW_WATER_BYTES) {
      runDrainedAction();
    }
  }

  private void runDrainedAction() {
    Runnable action = drainedAction.getAndSet(null);
    if (action != null) {
      action.run();
    }
  }
}
