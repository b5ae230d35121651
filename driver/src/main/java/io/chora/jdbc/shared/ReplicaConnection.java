package io.chora.jdbc.shared;

import io.chora.jdbc.ChoraConnection;
import io.chora.jdbc.seam.SqlAction;
import io.chora.jdbc.seam.SqliteConnection;
import io.chora.sync.ApplyResult;
import io.chora.sync.ChangeSet;
import io.chora.sync.SyncEvent;
import io.chora.sync.SyncResult;
import io.chora.sync.VectorClock;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What both engines' connections share of {@link ChoraConnection}: the checks of its arguments, the
 * rounds of {@link #syncWith}, and the record of peers and exchanges ({@link SyncHistory}). Each
 * engine answers the rest: how it reads its changes, applies a set, and keeps a transaction.
 */
public abstract class ReplicaConnection extends SqliteConnection implements ChoraConnection {
  /** Rounds of {@link #syncWith} at most; two settle every case the tests know. */
  private static final int MAX_ROUNDS = 4;

  /** chora.sign: how exported sets are signed and imported ones checked; null when off. */
  private SetSignatures signatures;

  protected ReplicaConnection(String url, String fileName, Properties properties)
      throws SQLException {
    super(url, fileName, properties);
  }

  /**
   * Signs what {@link #changesSince(VectorClock, OutputStream)} writes and checks what {@link
   * #apply(InputStream)} reads (chora.sign); the driver sets it as it opens. Not public API.
   */
  public final void signWith(SetSignatures signatures) {
    this.signatures = signatures;
  }

  /** {@link #changesSince(VectorClock)}, the clock checked. */
  protected abstract ChangeSet readChanges(VectorClock peer) throws SQLException;

  /**
   * {@link #changesSince(VectorClock)} without heads, for a caller that forwards only the
   * transactions (the hub client, whose hub keeps nonces of its own): the heads' log lookups would
   * be work on every push. Not public API.
   */
  public ChangeSet transactionsSince(VectorClock peer) throws SQLException {
    return changesSince(peer);
  }

  /** {@link #changesSince(VectorClock, OutputStream)}, the arguments checked. */
  protected abstract int writeChanges(VectorClock peer, OutputStream out) throws SQLException;

  /** Applies a set; {@code record}: with a line in the sync history (syncWith writes its own). */
  protected abstract ApplyResult applySet(ChangeSet changes, boolean record) throws SQLException;

  /** {@link #apply(InputStream)}, the stream checked; records the exchange. */
  protected abstract ApplyResult applyStream(InputStream wire) throws SQLException;

  /** Runs chora's own writes atomically, in a transaction of its own or inside the user's. */
  protected abstract <T> T inWriteTransaction(SqlAction<T> work) throws SQLException;

  /** Runs chora's own reads (capture left alone). */
  protected abstract <T> T readingOwnState(SqlAction<T> work) throws SQLException;

  /** Refuses a peer this replica cannot sync with (the other mode), by name. */
  protected abstract void checkPeer(ChoraConnection peer) throws SQLException;

  /**
   * The sites this file wrote as before {@link #siteId()} (a copied file goes on under a new one):
   * their transactions may exist nowhere else, so the hub client pushes them too. Not public API.
   */
  public abstract List<String> formerSiteIds() throws SQLException;

  /**
   * The nonce of this replica's latest transaction under its site and each former one (those it
   * knows a nonce for), so that a hub can tell a fork at hello. Not public API.
   */
  public abstract Map<String, io.chora.sync.Head> ownHeads() throws SQLException;

  @Override
  public final ChangeSet changesSince(VectorClock peer) throws SQLException {
    if (peer == null) {
      throw Refusals.missing("changesSince", "the peer's clock; pass new VectorClock() for all");
    }
    return readChanges(peer);
  }

  @Override
  public final int changesSince(VectorClock peer, OutputStream out) throws SQLException {
    if (peer == null || out == null) {
      throw Refusals.missing("changesSince", "the peer's clock and a stream to write to");
    }
    if (signatures == null) {
      return writeChanges(peer, out);
    }
    return SignedStreams.write(signatures, siteId(), out, signed -> writeChanges(peer, signed));
  }

  @Override
  public final ApplyResult apply(ChangeSet changes) throws SQLException {
    if (changes == null) {
      throw Refusals.missing("apply", "a change set");
    }
    return applySet(changes, true);
  }

  @Override
  public final ApplyResult apply(InputStream wire) throws SQLException {
    if (wire == null) {
      throw Refusals.missing("apply", "a stream to read the change set from");
    }
    wire = EncryptedInput.refuseEncrypted(wire);
    if (signatures == null) {
      return applyStream(wire);
    }
    // checked whole before the engine reads a byte: a refused set changes nothing at all
    try (InputStream verified = SignedStreams.verified(signatures, wire)) {
      return applyStream(verified);
    } catch (java.io.IOException e) {
      throw Refusals.unreadable(e);
    }
  }

  /**
   * Both directions, in rounds: a merge can commit new local transactions of its own (java mode: a
   * row removed for a UNIQUE or FOREIGN KEY rule; native mode: cr-sqlite re-versions what it
   * merged), which the other side then lacks. It ends when nothing comes back or the clocks agree.
   */
  @Override
  public final SyncResult syncWith(ChoraConnection other) throws SQLException {
    if (other == null) {
      throw Refusals.missing("syncWith", "the other replica's connection");
    }
    ChoraConnection peer = other.unwrap(ChoraConnection.class);
    checkPeer(peer);
    if (siteId().equals(peer.siteId())) {
      throw new SQLException(
          "both connections are replica '"
              + siteId()
              + "': sync needs two different replicas (two files that both write as '"
              + siteId()
              + "' are two histories under one site id, a fork: give each device its own"
              + " chora.site, see docs/replicas.md)");
    }
    ReplicaConnection same = peer instanceof ReplicaConnection r ? r : null;
    int sent = 0;
    int received = 0;
    int conflictsThere = 0;
    int conflictsHere = 0;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      ChangeSet out = changesSince(peer.clock());
      conflictsThere += (same != null ? same.applySet(out, false) : peer.apply(out)).conflicts();
      sent += out.size();
      ChangeSet in = peer.changesSince(clock());
      conflictsHere += applySet(in, false).conflicts();
      received += in.size();
      if (in.isEmpty() || clock().equals(peer.clock())) {
        break;
      }
    }
    VectorClock mine = clock();
    VectorClock theirs = peer.clock();
    List<String> differ =
        same != null && mine.equals(theirs) ? compareWith(same, sent + received) : null;
    String divergence =
        differ == null || differ.isEmpty() ? null : divergence(same.siteId(), mine, differ);
    int s = sent;
    int r = received;
    int c = conflictsHere;
    inWriteTransaction(() -> remember(peer.siteId(), theirs, s, r, c, differ));
    if (same != null) {
      int c2 = conflictsThere;
      same.inWriteTransaction(() -> same.remember(siteId(), mine, r, s, c2, differ));
    }
    return new SyncResult(sent, received, divergence);
  }

  /**
   * The digest of this replica's synced tables ({@link StateDigest}); null when it cannot be told
   * at one clock now (a commit came in meanwhile, or rows other programs wrote wait to be adopted).
   * Not public API.
   */
  public Map<String, Long> stateDigest() throws SQLException {
    VectorClock now = clock();
    StateDigest.Read read = digests().read();
    return read == null || !clock().equals(now) ? null : read.parts();
  }

  /** How this engine tells its digest; by default read whole and kept per clock. */
  protected DigestSource digests() {
    if (wholeDigest == null) {
      wholeDigest = new WholeDigest(this);
    }
    return wholeDigest;
  }

  private WholeDigest wholeDigest;
  private long changesSinceCompared; // row changes syncWith moved since the last comparison
  private boolean compared; // at least once on this connection

  /** Rows a comparison may read for free; past it, ten per row change synced since the last. */
  private static final long FREE_DIGEST_ROWS = 10_000;

  /**
   * Compares this replica's digest with {@code peer}'s (their clocks are equal), or returns null
   * when making the digests would read more than {@value #FREE_DIGEST_ROWS} rows plus ten per row
   * change synced since the last comparison: where a digest is read whole (native mode), a stream
   * of small syncs of a large database compares every so often instead of every time. Java mode
   * keeps its digest up to date from the log, which reads little. The first sync of a connection
   * compares.
   */
  private List<String> compareWith(ReplicaConnection peer, int changes) throws SQLException {
    changesSinceCompared += changes;
    long cost = digests().cost() + peer.digests().cost();
    if (compared && cost > FREE_DIGEST_ROWS + 10 * changesSinceCompared) {
      return null;
    }
    Map<String, Long> mine = stateDigest();
    Map<String, Long> theirs = peer.stateDigest();
    if (mine == null || theirs == null || !clock().equals(peer.clock())) {
      return null; // not at one clock now: the next sync compares
    }
    compared = true;
    changesSinceCompared = 0;
    return StateDigest.differences(mine, theirs);
  }

  /** Reports a divergence from {@code peer} at {@code clock}: a WARNING, and the message. */
  public String divergence(String peer, VectorClock clock, List<String> differ) {
    String message =
        "replicas "
            + siteId()
            + " and "
            + peer
            + " hold equal clocks "
            + clock
            + " but different "
            + String.join(", ", differ)
            + ": a bug, or a write past chora's capture; keep copies of both files and report it"
            + " (docs/merge-rules.md#divergence)";
    System.getLogger("io.chora.jdbc").log(System.Logger.Level.WARNING, "chora: " + message);
    return message;
  }

  /**
   * Records what comparing digests with {@code peer} at {@code clock} found (the hub client's
   * comparisons; {@code syncWith} records its own). Not public API.
   */
  public void rememberComparison(String peer, VectorClock clock, List<String> differ)
      throws SQLException {
    inWriteTransaction(() -> compared(peer, clock, differ));
  }

  private Void compared(String peer, VectorClock clock, List<String> differ) throws SQLException {
    if (differ.isEmpty()) {
      SyncHistory.agreed(this, peer);
    } else {
      makeLateTables();
      SyncHistory.recordDivergence(this, peer, clock, differ);
    }
    return null;
  }

  @Override
  public final Map<String, String> divergences() throws SQLException {
    return readingOwnState(() -> SyncHistory.divergences(this));
  }

  /** Records an exchange with {@code peer} and the clock it showed; in a write transaction. */
  protected final Void remember(
      String peer, VectorClock peerClock, int sent, int received, int conflicts)
      throws SQLException {
    return remember(peer, peerClock, sent, received, conflicts, null);
  }

  /** {@code differ}: what a digest comparison found different (empty: agreed; null: none made). */
  private Void remember(
      String peer,
      VectorClock peerClock,
      int sent,
      int received,
      int conflicts,
      List<String> differ)
      throws SQLException {
    if (!peer.equals(siteId())) { // a set this replica wrote itself, read back: not a peer
      SyncHistory.recordPeer(this, peer, peerClock);
      SyncHistory.recordExchange(this, peer, sent, received, conflicts);
      if (differ != null) {
        compared(peer, peerClock, differ);
      }
    }
    return null;
  }

  /**
   * Remembers what the hub client learned: peers' clocks the hub relayed (as {@code syncWith}
   * remembers its peer's), and the hub's state and clock for {@code chora status}. Java mode only
   * (native mode keeps no hub record yet). Not public API.
   */
  public void rememberHub(
      String endpoint, String state, VectorClock hubClock, Map<String, VectorClock> peers)
      throws SQLException {
    String own = siteId();
    inWriteTransaction(
        () -> {
          for (Map.Entry<String, VectorClock> e : peers.entrySet()) {
            if (!e.getKey().equals(own)) {
              SyncHistory.recordPeer(this, e.getKey(), e.getValue());
            }
          }
          makeLateTables();
          SyncHistory.recordHub(this, endpoint, state, hubClock);
          return null;
        });
  }

  /**
   * Creates the hub client's tables ({@link SyncHistory#HUB_TABLE}, {@link QuarantineTable}) if
   * missing; inside a write transaction.
   */
  protected abstract void makeLateTables() throws SQLException;

  /** Holds an envelope from the hub back (the hub client's quarantine). Not public API. */
  public void quarantine(QuarantineTable.Kept envelope, String reason, String waitsFor)
      throws SQLException {
    inWriteTransaction(
        () -> {
          makeLateTables();
          QuarantineTable.hold(this, envelope, reason, waitsFor);
          return null;
        });
  }

  /** Forgets a held envelope once it applied. Not public API. */
  public void releaseQuarantined(String origin, long first) throws SQLException {
    inWriteTransaction(
        () -> {
          QuarantineTable.release(this, origin, first);
          return null;
        });
  }

  /** The held envelopes whose payload is kept, to try again. Not public API. */
  public List<QuarantineTable.Kept> keptQuarantined() throws SQLException {
    return readingOwnState(() -> QuarantineTable.kept(this));
  }

  @Override
  public final List<io.chora.jdbc.QuarantinedEnvelope> quarantined() throws SQLException {
    return readingOwnState(() -> QuarantineTable.list(this));
  }

  @Override
  public final Map<String, VectorClock> peerClocks() throws SQLException {
    return readingOwnState(() -> SyncHistory.peers(this));
  }

  @Override
  public final List<SyncEvent> syncHistory(int limit) throws SQLException {
    if (limit < 0) {
      throw new SQLException("syncHistory needs a limit of 0 or more, not " + limit);
    }
    return readingOwnState(() -> SyncHistory.recent(this, limit));
  }
}
