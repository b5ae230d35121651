package io.chora.jdbc.hub;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.HubStatus;
import io.chora.jdbc.RemoteChangeListener;
import io.chora.jdbc.hub.HubProtocol.Envelope;
import io.chora.jdbc.hub.HubProtocol.Message;
import io.chora.jdbc.shared.ReplicaConnection;
import io.chora.sync.ApplyResult;
import io.chora.sync.ChangeSet;
import io.chora.sync.VectorClock;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Live sync of one database file with a hub (docs/protocol.md). Everything it does runs on one
 * worker thread, so its state needs no locks: connecting, applying what the hub sends on its own
 * connection to the file (one apply transaction per envelope, so the application's connections wait
 * at most that long), and pushing this replica's transactions after each local commit. The
 * WebSocket's callbacks only hand messages to the worker.
 */
final class HubClient {
  private static final System.Logger LOG = System.getLogger("io.chora.jdbc.hub");
  // a hub that stops without closing its sockets (an embedded one, a frozen host) answers no
  // pings: heard of within SILENCE_LIMIT, and pings often enough that a live one always is
  private static final Duration HEARTBEAT = Duration.ofSeconds(5);
  private static final Duration SILENCE_LIMIT = Duration.ofSeconds(20);
  private static final int MAX_ENVELOPE_BYTES = 12 << 20; // base64 of it stays under 16 MiB
  // what one message from the hub may hold: its envelopes come from pushes of at most its frame
  // limit (16 MiB by default), with room for a hub configured larger
  private static final int MAX_MESSAGE_CHARS = 64 << 20;
  // the hub closes connections that push more than 200 times a second: at most one push per
  // 10 ms, and commits made meanwhile travel together in the next envelope
  private static final long PUSH_INTERVAL_NANOS = 10_000_000L;
  private static final long TELL_DELAY_MS = 200;
  private static final long RECORD_DELAY_MS = 1000;
  // held envelopes are tried again this often from the database, and soon after a schema change
  private static final long RETRY_HELD_NANOS = 60_000_000_000L;
  // a busy writer commits between reading its clock and exporting: tried again at most this often
  private static final long SNAPSHOT_RETRY_NANOS = 1_000_000_000L;

  /** Opens the client's own connection to the database, without a hub. */
  @FunctionalInterface
  public interface Opener {
    ChoraConnection open() throws SQLException;
  }

  private final HubAddress address;
  private final Reconnects reconnects; // which endpoint, when
  private final PayloadCipher cipher;
  private final HubSnapshots snapshots;
  private final HubEnvelopes envelopes;
  private final Opener opener;
  private final ScheduledExecutorService worker;
  private final ExecutorService callbacks;
  private final RemoteListeners listeners = new RemoteListeners();
  private final TroubleLog troubles;

  // worker-thread state
  private HttpClient http;
  private ChoraConnection own;
  private Quarantine quarantine;
  private PeerDigests digests;
  private long triedHeldAt = System.nanoTime();
  private long triedHeldSchema = -1;
  private String site;

  /** Sites this file wrote as before {@link #site}: their history is pushed too. */
  private List<String> former = List.of();

  private WebSocket socket;
  private int generation;
  private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
  private final StringBuilder partial = new StringBuilder();
  private VectorClock hubClock = new VectorClock();
  // what the hub relayed of other replicas' clocks, not yet written to the file
  private final Map<String, VectorClock> heardPeers = new TreeMap<>();
  private boolean hubSaysPeerClocks; // the hub relays clocks (hubs before it would refuse one)
  private boolean snapshotWanted; // the hub asked for a snapshot, not yet sent on this connection
  private long snapshotTriedAt = System.nanoTime() - SNAPSHOT_RETRY_NANOS;
  private VectorClock toldClock; // the clock this client last told the hub
  private boolean tellScheduled;
  private boolean recordScheduled;
  private Envelope inFlight;
  private long lastPush = System.nanoTime() - PUSH_INTERVAL_NANOS;
  private boolean pushScheduled;
  private long seenDataVersion = -1;
  private long lastHeard;
  private long lastPing;
  private boolean closed;
  private int refusedPushes;
  // retries come after 20, 40, 80 … ms: about 2.3 s of refusals before a WARNING
  private static final int REFUSALS_BEFORE_WARNING = 8;
  // the WebSocket close code the hub turns a replica away with (RFC 6455 section 7.4.1)
  private static final int POLICY_VIOLATION = 1008;
  private static final int GOING_AWAY = 1001;
  private static final int SERVICE_RESTART = 1012;

  // read by other threads for hubStatus()
  private volatile boolean connected;
  private volatile boolean caughtUp;
  private volatile long acknowledged; // this replica's seq the hub holds durably
  private volatile Instant lastExchange;
  private volatile String lastError;
  private volatile boolean refused; // the last attempt was turned away (HubStatus#refused)

  HubClient(HubAddress address, Opener opener) throws SQLException {
    this.address = address;
    this.reconnects = new Reconnects(address.endpoints());
    this.cipher = address.cipher();
    this.snapshots = new HubSnapshots(cipher, address.signatures());
    this.envelopes = new HubEnvelopes(cipher, address.signatures());
    this.opener = opener;
    this.troubles = new TroubleLog(address.database());
    String name = "chora-hub-client-" + address.database().getFileName();
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    this.callbacks =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, name + "-io");
              t.setDaemon(true);
              return t;
            });
  }

  void start() {
    onWorker(this::connect);
    worker.scheduleWithFixedDelay(guarded(this::tick), 1, 1, TimeUnit.SECONDS);
  }

  /** A connection to the database committed: push what the hub lacks once the commit landed. */
  public void localCommit() {
    onWorker(() -> awaitCommitThenPush(0));
  }

  void addListener(Object owner, RemoteChangeListener listener) {
    listeners.add(owner, listener);
  }

  void removeListener(RemoteChangeListener listener) {
    listeners.remove(listener);
  }

  void removeListenersOf(Object owner) {
    listeners.removeAllOf(owner);
  }

  /**
   * The status; pending counts the transactions of {@code site} in {@code clock} that the hub has
   * not acknowledged (as of the last word from it).
   */
  HubStatus status(String site, VectorClock clock) {
    long pending = Math.max(0, clock.get(site) - acknowledged);
    Quarantine q = quarantine;
    return new HubStatus(
        true,
        connected,
        caughtUp,
        pending,
        lastExchange,
        lastError,
        q == null ? List.of() : q.held(),
        refused);
  }

  /** Stops the client: closes the socket and its own connection, ends its threads. */
  void close() {
    try {
      worker.submit(this::shutdown).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.log(System.Logger.Level.DEBUG, "chora hub client did not stop cleanly", e);
    }
    worker.shutdownNow();
    callbacks.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
      callbacks.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void shutdown() {
    closed = true;
    connected = false;
    if (socket != null) {
      socket.abort(); // a close handshake could wait on a dead peer; the hub sees the drop
      socket = null;
    }
    http = null; // on Java 17 its selector thread ends once the client is unreachable
    if (own != null) {
      try {
        own.close();
      } catch (SQLException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing the hub client's connection", e);
      }
      own = null;
    }
  }

  // ---- connecting ------------------------------------------------------------------------

  private void connect() {
    if (closed) {
      return;
    }
    try {
      if (own == null) {
        own = opener.open();
        if (!(own instanceof ReplicaConnection replica)) {
          throw new SQLException("the hub client needs a chora replica connection, not " + own);
        }
        quarantine = new Quarantine(replica);
        digests = new PeerDigests(replica, cipher);
        site = own.siteId();
        former = own instanceof ReplicaConnection r ? r.formerSiteIds() : List.of();
      }
      if (http == null) {
        http =
            HttpClient.newBuilder()
                .executor(callbacks)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
      }
    } catch (SQLException | RuntimeException e) {
      failed(Trouble.LOCAL, "cannot open " + address.database() + ": " + e.getMessage());
      return;
    }
    int attempt = ++generation;
    http.newWebSocketBuilder()
        .header("Authorization", "Bearer " + address.token())
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(reconnects.current(), new Listener(attempt))
        .whenComplete(
            (ws, error) ->
                onWorker(
                    () -> {
                      if (attempt != generation || closed) {
                        if (ws != null) {
                          ws.abort();
                        }
                      } else if (error != null) {
                        failed(
                            TroubleLog.kindOf(error),
                            "cannot reach the hub at "
                                + endpoint()
                                + ": "
                                + TroubleLog.describe(error));
                      } else {
                        opened(ws);
                      }
                    }));
  }

  private void opened(WebSocket ws) {
    socket = ws;
    sending = CompletableFuture.completedFuture(null); // a send stuck on a dead socket stays there
    lastHeard = System.nanoTime();
    try {
      // the file may have moved to another site since (a fork repair by another process)
      site = own.siteId();
      former = own instanceof ReplicaConnection r ? r.formerSiteIds() : List.of();
      send(
          HubProtocol.hello(
              site,
              own.clock(),
              former,
              own instanceof ReplicaConnection r ? r.ownHeads() : Map.of()));
    } catch (SQLException e) {
      failed(Trouble.LOCAL, "cannot read this replica's clock: " + e.getMessage());
    }
  }

  /**
   * Drops the connection (if any) and tries again: the next endpoint at once, or after a jittered,
   * growing delay once every endpoint failed in turn ({@link Reconnects}).
   */
  private void failed(Trouble trouble, String problem) {
    failed(
        trouble,
        problem,
        trouble == Trouble.LOCAL ? Reconnects.Cause.LOCAL : Reconnects.Cause.ENDPOINT);
  }

  private void failed(Trouble trouble, String problem, Reconnects.Cause cause) {
    // a refusal stands until a hub welcomes this client again: an attempt in between that fails
    // on the way (a reset socket, a hub restarting) says nothing about what was refused
    boolean refusalStands = refused && !connected && trouble != Trouble.REFUSED;
    boolean news = !refusalStands && (!problem.equals(lastError) || connected);
    if (!refusalStands) {
      lastError = problem;
      refused = trouble == Trouble.REFUSED;
      if (cause != Reconnects.Cause.RESTART) { // a restart is routine: warned of if it lasts
        warn(trouble, problem);
      }
    }
    dropSocket();
    if (closed) {
      return;
    }
    if (news) {
      recordSoon();
    }
    long delay = reconnects.ended(cause);
    LOG.log(
        System.Logger.Level.DEBUG,
        "chora hub: {0}; retrying {1} in {2} ms",
        problem,
        reconnects.current(),
        delay);
    later(this::connect, delay);
  }

  /** The endpoint this client is connected or connecting to. */
  private java.net.URI endpoint() {
    return reconnects.current();
  }

  private void tick() {
    if (closed) {
      return;
    }
    if (socket != null) {
      long now = System.nanoTime();
      if (now - lastHeard > SILENCE_LIMIT.toNanos()) {
        failed(Trouble.UNREACHABLE, "the hub at " + endpoint() + " went silent");
        return;
      }
      if (now - lastPing > HEARTBEAT.toNanos()) {
        lastPing = now;
        send(HubProtocol.ping("ping", now));
      }
    }
    awaitCommitThenPush(Integer.MAX_VALUE); // writes of other programs, seen by data_version
    tryHeldAgainIfDue();
    try {
      // the hub's wish may have met its last event inside the retry window (or while a commit was
      // landing): no later ack or message would bring it back, so each tick looks again
      uploadSnapshotIfWanted();
    } catch (SQLException e) {
      LOG.log(
          System.Logger.Level.DEBUG, "chora hub: a snapshot upload failed: {0}", e.getMessage());
    }
  }

  // ---- messages --------------------------------------------------------------------------

  private final class Listener implements WebSocket.Listener {
    private final int attempt;

    Listener(int attempt) {
      this.attempt = attempt;
    }

    @Override
    public CompletableFuture<?> onText(WebSocket ws, CharSequence data, boolean last) {
      String part = data.toString();
      onWorker(
          () -> {
            if (attempt != generation) {
              return;
            }
            try {
              if (partial.length() + part.length() > MAX_MESSAGE_CHARS) {
                partial.setLength(0);
                failed( // a hub that sends without end must not fill this process's heap
                    Trouble.LOCAL,
                    "the hub at "
                        + endpoint()
                        + " sent a message of more than "
                        + MAX_MESSAGE_CHARS
                        + " characters; reconnecting");
                return;
              }
              partial.append(part);
              if (last) {
                String text = partial.toString();
                partial.setLength(0);
                handle(text);
              }
            } finally {
              if (socket == ws) {
                ws.request(1); // the next message (or the close) only once this one is handled
              }
            }
          });
      return null;
    }

    @Override
    public CompletableFuture<?> onClose(WebSocket ws, int code, String reason) {
      onWorker(
          () -> {
            if (attempt == generation) {
              // going away (a hub shutting down) is the start of a hub that cannot be reached;
              // a policy close (revoked token, site of another device, fork) is a refusal
              Trouble trouble =
                  code == GOING_AWAY || code == SERVICE_RESTART || code == 1006
                      ? Trouble.UNREACHABLE
                      : code == POLICY_VIOLATION ? Trouble.REFUSED : Trouble.DROPPED;
              // a hub that welcomed this client and now stops (a drain) or restarts: the next
              // endpoint at once, no backoff; before a welcome it counts as a failed attempt
              boolean restart = connected && (code == GOING_AWAY || code == SERVICE_RESTART);
              failed(
                  trouble,
                  "the hub at "
                      + endpoint()
                      + " closed the connection ("
                      + code
                      + " "
                      + reason
                      + ")"
                      + troubles.whatToRun(reason, endpoint()),
                  restart ? Reconnects.Cause.RESTART : Reconnects.Cause.ENDPOINT);
            }
          });
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      onWorker(
          () -> {
            if (attempt == generation) {
              failed(
                  Trouble.UNREACHABLE,
                  "connection to the hub at "
                      + endpoint()
                      + " failed: "
                      + TroubleLog.describe(error));
            }
          });
    }
  }

  private void handle(String text) {
    lastHeard = System.nanoTime();
    try {
      Message m = HubProtocol.read(text);
      switch (m.type()) {
        case "welcome" -> welcome(m);
        case "envelope" -> received(m.envelope());
        case "snapshot" -> startFrom(m);
        case "snapshotWanted" -> {
          snapshotWanted = true;
          uploadSnapshotIfWanted();
        }
        case "snapshotStored" -> {
          if (m.optionalText("refused") != null) {
            LOG.log(
                System.Logger.Level.DEBUG,
                "chora hub: the hub refused this replica's snapshot: {0}",
                m.optionalText("refused"));
          }
        }
        case "caughtUp" -> {
          hubClock = hubClock.merge(m.clock("hubClock"));
          caughtUp = true;
          uploadSnapshotIfWanted();
          tellClockSoon();
          recordSoon();
        }
        case "peerClock" -> {
          heardPeers.merge(m.site("site"), m.clock("clock"), VectorClock::merge);
          diverged(digests.heard(m.site("site"), m.clock("clock"), m.optionalText("digest")));
          recordSoon();
        }
        case "ack" -> acked(m.site("origin"), m.seq("last"));
        case "nack" -> nacked(m.text("reason"));
        case "ping" -> send(HubProtocol.ping("pong", m.number("nonce")));
        case "pong" -> {}
        default -> LOG.log(System.Logger.Level.DEBUG, "chora hub: ignored {0}", m.type());
      }
    } catch (IllegalArgumentException e) {
      // nothing of the message was taken: the work this replica has not pushed stays pending
      failed(
          Trouble.LOCAL,
          "the hub at " + endpoint() + " sent a message this client refuses: " + e.getMessage());
    } catch (SQLException e) {
      failed(Trouble.LOCAL, "applying changes from the hub failed: " + e.getMessage());
    }
  }

  private void welcome(Message m) throws SQLException {
    if (m.number("version") != HubProtocol.VERSION) {
      failed(Trouble.REFUSED, "the hub speaks protocol version " + m.number("version"));
      return;
    }
    hubClock = m.clock("hubClock");
    hubSaysPeerClocks = m.fields().containsKey("peerClocks");
    snapshotWanted = false;
    toldClock = null;
    connected = true;
    reconnects.welcomed();
    lastError = null;
    refused = false;
    troubles.recovered("connected to the hub at " + endpoint());
    quarantine.forgetWhatTheHubLacks(hubClock);
    pushIfNeeded();
  }

  /**
   * A new replica starts from the hub's snapshot instead of the history before it; envelopes after
   * it follow. One that cannot be opened or applied stops the catch-up: nothing partial is kept.
   */
  private void startFrom(Message m) throws SQLException {
    lastExchange = Instant.now();
    ChangeSet set;
    try {
      set = snapshots.open(m);
      own.apply(set);
    } catch (java.io.IOException | IllegalArgumentException | SQLException e) {
      failed(
          Trouble.LOCAL,
          "cannot start from the hub's snapshot of " + m.text("site") + ": " + e.getMessage());
      return;
    }
    listeners.tell(m.text("site"), set);
    tellClockSoon();
  }

  /**
   * Uploads this replica's state if the hub asked and the hub holds all of this replica's own
   * transactions (a snapshot may cover only what the hub holds).
   */
  private void uploadSnapshotIfWanted() throws SQLException {
    if (!snapshotWanted || !connected || !caughtUp || inFlight != null || own == null) {
      return;
    }
    if (!hubHolds(own.clock()) || System.nanoTime() - snapshotTriedAt < SNAPSHOT_RETRY_NANOS) {
      return; // pushes still to go: tried again once they are acked
    }
    snapshotTriedAt = System.nanoTime();
    HubSnapshots.Upload upload = snapshots.upload(own, site, MAX_ENVELOPE_BYTES * 4 / 3 + 1024);
    if (!hubHolds(upload.clock())) {
      return; // a commit landed meanwhile: the hub would refuse it
    }
    snapshotWanted = false;
    if (upload.message() == null) {
      LOG.log(
          System.Logger.Level.INFO,
          "chora hub: {0}: the hub asked for a snapshot, but this replica's state is over the"
              + " hub's frame limit; new replicas catch up from the history",
          address.database());
      return;
    }
    send(upload.message());
  }

  /** Whether the hub holds everything {@code clock} does, as far as this client heard. */
  private boolean hubHolds(VectorClock clock) {
    for (Map.Entry<String, Long> held : clock.entries().entrySet()) {
      if (held.getValue() > hubClock.get(held.getKey())) {
        return false;
      }
    }
    return true;
  }

  private void received(Envelope e) throws SQLException {
    lastExchange = Instant.now();
    hubClock = hubClock.with(e.origin(), Math.max(hubClock.get(e.origin()), e.last()));
    applyOrHold(e);
    pushIfNeeded(); // a merge may have removed rows for a constraint: a new local transaction
  }

  /**
   * Applies an envelope, or holds it back (docs/quarantine.md) when it depends on one held or
   * cannot be read or applied as it is; other troubles (a busy or full database) throw, and the
   * client reconnects and gets it again.
   */
  private void applyOrHold(Envelope e) throws SQLException {
    String blocker = quarantine.isEmpty() ? null : quarantine.blocker(e, own.clock());
    if (blocker != null) {
      quarantine.hold(e, "waits for " + blocker + ", which is held back", blocker);
      return;
    }
    ChangeSet set;
    ApplyResult result;
    try {
      set = envelopes.open(e);
      result = own.apply(set);
    } catch (java.io.IOException | IllegalArgumentException unreadable) {
      held(e, "cannot read it: " + unreadable.getMessage());
      return;
    } catch (SQLException failed) {
      if (!Quarantine.isTheEnvelopes(failed)) {
        throw failed;
      }
      held(e, "cannot apply it: " + failed.getMessage());
      return;
    } catch (RuntimeException bug) { // a set that makes chora fail must not stop everyone's sync
      held(e, "applying it failed: " + bug);
      return;
    }
    quarantine.applied(e);
    if (result.applied() > 0) {
      listeners.tell(e.origin(), set);
      tellClockSoon();
    }
  }

  /** A digest comparison found a divergence: the status says so until the next connect. */
  private void diverged(String problem) {
    if (problem != null) {
      lastError = problem;
    }
  }

  private void held(Envelope e, String reason) throws SQLException {
    quarantine.hold(e, reason, null);
    lastError = "held back " + e.origin() + " " + e.first() + ".." + e.last() + ": " + reason;
    recordSoon();
  }

  /**
   * Tries held envelopes again from the database: every {@link #RETRY_HELD_NANOS}, and soon after
   * this file's schema changed (a migration or a repair may be what they lacked). The hub sends
   * them again too, each time the client connects (after an upgrade, a restart).
   */
  private void tryHeldAgainIfDue() {
    if (own == null || quarantine == null || quarantine.isEmpty()) {
      return;
    }
    try {
      long schema = pragma("schema_version");
      long now = System.nanoTime();
      if (schema == triedHeldSchema && now - triedHeldAt < RETRY_HELD_NANOS) {
        return;
      }
      triedHeldSchema = schema;
      triedHeldAt = now;
      for (Envelope e : quarantine.kept()) {
        applyOrHold(e);
      }
      pushIfNeeded();
      recordSoon();
    } catch (SQLException e) {
      lastError = "trying held-back changes again failed: " + e.getMessage();
    }
  }

  private void acked(String origin, long last) throws SQLException {
    long holds = own.clock().get(origin);
    if ((origin.equals(site) || former.contains(origin)) && last > holds) {
      // taken, it would mark transactions this replica has not written yet as pushed: lost
      throw new IllegalArgumentException(
          "ack: 'last' "
              + last
              + " of "
              + origin
              + " is more than this replica holds of it ("
              + holds
              + ")");
    }
    hubClock = hubClock.with(origin, Math.max(hubClock.get(origin), last));
    if (origin.equals(site)) {
      acknowledged = hubClock.get(site);
      tellClockSoon();
      recordSoon();
    }
    if (inFlight != null && origin.equals(inFlight.origin()) && last >= inFlight.last()) {
      inFlight = null;
      lastExchange = Instant.now();
      refusedPushes = 0;
      if (troubles.warned() == Trouble.PUSH_REFUSED || troubles.warned() == Trouble.TOO_LARGE) {
        troubles.recovered("the hub at " + endpoint() + " took this replica's pushes again");
      }
    }
    pushIfNeeded();
    uploadSnapshotIfWanted();
  }

  private void nacked(String reason) {
    inFlight = null;
    reason = reason + troubles.whatToRun(reason, endpoint());
    lastError = "the hub refused a push: " + reason;
    // most nacks pass by themselves (the push came before its dependencies, which another
    // replica is pushing right now): loud only once refusals went on for a while
    if (++refusedPushes >= REFUSALS_BEFORE_WARNING) {
      warn(Trouble.PUSH_REFUSED, "the hub at " + endpoint() + " refused a push: " + reason);
    }
    // try again soon, then less often: a live write waited a whole second for a retry when two
    // replicas joined at once (seen in the demo), while a refusal that stays costs little
    later(this::pushQuietly, Math.min(1000, 20L << Math.min(refusedPushes - 1, 6)));
  }

  // ---- pushing ---------------------------------------------------------------------------

  /**
   * Waits (briefly) until a commit that was just announced is visible here, then pushes. SQLite
   * calls the commit hook before the commit completes, so the first look may come too early.
   */
  private void awaitCommitThenPush(int attempt) {
    if (closed || own == null) {
      return;
    }
    try {
      long version = pragma("data_version");
      boolean changed = version != seenDataVersion;
      seenDataVersion = version;
      // a change seen may be an earlier commit of another connection, not the one announced:
      // until something of this replica's is to send, the announced commit has not landed yet
      if ((!changed || pushIfNeeded()) && attempt < 50) {
        later(() -> awaitCommitThenPush(attempt + 1), 1);
      }
    } catch (SQLException e) {
      lastError = "reading the database failed: " + e.getMessage();
    }
  }

  /** {@code PRAGMA data_version} or {@code schema_version}: an integer SQLite keeps. */
  private long pragma(String name) throws SQLException {
    try (Statement st = own.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA " + name)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void pushQuietly() {
    try {
      pushIfNeeded();
    } catch (SQLException e) {
      lastError = "exporting changes for the hub failed: " + e.getMessage();
    }
  }

  /**
   * Sends the hub this replica's transactions it lacks, as one envelope; one at a time. Returns
   * whether there was nothing of this replica's to send (so a commit just announced is not here).
   */
  private boolean pushIfNeeded() throws SQLException {
    if (own == null) {
      return false;
    }
    String now = own.siteId();
    if (!now.equals(site)) {
      rejoin(now); // a fork repair or a new chora.site moved the file: hello again as that site
      return false;
    }
    VectorClock mine = own.clock();
    acknowledged = hubClock.get(site);
    String origin = site;
    for (String earlier : former) { // history this file wrote under a former site goes first
      if (mine.get(earlier) > hubClock.get(earlier)) {
        origin = earlier;
        break;
      }
    }
    long acked = hubClock.get(origin);
    if (!connected || inFlight != null) {
      return false; // what is new goes once connected, or when the hub took the push in flight
    }
    if (mine.get(origin) <= acked) {
      return true;
    }
    long wait = lastPush + PUSH_INTERVAL_NANOS - System.nanoTime();
    if (wait > 0) {
      if (!pushScheduled) {
        pushScheduled = true;
        later(
            () -> {
              pushScheduled = false;
              pushQuietly();
            },
            Math.max(1, wait / 1_000_000));
      }
      return false;
    }
    // the peer "has" every other site's transactions this replica has: only origin's are exported
    Map<String, Long> hubHas = new TreeMap<>(mine.entries());
    hubHas.put(origin, acked);
    VectorClock peer = VectorClock.of(hubHas);
    ChangeSet set =
        own instanceof ReplicaConnection r ? r.transactionsSince(peer) : own.changesSince(peer);
    if (set.isEmpty()) {
      return true;
    }
    Envelope envelope = envelopes.seal(origin, set);
    String message = HubProtocol.push(envelope);
    if (message.length() > MAX_ENVELOPE_BYTES * 4 / 3 + 1024) {
      lastError =
          "this replica's unsent transactions make an envelope of "
              + message.length()
              + " bytes, over the hub's frame limit";
      warn(Trouble.TOO_LARGE, lastError);
      return false;
    }
    inFlight = envelope;
    lastPush = System.nanoTime();
    send(message);
    return false;
  }

  // ---- what this replica and the hub know of each other ---------------------------------

  /** Tells the hub this replica's clock (once things settle), for the other replicas' status. */
  private void tellClockSoon() {
    if (!tellScheduled && hubSaysPeerClocks) {
      tellScheduled = true;
      later(
          () -> {
            tellScheduled = false;
            try {
              VectorClock now = own == null ? null : own.clock();
              if (connected && now != null && !now.equals(toldClock)) {
                send(HubProtocol.clock(now, digests.sealed(now)));
                toldClock = now;
                diverged(digests.recheck()); // peers that told this clock before it was here
              }
            } catch (SQLException e) {
              lastError = "reading the database failed: " + e.getMessage();
            }
          },
          TELL_DELAY_MS);
    }
  }

  /**
   * Writes what the hub relayed of peers' clocks and the hub's own state into the file, at most
   * about once per {@value #RECORD_DELAY_MS} ms: {@code peerClocks()} and {@code chora status} then
   * tell what is true of replicas this one never synced with directly.
   */
  private void recordSoon() {
    if (!recordScheduled && own instanceof ReplicaConnection) {
      recordScheduled = true;
      later(
          () -> {
            recordScheduled = false;
            if (closed || !(own instanceof ReplicaConnection r)) {
              return;
            }
            try {
              r.rememberHub(address.endpointsText(), state(), hubClock, Map.copyOf(heardPeers));
              heardPeers.clear();
            } catch (SQLException e) {
              LOG.log(System.Logger.Level.DEBUG, "chora hub: recording the hub's state", e);
            }
          },
          RECORD_DELAY_MS);
    }
  }

  private String state() {
    if (connected) {
      String held = quarantine == null ? "" : Quarantine.describe(quarantine.held());
      String to = reconnects.several() ? " to " + endpoint() : ""; // which of the instances
      return (caughtUp ? "connected" + to + ", caught up" : "connected" + to + ", catching up")
          + held;
    }
    return lastError == null ? "not connected" : "not connected: " + lastError;
  }

  /** Leaves the current connection: what was in flight is sent again on the next one. */
  private void dropSocket() {
    connected = false;
    caughtUp = false;
    inFlight = null;
    partial.setLength(0); // the rest of a message the dropped connection was sending never comes
    generation++;
    if (socket != null) {
      socket.abort();
      socket = null;
    }
  }

  /** Reconnects under the file's new site, so the hub sees its hello, heads and former sites. */
  private void rejoin(String now) throws SQLException {
    LOG.log(
        System.Logger.Level.INFO,
        "chora hub: {0} now writes as ''{1}'' (was ''{2}''): reconnecting",
        address.database(),
        now,
        site);
    site = now;
    former = own instanceof ReplicaConnection r ? r.formerSiteIds() : List.of();
    dropSocket();
    later(this::connect, 1);
  }

  // ---- helpers ---------------------------------------------------------------------------

  private void send(String text) {
    WebSocket ws = socket;
    if (ws == null) {
      return;
    }
    // the JDK's WebSocket allows one outstanding send: chain them
    sending =
        sending
            .exceptionally(e -> null)
            .thenCompose(x -> ws.sendText(text, true))
            .whenComplete(
                (x, error) -> {
                  if (error != null) {
                    onWorker(
                        () -> {
                          if (socket == ws) {
                            failed(
                                Trouble.UNREACHABLE,
                                "sending to the hub at "
                                    + endpoint()
                                    + " failed: "
                                    + TroubleLog.describe(error));
                          }
                        });
                  }
                });
  }

  private void onWorker(Runnable task) {
    try {
      worker.execute(guarded(task));
    } catch (java.util.concurrent.RejectedExecutionException stopped) {
      // closing: nothing left to do
    }
  }

  private void later(Runnable task, long millis) {
    try {
      worker.schedule(guarded(task), millis, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException stopped) {
      // closing: nothing left to do
    }
  }

  /** An executor would swallow a bug silently: it becomes the status's last error instead. */
  private Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        lastError = "chora hub client failed: " + e;
        LOG.log(System.Logger.Level.WARNING, "chora hub client failed", e);
      }
    };
  }

  /** A trouble is warned of unless this client is closing (its connection's end is no news). */
  private void warn(Trouble trouble, String problem) {
    if (!closed) {
      troubles.warn(trouble, problem);
    }
  }
}
