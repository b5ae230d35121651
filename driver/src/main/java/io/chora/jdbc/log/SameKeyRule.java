package io.chora.jdbc.log;

import io.chora.sync.Change;
import io.chora.sync.ChangeKind;
import io.chora.sync.Dot;
import io.chora.sync.Stamp;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Two rows that replicas created concurrently under one rowid key are two records, never one: the
 * merge keeps one whole and sends the other whole to the ledger ({@link LostLives}). Natural and
 * UUID keys name an entity, so there the same key is the same row and cells merge as before; this
 * rule applies to tables keyed by the rowid, when both sides know the row's life (the transaction
 * whose insert began it; sets of format version 2 do not say).
 *
 * <p>Lives compete per generation, a causal length's pair (1 and 2, 3 and 4, ...): in one
 * generation the life begun by the greater dot (site id, then seq) keeps the key, on every replica
 * whatever order changes arrive in; what a replica did with that life (updates, its delete) is the
 * key's story, what it did with a losing life goes to that life's entry. A later generation wins
 * over an earlier one as causal lengths always did; a live row it ends that its writer never saw is
 * a lost record too.
 */
final class SameKeyRule {
  /** What the merge does with an incoming change after this rule. */
  enum Decision {
    /** Not this rule's case: causal length and cells decide, as for any key. */
    CELLS,
    /** The incoming change belongs to a life that lost (or it lost now): the table is kept. */
    KEEP_LOCAL,
    /** The incoming life wins: the local row, recorded if it lived, gives way to it whole. */
    TAKE_INCOMING
  }

  /** A decision and the ledger entries it opened. */
  record Outcome(Decision decision, int opened) {}

  private static final Outcome CELLS = new Outcome(Decision.CELLS, 0);

  /** The local row's values, read when a decision needs them. */
  @FunctionalInterface
  interface CurrentRow {
    Map<String, Object> read() throws SQLException;
  }

  private final LostLives lives;
  private final MergeState state;

  SameKeyRule(LostLives lives, MergeState state) {
    this.lives = lives;
    this.state = state;
  }

  LostLives lives() {
    return lives;
  }

  Outcome decide(
      Transaction tx,
      long tableId,
      TableInfo table,
      Object stored,
      Change change,
      MergeState.RowState local,
      CurrentRow current)
      throws SQLException {
    Dot incoming = change.life();
    if (!table.rowidKey() || incoming == null) {
      return CELLS;
    }
    LostLives.Lost lost = lives.find(table.name(), stored, incoming);
    if (lost != null) { // a life that lost here: what its replica did stays with its entry
      if (lost.open()) {
        if (change.kind() == ChangeKind.DELETE) {
          lives.superseded(lost);
        } else {
          Stamp written = Stamp.of(tx);
          lives.fill(lost, change.values(), column -> written);
        }
      }
      return new Outcome(Decision.KEEP_LOCAL, 0);
    }
    Dot mine = local == null ? null : local.life();
    if (mine == null || mine.equals(incoming)) {
      return CELLS;
    }
    long theirs = generation(change.causalLength());
    long ours = generation(local.cl());
    if (theirs == ours) {
      if (beats(incoming, mine)) {
        return new Outcome(
            Decision.TAKE_INCOMING, recordLocal(tableId, table, stored, local, current));
      }
      return new Outcome(Decision.KEEP_LOCAL, recordIncoming(tx, tableId, table, stored, change));
    }
    if (theirs > ours) {
      // a later generation ends the row; one whose creator never saw it is a record lost, not
      // deleted (the creator's knowledge, not this change's: a set may leave out the insert of a
      // life deleted since, and a deleter that knew this row only as a lost one did not end it)
      VectorClock creator = incoming.equals(tx.dot()) ? tx.deps() : lives.depsOf(incoming, tx);
      boolean unseen = creator.get(mine.site()) < mine.seq();
      return new Outcome(
          Decision.CELLS, unseen ? recordLocal(tableId, table, stored, local, current) : 0);
    }
    // an earlier generation: a row this replica never had (its transaction is new here), created
    // without knowing the later one that holds the key now
    return change.kind() == ChangeKind.INSERT
        ? new Outcome(Decision.KEEP_LOCAL, recordIncoming(tx, tableId, table, stored, change))
        : CELLS;
  }

  /** The deterministic rule between two lives of one generation: the greater dot keeps the key. */
  static boolean beats(Dot a, Dot b) {
    int bySite = a.site().compareTo(b.site());
    return bySite != 0 ? bySite > 0 : a.seq() > b.seq();
  }

  private static long generation(long causalLength) {
    return causalLength % 2 == 1 ? causalLength : causalLength - 1;
  }

  private int recordLocal(
      long tableId, TableInfo table, Object stored, MergeState.RowState local, CurrentRow current)
      throws SQLException {
    if (!local.alive()) {
      return 0; // deleted here by a replica that held it: nothing to keep
    }
    Map<String, Object> row = current.read();
    if (row == null) {
      return 0;
    }
    long hlc = local.dot().equals(local.life()) ? local.hlc() : 0;
    return lives.record(
            table,
            stored,
            local.life(),
            hlc,
            local.cl(),
            row,
            column -> state.cell(tableId, stored, column, local))
        ? 1
        : 0;
  }

  private int recordIncoming(
      Transaction tx, long tableId, TableInfo table, Object stored, Change change)
      throws SQLException {
    if (change.kind() == ChangeKind.DELETE) {
      return 0; // a losing row its own replica deleted: nothing is lost
    }
    if (change.kind() == ChangeKind.UPDATE && lives.ended(tableId, stored, change.life())) {
      // an edit made concurrently with that delete, which reached this replica first: arriving
      // before it, the edit would have opened an entry the delete closes, so it opens none now
      return 0;
    }
    Map<String, Object> row = new LinkedHashMap<>(change.values());
    row.put(table.keyColumns().get(0), change.key().get(0));
    long hlc = change.life().equals(tx.dot()) ? tx.hlc() : 0;
    Stamp written = Stamp.of(tx);
    return lives.record(
            table, stored, change.life(), hlc, change.causalLength(), row, column -> written)
        ? 1
        : 0;
  }
}
