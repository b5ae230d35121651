package io.chora.jdbc.crsqlite;

import io.chora.jdbc.shared.ChangeChecks;
import io.chora.jdbc.shared.Refusals;
import io.chora.jdbc.shared.SetBounds;
import io.chora.sync.Change;
import io.chora.sync.ChangeKind;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.sql.SQLException;
import java.util.Map;

/**
 * Checks an incoming native change set against this replica before any of it is written: a set is
 * input from the network. Every problem is an {@link SQLException} naming it, worded as java mode
 * words the same problem.
 */
final class NativeSetCheck {
  private final String ownSite;
  private final VectorClock clock;
  private final Map<String, CrrTable> tables;
  private final ChangeChecks checks;

  NativeSetCheck(
      String ownSite, VectorClock clock, Map<String, CrrTable> tables, long maxValueBytes) {
    this.ownSite = ownSite;
    this.clock = clock;
    this.tables = tables;
    this.checks = new ChangeChecks(maxValueBytes);
  }

  static SQLException refuse(String problem) {
    return Refusals.changeSet(problem);
  }

  /** Checks the header and starts the checks of one set. */
  Pass begin(String sender, VectorClock senderClock) throws SQLException {
    SetBounds.header(sender, senderClock);
    requireNative(sender);
    NativeSites.parse(sender);
    for (String site : senderClock.entries().keySet()) {
      requireNative(site);
      NativeSites.parse(site);
    }
    if (senderClock.get(ownSite) > clock.get(ownSite)) {
      throw refuse(
          "the sender's clock says this replica reached version "
              + senderClock.get(ownSite)
              + ", but it has reached "
              + clock.get(ownSite));
    }
    return new Pass(sender, senderClock);
  }

  private static void requireNative(String site) throws SQLException {
    if (!NativeSites.isNative(site)) {
      throw Refusals.otherMode(site, false);
    }
  }

  /** The checks of one set: each transaction in order, then whether the set is whole. */
  final class Pass {
    private final String sender;
    private final VectorClock senderClock;
    private final SetBounds bounds = new SetBounds();
    private final long known;
    private long last = -1;

    private Pass(String sender, VectorClock senderClock) {
      this.sender = sender;
      this.senderClock = senderClock;
      this.known = clock.get(sender);
    }

    void check(Transaction tx) throws SQLException {
      bounds.transaction(tx);
      if (!tx.dot().site().equals(sender)) {
        throw refuse(
            "transaction "
                + tx.dot()
                + " is not a version of the sender "
                + sender
                + ": a native set carries its sender's versions only");
      }
      if (!tx.deps().entries().keySet().stream().allMatch(sender::equals)) {
        throw refuse("transaction " + tx.dot() + " depends on other sites: " + tx.deps());
      }
      long after = tx.deps().get(sender);
      if (last < 0 && after > known) {
        throw refuse(
            "the set continues from version "
                + after
                + " of "
                + sender
                + ", more than is known here ("
                + known
                + "): a set sent earlier has not arrived");
      }
      if (last >= 0 && after != last) {
        throw refuse("transaction " + tx.dot() + " follows version " + after + ", not " + last);
      }
      if (sender.equals(ownSite) && tx.dot().seq() > clock.get(ownSite)) {
        throw refuse(
            "transaction "
                + tx.dot()
                + " claims to come from this replica, which has reached version "
                + clock.get(ownSite));
      }
      for (Change change : tx.changes()) {
        checkChange(tx, change);
      }
      last = tx.dot().seq();
    }

    void finish() throws SQLException {
      long end = senderClock.get(sender);
      if (last < 0 ? end > known : last != end) {
        throw refuse(
            "the set stops short of the sender's clock "
                + senderClock
                + ": it ends at version "
                + Math.max(last, known)
                + " of "
                + sender
                + " (a delivery cut short)");
      }
    }
  }

  private void checkChange(Transaction tx, Change change) throws SQLException {
    if (!change.adds().isEmpty()) {
      throw Refusals.changeSet(
          "transaction "
              + tx.dot()
              + " adds to counters of "
              + change.table()
              + " "
              + change.adds().keySet()
              + ", which native mode cannot merge (cr-sqlite has no counters): sync it with java"
              + " mode replicas");
    }
    CrrTable table = checks.table(tables, tx, change);
    if (change.kind() == ChangeKind.DELETE) {
      return;
    }
    String cell = NativeChanges.cellColumn(change);
    long cells =
        change.values().keySet().stream()
            .filter(k -> !NativeChanges.BOOKKEEPING.contains(k))
            .count();
    if (!change.values().keySet().containsAll(NativeChanges.BOOKKEEPING)
        || cells != (change.kind() == ChangeKind.INSERT ? 0 : 1)) {
      throw refuse(
          change.kind().wireName()
              + " of "
              + table.name()
              + " carries "
              + change.values().keySet()
              + ": a native "
              + change.kind().wireName()
              + " carries "
              + (change.kind() == ChangeKind.INSERT ? "no column" : "one column")
              + " and "
              + NativeChanges.BOOKKEEPING);
    }
    if (cell != null) {
      if (!table.otherColumns().contains(cell)) {
        throw refuse("table " + table.name() + " has no column '" + cell + "' outside its key");
      }
      checks.value(table, cell, change.values().get(cell));
    }
    for (String counter : new String[] {NativeChanges.COL_VERSION, NativeChanges.SEQ}) {
      if (!(change.values().get(counter) instanceof Long n) || n < 0) {
        throw refuse(counter + " of a change of " + table.name() + " is not a count");
      }
    }
    if (!(change.values().get(NativeChanges.SITE) instanceof String writer)) {
      throw refuse(NativeChanges.SITE + " of a change of " + table.name() + " is not text");
    }
    NativeSites.parse(writer);
  }
}
