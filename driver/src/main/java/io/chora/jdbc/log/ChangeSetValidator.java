package io.chora.jdbc.log;

import io.chora.jdbc.shared.ChangeChecks;
import io.chora.jdbc.shared.Refusals;
import io.chora.jdbc.shared.SetBounds;
import io.chora.jdbc.shared.SiteIds;
import io.chora.sync.Change;
import io.chora.sync.ChangeKind;
import io.chora.sync.ChangeSet;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks an incoming change set against this replica before anything is written: a change set is
 * input from the network. Every problem is an {@link SQLException} that names it.
 */
final class ChangeSetValidator {
  private final String localSite;
  private final Map<String, TableInfo> byName = new HashMap<>();
  private final ChangeChecks checks;

  private final Renames.Mapper renames;

  ChangeSetValidator(
      String localSite, Map<Long, TableInfo> tables, long maxValueBytes, Renames.Mapper renames) {
    this.localSite = localSite;
    this.renames = renames;
    tables.values().forEach(t -> byName.put(t.name(), t));
    this.checks = new ChangeChecks(maxValueBytes);
  }

  /** Checks the whole set against {@code clock}, the receiver's clock before applying. */
  void check(ChangeSet set, VectorClock clock) throws SQLException {
    Pass pass = begin(set.site(), set.clock(), clock);
    for (Transaction tx : set.transactions()) {
      pass.check(tx);
    }
    pass.finish();
  }

  /** Starts checking a set that arrives one transaction at a time. */
  Pass begin(String sender, VectorClock senderClock, VectorClock clock) throws SQLException {
    SetBounds.header(sender, senderClock);
    if (SiteIds.isNative(sender)) {
      throw Refusals.otherMode(sender, true);
    }
    site(sender, "sender");
    if (senderClock == null) {
      throw refuse("the sender's clock is missing");
    }
    for (String clockSite : senderClock.entries().keySet()) {
      site(clockSite, "clock");
    }
    return new Pass(senderClock, clock);
  }

  /** The checks of one set: each transaction in order, then whether the set is whole. */
  final class Pass {
    private final VectorClock senderClock;
    private final SetBounds bounds = new SetBounds();
    private final VectorClock clock;
    private VectorClock known;

    private Pass(VectorClock senderClock, VectorClock clock) {
      this.senderClock = senderClock;
      this.clock = clock;
      this.known = clock;
    }

    void check(Transaction tx) throws SQLException {
      String origin = site(tx.dot().site(), "transaction");
      bounds.transaction(tx);
      if (tx.hlc() < 0) {
        throw refuse("transaction " + tx.dot() + " has a negative hlc " + tx.hlc());
      }
      for (String dep : tx.deps().entries().keySet()) {
        site(dep, "dependency");
      }
      long seq = tx.dot().seq();
      if (origin.equals(localSite) && seq > clock.get(localSite)) {
        throw refuse(
            "transaction "
                + tx.dot()
                + " claims to come from this replica, which has only committed up to seq "
                + clock.get(localSite));
      }
      if (seq <= known.get(origin)) {
        return; // known already: skipped when applied
      }
      if (seq != known.get(origin) + 1) {
        throw refuse(
            "seq gap: this replica has "
                + origin
                + " up to "
                + known.get(origin)
                + " but the set's next transaction is "
                + tx.dot());
      }
      if (!tx.deps().isCoveredBy(known)) {
        throw refuse(
            "transaction "
                + tx.dot()
                + " depends on "
                + tx.deps()
                + ", more than is known: "
                + known);
      }
      for (Change change : tx.changes()) {
        ChangeSetValidator.this.check(tx, change);
      }
      known = known.with(origin, seq);
    }

    void finish() throws SQLException {
      if (!senderClock.isCoveredBy(known)) {
        // A set tells each row's story once, by the latest transaction that wrote it: a prefix
        // would leave the receiver covering transactions whose changes it never got.
        throw refuse(
            "the set stops short of the sender's clock "
                + senderClock
                + ": with it this replica would know only "
                + known
                + " (a delivery cut short, or a set made for a replica that knows more)");
      }
    }
  }

  private void check(Transaction tx, Change received) throws SQLException {
    Change change = renames.map(received); // checked as it is merged
    if (!byName.containsKey(change.table())) {
      checks.unknownTable(tx, change, TriggerSync::isOwnTable); // kept aside (SetAside)
      checkLife(tx, change, change.table());
      return;
    }
    TableInfo table = checks.table(byName, tx, change);
    checkLife(tx, change, table.name());
    if (change.kind() == ChangeKind.INSERT) {
      for (String keyColumn : table.keyColumns()) {
        if (change.values().containsKey(keyColumn)
            && !io.chora.sync.SqlValues.equal(
                change.values().get(keyColumn),
                change.key().get(table.keyColumns().indexOf(keyColumn)))) {
          throw refuse(
              "insert into "
                  + table.name()
                  + " sets key column "
                  + keyColumn
                  + " to another value than its key");
        }
      }
    }
    for (Map.Entry<String, Object> e : change.values().entrySet()) {
      if (table.columns().contains(e.getKey())) {
        checks.value(table, e.getKey(), e.getValue());
      } else {
        checks.unknownColumn(table.name(), e.getKey(), e.getValue()); // kept aside (SetAside)
      }
    }
    for (Map.Entry<String, Long> e : change.adds().entrySet()) {
      if (table.keyColumns().contains(e.getKey())) {
        throw refuse(
            "an update of "
                + table.name()
                + " adds to key column "
                + e.getKey()
                + "; keys do not count");
      }
      if (!table.columns().contains(e.getKey())) {
        checks.unknownColumn(table.name(), e.getKey(), e.getValue()); // kept aside (SetAside)
      }
    }
  }

  /** A life is begun by its transaction or one it knew: none can be named ahead of time. */
  private static void checkLife(Transaction tx, Change change, String table) throws SQLException {
    io.chora.sync.Dot life = change.life();
    if (life == null) {
      return;
    }
    site(life.site(), "a change's life");
    if (!life.equals(tx.dot()) && tx.deps().get(life.site()) < life.seq()) {
      throw refuse(
          "a change of "
              + table
              + " in "
              + tx.dot()
              + " names life "
              + life
              + ", which its transaction does not know");
    }
  }

  private static String site(String site, String what) throws SQLException {
    return SiteIds.checkJava(site, what);
  }

  static SQLException refuse(String problem) {
    return Refusals.changeSet(problem);
  }
}
