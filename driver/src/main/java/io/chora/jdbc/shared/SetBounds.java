package io.chora.jdbc.shared;

import io.chora.sync.Change;
import io.chora.sync.Hlc;
import io.chora.sync.Limits;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.sql.SQLException;

/**
 * The bounds of {@link Limits} as both engines check an incoming set, before anything of it is
 * written: the sender's clock, and per transaction its seq, its HLC against this replica's wall
 * clock, its dependencies and each change's causal length. Each refusal names the field. One
 * instance checks one set, reading the wall clock once (a simulation's stepping clock moves on each
 * read, so checks should not move it more than they must).
 */
public final class SetBounds {
  private long now = -1;

  /** The set's header: the sender's site id and clock. */
  public static void header(String sender, VectorClock senderClock) throws SQLException {
    site(sender, "sender");
    if (senderClock != null) {
      clock(senderClock, "the sender's clock");
    }
  }

  /** One transaction, at this replica's wall clock ({@link WallClock}). */
  public void transaction(Transaction tx) throws SQLException {
    site(tx.dot().site(), "transaction " + tx.dot().seq() + ":");
    if (tx.dot().seq() > Limits.MAX_SEQ) {
      throw Refusals.changeSet(
          "transaction " + tx.dot() + ": seq is beyond the maximum " + Limits.MAX_SEQ);
    }
    if (tx.hlc() > 0 && now < 0) {
      now = WallClock.millis(); // native sets carry HLC 0: nothing to compare
    }
    if (tx.hlc() > 0 && tx.hlc() > Limits.maxHlc(now)) {
      throw Refusals.changeSet(
          "transaction "
              + tx.dot()
              + ": hlc "
              + tx.hlc()
              + " ("
              + Hlc.format(tx.hlc())
              + ") is more than "
              + Limits.MAX_HLC_AHEAD.toMinutes()
              + " minutes ahead of this replica's clock ("
              + Hlc.format(Hlc.fromMillis(now))
              + "); it is taken once this clock has caught up");
    }
    clock(tx.deps(), "transaction " + tx.dot() + ": deps");
    long maxCl = Limits.maxCausalLength(tx);
    for (Change change : tx.changes()) {
      names(tx, change);
      if (change.causalLength() > maxCl) {
        throw Refusals.changeSet(
            "transaction "
                + tx.dot()
                + ": cl "
                + change.causalLength()
                + " of a change of "
                + change.table()
                + " is beyond the maximum "
                + maxCl
                + " for a transaction that knows "
                + (maxCl - Limits.CAUSAL_LENGTH_SLACK) / 2
                + " transactions");
      }
      if (change.life() != null && Limits.siteProblem(change.life().site(), "") != null) {
        site(change.life().site(), "transaction " + tx.dot() + ": the life of a change's");
      }
      if (change.life() != null && change.life().seq() > Limits.MAX_SEQ) {
        throw Refusals.changeSet(
            "transaction "
                + tx.dot()
                + ": life of a change of "
                + change.table()
                + " has a seq beyond the maximum "
                + Limits.MAX_SEQ);
      }
    }
  }

  /** The table and column names of a change, as {@link ChangeChecks#name} bounds them. */
  private static void names(Transaction tx, Change change) throws SQLException {
    // the texts of the refusals are built only for a name that is refused: per cell they cost
    if (!ChangeChecks.fineName(change.table())) {
      ChangeChecks.name(change.table(), "table (transaction " + tx.dot() + ")");
    }
    for (String column : change.values().keySet()) {
      if (!ChangeChecks.fineName(column)) {
        ChangeChecks.name(column, "column of " + Limits.printable(change.table()));
      }
    }
    for (String column : change.adds().keySet()) {
      if (!ChangeChecks.fineName(column)) {
        ChangeChecks.name(column, "column of " + Limits.printable(change.table()));
      }
    }
  }

  private static void site(String site, String field) throws SQLException {
    String problem = Limits.siteProblem(site, field);
    if (problem != null) {
      throw Refusals.changeSet(problem);
    }
  }

  private static void clock(VectorClock clock, String field) throws SQLException {
    String problem = Limits.clockProblem(clock, field);
    if (problem != null) {
      throw Refusals.changeSet(problem);
    }
  }
}
