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
  private static final long SHARED_CLOCK_NANOS = 1_000_000_000L;

  private static final Logger LOG = LoggerFactory.getLogger(Workspace.class);

  /** Most pushes committed together, bounding one transaction's size and a client's wait. */
  private static final int MAX_BATCH = 512;

  private record PendingPush(HubConnection from, ClientMessage.Push push) {}

  private final String name;
  private final LogStore store;
  private final Executor storeWork;
  private final RateMeter storedRate = new RateMeter();
  private final PushCounters counters = new PushCounters();
  private final SiteBindings bindings;
  private final WorkspaceSnapshots snapshots;
  private final AtomicBoolean sweeping = new AtomicBoolean();

  private final Map<String, Long> clock;
  // the clock as of at most about a second ago, immutable: the base every connection's HeldClock
  // shares, read without a lock (a HeldClock re-bases under its own lock, which a relay holding
  // this monitor also takes)
  private volatile Map<String, Long> sharedClock;
  private long sharedClockAt; // under this
  private long lastArrivalId;
  private long storedCount;
  // written under the monitor; copy-on-write so a relay can run while a send closes a connection
  private final List<HubConnection> live = new CopyOnWriteArrayList<>();
  private final Map<String, Map<String, Long>> peerClocks = new HashMap<>(); // under this
  private final Map<String, String> peerDigests = new HashMap<>(); // under this

  private final Set<HubConnection> connected = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<PendingPush> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean writerScheduled = new AtomicBoolean();

  Workspace(String name, LogStore store, Executor storeWork, SnapshotPolicy policy)
      throws SQLException {
    this.name = name;
    this.store = store;
    this.storeWork = storeWork;
    this.clock = store.loadClock();
    this.sharedClock = Map.copyOf(clock);
    this.sharedClockAt = System.nanoTime();
    this.lastArrivalId = store.lastArrivalId();
    this.storedCount = store.count();
    this.bindings = new SiteBindings(store.loadBindings());
    this.snapshots = new WorkspaceSnapshots(name, store, policy);
    store.onStoredElsewhere(() -> execute(this::pullStored));
  }

  String name() {
    return name;
  }

  LogStore store() {
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

  /**
   * Answers a hello with the client's catch-up on the store threads, which starts with the welcome
   * or a refusal ({@link CatchUp}).
   */
  void hello(HubConnection connection) {
    Map<String, Long> hubClock;
    long lastId;
    synchronized (this) {
      hubClock = new HashMap<>(clock);
      lastId = lastArrivalId;
    }
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
    snapshots.maybeAsk(java.util.List.of(connection), lastArrivalId);
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
    snapshots.heard(site, held);
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

  /**
   * Held from a commit to its relay, and by {@link #pullStored}: a pull that ran between them would
   * read this instance's own envelopes before their senders are acked and echo them back.
   */
  private final Object publishing = new Object();

  private void commit(List<PendingPush> batch) {
    synchronized (publishing) {
      commitAndRelay(batch);
    }
  }

  private void commitAndRelay(List<PendingPush> batch) {
    GroupCommit decided =
        new GroupCommit(batch.stream().map(PendingPush::push).toList(), creds(batch));
    long[] arrivalIds;
    try {
      arrivalIds = store.append(decided);
    } catch (SQLException e) {
      LOG.error("workspace {}: could not store {} pushes", name, batch.size(), e);
      counters.storeFailed();
      for (PendingPush push : batch) { // nothing of this batch is acknowledged; they push again
        push.from().close(1011, "the hub could not store the push");
      }
      return;
    }
    bindings.addAll(decided.bindings());
    List<PendingPush> admitted = new ArrayList<>();
    // answer the senders first: relaying to every client takes longer than the commit did
    for (int i = 0; i < batch.size(); i++) {
      PendingPush push = batch.get(i);
      Envelope envelope = push.push().envelope();
      Admission.Decision decision = decided.decision(i);
      counters.decided(decision);
      if (decision == null) {
        push.from().close(ProtocolViolation.POLICY, SiteBindings.refusal(envelope.origin()));
      } else if (decision.kind() == Admission.Kind.REFUSE) {
        push.from().send(Frames.nack(envelope, decision.reason()));
      } else {
        push.from().acked(envelope);
        if (decision.kind() == Admission.Kind.STORE) {
          admitted.add(push);
        }
      }
    }
    relay(admitted, arrivalIds);
    storedRate.record(admitted.size(), System.currentTimeMillis());
    synchronized (this) { // asks a client that just pushed first: it surely is a member
      List<HubConnection> candidates = new ArrayList<>();
      admitted.forEach(push -> candidates.add(push.from()));
      candidates.addAll(live);
      snapshots.maybeAsk(candidates, lastArrivalId);
    }
  }

  private static List<Credential> creds(List<PendingPush> batch) {
    return batch.stream().map(push -> push.from().credential()).toList();
  }

  /**
   * Publishes what was just committed and sends it to every live client but its sender: each
   * envelope encoded once, each client's share written in one go. If other hub instances stored
   * envelopes in between (their arrival ids lie before ours), those are read from the store and
   * relayed first, so every client sees the log's causal order.
   */
  private synchronized void relay(List<PendingPush> stored, long[] arrivalIds) {
    if (arrivalIds.length > 0 && arrivalIds[0] > lastArrivalId + 1) {
      pullStoredLocked();
    }
    List<Envelope> fresh = new ArrayList<>(stored.size());
    List<HubConnection> senders = new ArrayList<>(stored.size());
    for (int i = 0; i < stored.size(); i++) {
      if (arrivalIds[i] > lastArrivalId) { // else a pull already relayed it
        fresh.add(stored.get(i).push().envelope());
        senders.add(stored.get(i).from());
        lastArrivalId = arrivalIds[i];
      }
    }
    publish(fresh, senders);
  }

  /**
   * Relays what the store holds beyond what this instance has relayed: envelopes other hub
   * instances stored ({@link LogStore#onStoredElsewhere}). Their senders are connected elsewhere; a
   * client here that already holds one (it pushed it, or got it in its catch-up) is skipped.
   */
  void pullStored() {
    synchronized (publishing) {
      synchronized (this) {
        pullStoredLocked();
      }
    }
  }

  private void pullStoredLocked() {
    try {
      while (true) {
        LogStore.Page page = store.readAfter(lastArrivalId, (o, l) -> false, 1000, 4 << 20);
        List<Envelope> fresh = new ArrayList<>(page.lacking().size());
        boolean unbound = false;
        for (LogStore.Stored row : page.lacking()) {
          fresh.add(row.envelope());
          unbound |= bindings.owner(row.envelope().origin()) == null;
        }
        if (unbound) {
          bindings.addAll(store.loadBindings()); // sites another instance bound
        }
        lastArrivalId = page.lastReadId();
        publish(fresh, null);
        if (page.reachedEnd()) {
          return;
        }
      }
    } catch (SQLException e) {
      LOG.warn("workspace {}: could not read what other hubs stored; retrying", name, e);
    }
  }

  /** The workspace's clock as of about a second ago, immutable ({@link HeldClock}). */
  Map<String, Long> sharedClock() {
    return sharedClock;
  }

  /** Sends {@code envelopes} (committed, in log order) to the live clients that lack them. */
  private void publish(List<Envelope> envelopes, List<HubConnection> senders) {
    ByteBuffer[] frames = new ByteBuffer[envelopes.size()];
    for (int i = 0; i < envelopes.size(); i++) {
      Envelope envelope = envelopes.get(i);
      clock.merge(envelope.origin(), envelope.last(), Math::max);
      storedCount++;
      frames[i] = live.isEmpty() ? null : Outbox.encode(Frames.envelope(envelope));
    }
    long now = System.nanoTime();
    if (now - sharedClockAt > SHARED_CLOCK_NANOS) {
      sharedClock = Map.copyOf(clock);
      sharedClockAt = now;
    }
    for (HubConnection receiver : live) {
      boolean sent = false;
      for (int i = 0; i < envelopes.size(); i++) {
        Envelope envelope = envelopes.get(i);
        if ((senders == null || receiver != senders.get(i))
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

  /**
   * Waits (until {@code deadlineNanos} at most) for the writer to commit what was queued, so that a
   * draining hub sends those acks before it closes the connections.
   */
  void awaitWriterIdle(long deadlineNanos) throws InterruptedException {
    while ((writerScheduled.get() || !pending.isEmpty()) && System.nanoTime() < deadlineNanos) {
      Thread.sleep(5);
    }
  }

  /**
   * Plans a client's catch-up ({@link WorkspaceSnapshots#startCatchUp}), on a store thread.
   *
   * @param hubClock what the hub held at the hello
   */
  Bootstrap.Plan startCatchUp(HubConnection connection, Map<String, Long> hubClock)
      throws SQLException {
    return snapshots.startCatchUp(connection, hubClock, storedCount());
  }

  /** Sends the latest snapshot to a client planned to start from it. */
  void sendSnapshot(HubConnection connection) throws SQLException {
    snapshots.sendLatest(connection);
  }

  /** A member's snapshot upload, stored on a store thread and answered. */
  void snapshotUploaded(HubConnection from, ClientMessage.Snapshot snapshot) {
    execute(
        () -> {
          Map<String, Long> hubClock;
          long lastId;
          // the uploader may have its ack before the clock took the envelope: the relay after
          // a commit (under publishing) must have run
          synchronized (publishing) {
            synchronized (this) {
              hubClock = new HashMap<>(clock);
              lastId = lastArrivalId;
            }
          }
          String refusal;
          try {
            refusal = snapshots.upload(from, snapshot, hubClock, lastId);
          } catch (SQLException e) {
            LOG.error("workspace {}: could not store a snapshot", name, e);
            refusal = "the hub could not store it";
          }
          from.send(Frames.snapshotStored(snapshot.clock(), refusal));
        });
  }

  /** Stores what members said and compacts, when due, on a store thread (never two at once). */
  void sweepSnapshots() {
    if (sweeping.compareAndSet(false, true)) {
      execute(
          () -> {
            try {
              int removed = snapshots.sweep(connected);
              if (removed > 0) {
                synchronized (this) {
                  storedCount -= removed;
                }
              }
            } finally {
              sweeping.set(false);
            }
          });
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

  PushCounters counters() {
    return counters;
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
