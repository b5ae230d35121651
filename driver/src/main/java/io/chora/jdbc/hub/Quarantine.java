package io.chora.jdbc.hub;

import io.chora.jdbc.QuarantinedEnvelope;
import io.chora.jdbc.hub.HubProtocol.Envelope;
import io.chora.jdbc.shared.QuarantineTable;
import io.chora.jdbc.shared.ReplicaConnection;
import io.chora.sync.VectorClock;
import java.sql.SQLException;
import java.util.List;

/**
 * The hub client's quarantine (docs/quarantine.md): an envelope this replica cannot read, decrypt
 * or apply is held back in the database instead of failing the connection, so one bad envelope
 * costs its origin's later history at most, never everyone's sync. What depends on a held envelope
 * (its origin's later transactions, and transactions that depend on those) is held too, naming it.
 * Runs on the hub client's worker thread; {@link #held()} is read by other threads.
 */
final class Quarantine {
  private static final System.Logger LOG = System.getLogger("io.chora.jdbc.hub");

  private final ReplicaConnection own;
  private volatile List<QuarantinedEnvelope> held;

  Quarantine(ReplicaConnection own) throws SQLException {
    this.own = own;
    this.held = own.quarantined();
  }

  /** What is held now, in arrival order. */
  List<QuarantinedEnvelope> held() {
    return held;
  }

  boolean isEmpty() {
    return held.isEmpty();
  }

  /**
   * The held envelope that {@code e} depends on, by {@code origin first..last} (the one that
   * failed, not one that waits itself), or null when {@code e} may be applied. Envelopes {@code
   * clock} covers by now (applied by another route, {@code syncWith} or a file) are released.
   */
  String blocker(Envelope e, VectorClock clock) throws SQLException {
    for (QuarantinedEnvelope h : held) {
      if (clock.get(h.origin()) >= h.last()) {
        release(h.origin(), h.first());
        return blocker(e, clock);
      }
      boolean same = h.origin().equals(e.origin()) && h.first() == e.first();
      long needs = h.origin().equals(e.origin()) ? e.first() - 1 : e.deps().get(h.origin());
      if (!same && needs >= h.first()) {
        return h.waitsFor() != null ? h.waitsFor() : h.name();
      }
    }
    return null;
  }

  /** Holds {@code e} back: it failed ({@code waitsFor} null) or depends on one that did. */
  void hold(Envelope e, String reason, String waitsFor) throws SQLException {
    boolean known = indexOf(e.origin(), e.first()) >= 0;
    own.quarantine(
        new QuarantineTable.Kept(e.origin(), e.first(), e.last(), e.deps().toString(), e.payload()),
        reason,
        waitsFor);
    held = own.quarantined();
    if (!known) {
      LOG.log(
          System.Logger.Level.WARNING,
          "chora hub: holding back {0} {1}..{2}: {3}; other replicas'' changes go on applying"
              + " (see hubStatus().quarantined(), chora status, docs/quarantine.md)",
          e.origin(),
          e.first(),
          e.last(),
          reason);
    }
  }

  /** {@code e} applied: it leaves the quarantine if it was held. */
  void applied(Envelope e) throws SQLException {
    if (indexOf(e.origin(), e.first()) >= 0) {
      release(e.origin(), e.first());
      LOG.log(
          System.Logger.Level.INFO,
          "chora hub: {0} {1}..{2}, held back before, applied",
          e.origin(),
          e.first(),
          e.last());
    }
  }

  /**
   * Releases what the hub no longer holds ({@code hubClock} at welcome stops short of it): an admin
   * removed it there ({@code chora hub purge}), or the hub lost it. Its origin pushes again what it
   * still has, and the hub sends that as new.
   */
  void forgetWhatTheHubLacks(VectorClock hubClock) throws SQLException {
    for (QuarantinedEnvelope h : held) {
      if (hubClock.get(h.origin()) < h.last()) {
        release(h.origin(), h.first());
        LOG.log(
            System.Logger.Level.INFO,
            "chora hub: the hub no longer holds {0}: no longer held back",
            h.name());
      }
    }
  }

  /** The held envelopes to try again from the database, in arrival order. */
  List<Envelope> kept() throws SQLException {
    return own.keptQuarantined().stream()
        .map(
            k ->
                new Envelope(
                    k.origin(),
                    k.first(),
                    k.last(),
                    VectorClock.parse(k.deps()),
                    k.payload(),
                    List.of()))
        .toList();
  }

  /**
   * Whether a failed apply was the envelope's own doing, so that trying it again unchanged fails
   * again: a refusal of the set (SQLSTATE class 22, data exception, which chora's refusals use;
   * class 23, a constraint) or an SQLite error that does not pass (a constraint, a type mismatch, a
   * value too big, SQLITE_ERROR). Busy, locked, I/O, full disk or a closed connection are this
   * side's and pass: the client reconnects and tries again, holding nothing back.
   */
  static boolean isTheEnvelopes(SQLException failure) {
    String state = failure.getSQLState();
    if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
      return true;
    }
    int primary = failure.getErrorCode() & 0xff;
    return primary == 1 || primary == 18 || primary == 19 || primary == 20 || primary == 25;
  }

  /** For a status line: empty when nothing is held, else "; N held back (…)". */
  static String describe(List<QuarantinedEnvelope> held) {
    if (held.isEmpty()) {
      return "";
    }
    long failed = held.stream().filter(h -> h.waitsFor() == null).count();
    return "; "
        + held.size()
        + (held.size() == 1 ? " envelope" : " envelopes")
        + " held back ("
        + failed
        + " that cannot be applied, "
        + (held.size() - failed)
        + " waiting for them; see chora status)";
  }

  private void release(String origin, long first) throws SQLException {
    own.releaseQuarantined(origin, first);
    held = own.quarantined();
  }

  private int indexOf(String origin, long first) {
    for (int i = 0; i < held.size(); i++) {
      if (held.get(i).origin().equals(origin) && held.get(i).first() == first) {
        return i;
      }
    }
    return -1;
  }
}
