package io.chora.jdbc.hub;

import io.chora.jdbc.shared.ReplicaConnection;
import io.chora.jdbc.shared.StateDigest;
import io.chora.sync.VectorClock;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Digests told through the hub (docs/merge-rules.md#divergence): this replica says what its tables
 * hold at the clock it tells, sealed like a payload so that an encrypting workspace's hub learns
 * nothing of it; a peer's digest at a clock this replica holds too is compared, and a difference is
 * reported as a {@code syncWith} reports it. Runs on the hub client's worker thread.
 */
final class PeerDigests {
  /** The hub's bound on a digest's characters (io.chora.hub.ClientMessages). */
  private static final int MAX_CHARS = 16_384;

  private final ReplicaConnection own;
  private final PayloadCipher cipher;
  // per peer, the clock of the last comparison's outcome, so that each is reported once
  private final Map<String, VectorClock> reported = new HashMap<>();

  PeerDigests(ReplicaConnection own, PayloadCipher cipher) {
    this.own = own;
    this.cipher = cipher;
  }

  /** This replica's digest at {@code clock}, sealed; null when it cannot be told there now. */
  String sealed(VectorClock clock) throws SQLException {
    Map<String, Long> digest = own.stateDigest();
    if (digest == null || !own.clock().equals(clock)) {
      return null;
    }
    try {
      String sealed = cipher.seal(HubProtocol.digestJson(digest));
      return sealed.length() <= MAX_CHARS ? sealed : null;
    } catch (java.io.IOException e) {
      return null; // no digest this time; the clock goes all the same
    }
  }

  /**
   * Remembers {@code peer}'s digest at {@code clock} and compares it if this replica holds that
   * clock now; {@link #recheck} compares it later, once this replica reaches that clock.
   *
   * @return what differs, in words, or null when they agree or cannot be compared (yet)
   */
  String heard(String peer, VectorClock clock, String sealed) {
    if (sealed == null) {
      heard.remove(peer);
      return null;
    }
    heard.put(peer, new Told(clock, sealed));
    return compareQuietly(peer);
  }

  /** Compares what peers told at the clock this replica holds now; the first difference found. */
  String recheck() {
    String problem = null;
    for (String peer : List.copyOf(heard.keySet())) {
      String p = compareQuietly(peer);
      problem = problem == null ? p : problem;
    }
    return problem;
  }

  private record Told(VectorClock clock, String sealed) {}

  private final Map<String, Told> heard = new HashMap<>();

  /** A comparison that fails (the database busy) is made at the next clock instead. */
  private String compareQuietly(String peer) {
    try {
      return compare(peer);
    } catch (SQLException e) {
      System.getLogger("io.chora.jdbc.hub")
          .log(System.Logger.Level.DEBUG, "chora hub: comparing digests with " + peer, e);
      return null;
    }
  }

  private String compare(String peer) throws SQLException {
    Told told = heard.get(peer);
    VectorClock clock = told.clock();
    if (!own.clock().equals(clock) || clock.equals(reported.get(peer))) {
      return null;
    }
    Map<String, Long> theirs;
    try {
      theirs = HubProtocol.readDigest(cipher.open(told.sealed()));
    } catch (java.io.IOException | IllegalArgumentException unreadable) {
      heard.remove(peer);
      return null; // a peer this replica cannot read (another key): nothing to compare
    }
    Map<String, Long> mine = own.stateDigest();
    if (mine == null || !own.clock().equals(clock)) {
      return null;
    }
    List<String> differ = StateDigest.differences(mine, theirs);
    reported.put(peer, clock);
    own.rememberComparison(peer, clock, differ);
    return differ.isEmpty() ? null : own.divergence(peer, clock, differ);
  }
}
