package io.chora.hub;

import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One workspace: its log, its clients, and the single writer that admits pushes.
 *
 * <p>Pushes from all connections go through one queue; the writer takes whatever has queued up and
 * commits it in one transaction (one fsync for many envelopes: group commit), then acknowledges and
 * relays the stored envelopes to the live clients. The monitor of this object guards what is
 * committed (clock, last arrival id) and who is live; relaying happens while holding it, so a
 * client that finishes catching up ({@link #goLiveIfCaughtUp}) misses nothing and gets nothing
 * twice.
 */
final class Workspace implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Workspace.class);

  /** Most pushes committed together, bounding one transaction's size and a client's wait. */
  private static final int MAX_BATCH = 512;

  private record PendingPush(HubConnection from, ClientMessage.Push push) {}

  private final String name;
  private final WorkspaceStore store;
  private final Executor storeWork;
  private final RateMeter storedRate = new RateMeter();
  private final SiteBindings bindings;

  private final Map<String, Long> clock;
  private long lastArrivalId;
  private long storedCount;
  // written under the monitor; copy-on-write so a relay can run while a send closes a connection
  private final List<HubConnection> live = new CopyOnWriteArrayList<>();
  private final Map<String, Map<String, Long>> peerClocks = new HashMap<>(); // under this
  private final Map<String, String> peerDigests = new HashMap<>(); // under this

  private final Set<HubConnection> connected = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<PendingPush> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean writerScheduled = new AtomicBoolean();

  Workspace(String name, WorkspaceStore store, Executor storeWork) throws SQLException {
    this.name = name;
    this.store = store;
    this.storeWork = storeWork;
    this.clock = store.loadClock();
    this.lastArrivalId = store.lastArrivalId();
    this.storedCount = store.count();
    this.bindings = new SiteBindings(store.loadBindings());
  }

  String name() {
    return name;
  }

  WorkspaceStore store() {
    return store;
  }

  void connected(HubConnection connection) {
    connected.add(connection);
  }

  void disconnected(HubConnection connection) {
    connected.remove(connection);
    synchronized (this) {
      live.remove(connection);
    }
  }

  /** Answers a hello: the welcome now, then the client's catch-up on the store threads. */
  /** Whether the log holds {@code origin}'s transaction {@code seq} with another nonce. */
  boolean differsAt(String origin, long seq, long nonce) {
    try {
      return store.differsAt(origin, seq, nonce);
    } catch (SQLException e) {
      LOG.error("workspace {}: could not read stored nonces", name, e);
      return false;
    }
  }

  /** Why {@code credential} may not say this hello ({@link SiteBindings}), or null. */
  String bindingRefusal(Credential credential, ClientMessage.Hello hello) {
    Map<String, Long> hubClock;
    synchronized (this) {
      hubClock = new HashMap<>(clock);
    }
    return bindings.helloRefusal(credential, hello.site(), hello.former(), hello.clock(), hubClock);
  }

  void hello(HubConnection connection) {
    Map<String, Long> hubClock;
    long lastId;
    synchronized (this) {
      hubClock = new HashMap<>(clock);
      lastId = lastArrivalId;
    }
    connection.send(Frames.welcome(hubClock));
    execute(new CatchUp(this, connection, hubClock, lastId));
  }

  /**
   * Makes {@code connection} live if its catch-up has read the whole log, sending {@code caughtUp}
   * first. Envelopes stored after that reach it by relay; those it already got from the log are
   * skipped because the connection remembers what it was sent.
   *
   * @return false if more was stored meanwhile and the catch-up must read on
   */
  synchronized boolean goLiveIfCaughtUp(HubConnection connection, long readUpTo) {
    if (readUpTo < lastArrivalId) {
      return false;
    }
    if (!connection.isClosed()) { // closed: disconnected() already ran, so do not add it back
      connection.send(Frames.caughtUp(new HashMap<>(clock)));
      peerClocks.forEach(
          (site, held) -> {
            if (!site.equals(connection.site())) {
              connection.send(Frames.peerClock(site, held, peerDigests.get(site)));
            }
          });
      live.add(connection);
    }
    return true;
  }

  /**
   * A client's clock, merged into what the hub heard of its site and passed to every other live
   * client. Kept in memory only: clients say it again when they connect. One entry per site that
   * ever spoke, as the workspace's clock has.
   *
   * @return false, keeping nothing, if the merged clock would hold more than {@link
   *     Clocks#MAX_ENTRIES} sites
   */
  synchronized boolean peerClock(
      HubConnection from, String site, Map<String, Long> held, String digest) {
    Map<String, Long> merged = new HashMap<>(peerClocks.getOrDefault(site, Map.of()));
    held.forEach((s, seq) -> merged.merge(s, seq, Math::max));
    if (merged.size() > Clocks.MAX_ENTRIES) {
      return false;
    }
    peerClocks.put(site, Map.copyOf(merged));
    // a digest tells what the tables hold at the clock said: relayed only with that very clock
    if (digest != null && merged.equals(held)) {
      peerDigests.put(site, digest);
    } else {
      peerDigests.remove(site);
    }
    String frame = Frames.peerClock(site, merged, peerDigests.get(site));
    for (HubConnection receiver : live) {
      if (receiver != from) {
        receiver.send(frame);
      }
    }
    return true;
  }

  /** Queues a push for the writer. Pushes are decided in the order they were queued. */
  void submit(HubConnection from, ClientMessage.Push push) {
    pending.add(new PendingPush(from, push));
    scheduleWriter();
  }

  private void scheduleWriter() {
    if (writerScheduled.compareAndSet(false, true)) {
      try {
        storeWork.execute(this::writeBatch);
      } catch (RejectedExecutionException shuttingDown) {
        writerScheduled.set(false);
      }
    }
  }

  /** One group commit; runs again for pushes that queued up meanwhile. */
  private void writeBatch() {
    try {
      List<PendingPush> batch = new ArrayList<>();
      for (PendingPush push; batch.size() < MAX_BATCH && (push = pending.poll()) != null; ) {
        batch.add(push);
      }
      if (!batch.isEmpty()) {
        commit(batch);
      }
    } finally {
      writerScheduled.set(false);
      if (!pending.isEmpty()) {
        scheduleWriter();
      }
    }
  }

  private void commit(List<PendingPush> batch) {
    Map<String, Long> held;
    synchronized (this) {
      held = new HashMap<>(clock); // only this writer changes the clock; copy to decide ahead
    }
    List<Admission.Decision> decisions = new ArrayList<>(batch.size());
    List<PendingPush> admitted = new ArrayList<>();
    Map<String, String> binding = new HashMap<>(); // sites this commit binds
    for (PendingPush push : batch) {
      Envelope envelope = push.push().envelope();
      Credential credential = push.from().credential();
      if (bindings.boundElsewhere(credential, envelope.origin(), binding)) {
        push.from().close(ProtocolViolation.POLICY, SiteBindings.refusal(envelope.origin()));
        decisions.add(null); // no answer: the connection is closed
        continue;
      }
      Admission.Decision decision =
          forkOr(Admission.decide(held, envelope, push.push().deps()), envelope);
      decisions.add(decision);
      if (decision.kind() == Admission.Kind.STORE) {
        held.put(envelope.origin(), envelope.last());
        admitted.add(push);
        if (bindings.owner(envelope.origin()) == null) {
          binding.putIfAbsent(envelope.origin(), credential.id());
        }
      }
    }
    long[] arrivalIds;
    try {
      arrivalIds = admitted.isEmpty() ? new long[0] : store.append(envelopesOf(admitted), binding);
    } catch (SQLException e) {
      LOG.error("workspace {}: could not store {} envelopes", name, admitted.size(), e);
      for (PendingPush push : batch) { // nothing of this batch is acknowledged; they push again
        push.from().close(1011, "the hub could not store the push");
      }
      return;
    }
    bindings.addAll(binding);
    // answer the senders first: relaying to every client takes longer than the commit did
    for (int i = 0; i < batch.size(); i++) {
      PendingPush push = batch.get(i);
      Envelope envelope = push.push().envelope();
      Admission.Decision decision = decisions.get(i);
      if (decision == null) {
        continue;
      }
      push.from()
          .send(
              decision.kind() == Admission.Kind.REFUSE
                  ? Frames.nack(envelope, decision.reason())
                  : Frames.ack(envelope.origin(), envelope.last()));
    }
    relay(admitted, arrivalIds);
    storedRate.record(admitted.size(), System.currentTimeMillis());
  }

  /**
   * A push of transactions the hub already holds (a duplicate, or an overlap) whose nonces differ
   * from the stored ones is another history under the same site id: refused by name.
   */
  private Admission.Decision forkOr(Admission.Decision decision, Envelope envelope) {
    if (decision.kind() == Admission.Kind.STORE) {
      return decision;
    }
    long seq;
    try {
      seq = store.forkedAt(envelope);
    } catch (SQLException e) {
      LOG.error("workspace {}: could not read stored nonces", name, e);
      return decision;
    }
    return seq == 0
        ? decision
        : Admission.Decision.refuse(
            "fork: the hub holds another transaction "
                + envelope.origin()
                + ":"
                + seq
                + " than this replica; two files write as site '"
                + envelope.origin()
                + "' (see docs/replicas.md)");
  }

  private static List<Envelope> envelopesOf(List<PendingPush> pushes) {
    List<Envelope> envelopes = new ArrayList<>(pushes.size());
    pushes.forEach(push -> envelopes.add(push.push().envelope()));
    return envelopes;
  }

  /**
   * Publishes what was just committed and sends it to every live client but its sender: each
   * envelope encoded once, each client's share written in one go.
   */
  private synchronized void relay(List<PendingPush> stored, long[] arrivalIds) {
    ByteBuffer[] frames = new ByteBuffer[stored.size()];
    for (int i = 0; i < stored.size(); i++) {
      Envelope envelope = stored.get(i).push().envelope();
      clock.merge(envelope.origin(), envelope.last(), Math::max);
      lastArrivalId = arrivalIds[i];
      storedCount++;
      frames[i] = live.isEmpty() ? null : Outbox.encode(Frames.envelope(envelope));
    }
    for (HubConnection receiver : live) {
      boolean sent = false;
      for (int i = 0; i < stored.size(); i++) {
        Envelope envelope = stored.get(i).push().envelope();
        if (receiver != stored.get(i).from()
            && !receiver.holds(envelope.origin(), envelope.last())) {
          receiver.sendEnvelope(envelope, frames[i]);
          sent = true;
        }
      }
      if (sent) {
        receiver.flush();
      }
    }
  }

  /** Runs store work (catch-up pages) on the hub's store threads. */
  void execute(Runnable work) {
    try {
      storeWork.execute(work);
    } catch (RejectedExecutionException shuttingDown) {
      // the hub is closing; its connections are being closed too
    }
  }

  int connectedClients() {
    return connected.size();
  }

  synchronized long storedCount() {
    return storedCount;
  }

  double storedPerSecond() {
    return storedRate.perSecond(System.currentTimeMillis());
  }

  @Override
  public void close() throws SQLException {
    store.close();
  }
}
