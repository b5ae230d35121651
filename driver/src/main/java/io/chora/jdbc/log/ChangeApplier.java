package io.chora.jdbc.log;

import io.chora.jdbc.seam.OwnInserts;
import io.chora.jdbc.shared.Refusals;
import io.chora.sync.ApplyResult;
import io.chora.sync.Change;
import io.chora.sync.ChangeKind;
import io.chora.sync.ChangeSet;
import io.chora.sync.ChangeSetReader;
import io.chora.sync.Dot;
import io.chora.sync.SqlValues;
import io.chora.sync.Stamp;
import io.chora.sync.Transaction;
import io.chora.sync.VectorClock;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a change set inside the caller's transaction. Rows: the higher causal length wins, so a
 * delete beats concurrent updates of the life it ended and a re-insert beats the delete. Cells of
 * the same life: last writer wins by (HLC, site id); a transaction that causally follows a write
 * always has the higher HLC, because applying advances this replica's HLC. Concurrent writes of one
 * cell (neither transaction's dependencies cover the other) go to the conflict ledger.
 */
final class ChangeApplier {
  private final Connection conn;
  private final String site;
  private final long maxValueBytes;
  private final Map<Long, TableInfo> tables;

  private final boolean shortcuts;

  ChangeApplier(Connection conn, String site, long maxValueBytes, Map<Long, TableInfo> tables) {
    this(conn, site, maxValueBytes, tables, true);
  }

  /** {@code shortcuts} false: every row state looked up ({@link FreshTables} not used). */
  ChangeApplier(
      Connection conn,
      String site,
      long maxValueBytes,
      Map<Long, TableInfo> tables,
      boolean shortcuts) {
    this.shortcuts = shortcuts;
    this.conn = conn;
    this.tables = tables;
    this.site = site;
    this.maxValueBytes = maxValueBytes;
  }

  /** Applies a set held in memory, checked whole before anything is written. */
  ApplyResult apply(ChangeSet set) throws SQLException {
    ForkCheck.check(conn, set.site(), set.heads());
    if (set.isEmpty()) {
      new ChangeSetValidator(site, tables, maxValueBytes, new Renames.Mapper(conn, tables))
          .check(set, new ChangeLog(conn, site).clock());
      return new ApplyResult(0, 0, 0, 0);
    }
    Iterator<Transaction> txs = set.transactions().iterator();
    return apply(
        (validator, clock) -> {
          validator.check(set, clock);
          return null; // nothing left to check per transaction
        },
        () -> txs.hasNext() ? txs.next() : null);
  }

  /**
   * Applies a set as it is read from the wire, holding one transaction at a time: each is checked
   * before it is written, and a problem found later (or bytes that end early) fails the apply,
   * which the caller's transaction then rolls back whole.
   */
  ApplyResult apply(ChangeSetReader reader) throws SQLException {
    ForkCheck.check(conn, reader.site(), reader.heads());
    return apply(
        (validator, clock) -> validator.begin(reader.site(), reader.clock(), clock),
        () -> {
          try {
            return reader.hasNext() ? reader.next() : null;
          } catch (IOException | IllegalArgumentException e) {
            throw Refusals.unreadable(e);
          }
        });
  }

  /** The error for wire bytes that are not a well-formed change set, or could not be read. */

  /** How a set is checked: whole up front (returns null), or per transaction by a pass. */
  @FunctionalInterface
  private interface Checks {
    ChangeSetValidator.Pass begin(ChangeSetValidator validator, VectorClock clock)
        throws SQLException;
  }

  /** The transactions of an incoming set in order; null after the last. */
  @FunctionalInterface
  private interface Source {
    Transaction next() throws SQLException;
  }

  private ApplyResult apply(Checks checks, Source source) throws SQLException {
    if (CaptureSchema.openTransactionLogged(conn)) {
      throw new SQLException(
          "chora: apply needs the connection's own writes committed first (commit or roll back)");
    }
    Map<String, Long> ids = new HashMap<>();
    tables.forEach((id, t) -> ids.put(t.name(), id));
    ChangeLog log = new ChangeLog(conn, site);
    VectorClock clock = log.clock();
    long[] localHead = log.localHead();
    Renames.Mapper renames = new Renames.Mapper(conn, tables);
    ChangeSetValidator.Pass pass =
        checks.begin(new ChangeSetValidator(site, tables, maxValueBytes, renames), clock);
    int applied = 0;
    int skipped = 0;
    int conflicts = 0;
    int changes = 0;
    try (Merging m = new Merging(ids, localHead, renames);
        PreparedStatement marker =
            conn.prepareStatement(
                OwnInserts.of(
                    "INSERT INTO chora_log(op, site, seq, hlc, deps, nonce) VALUES ("
                        + LogOp.COMMIT
                        + ", ?, ?, ?, ?, ?)"));
        PreparedStatement head =
            conn.prepareStatement(
                OwnInserts.of("INSERT OR REPLACE INTO chora_clock(site, seq) VALUES (?, ?)"));
        PreparedStatement logReceived =
            conn.prepareStatement(
                OwnInserts.of(
                    "INSERT INTO chora_log(tbl, op, pk, cols, site, seq) VALUES (?, ?, ?, ?, ?,"
                        + " ?)"))) {
      m.state.fold(tables, m.rows::exists);
      if (shortcuts) {
        m.state.trackFresh(tables); // from here on, row states are written by m.state alone
      }
      long maxHlc = 0;
      for (Transaction tx = source.next(); tx != null; tx = source.next()) {
        if (pass != null) {
          pass.check(tx);
        }
        Dot dot = tx.dot();
        changes += tx.changes().size();
        if (dot.seq() <= clock.get(dot.site())) {
          skipped++;
          continue;
        }
        ForkRepair.refuseMoved(conn, tx, clock.get(dot.site()));
        long before = CaptureSchema.lastLogId(conn);
        List<Change> known = m.keepMissing(tx);
        Merge merge = m.merge(tx, false);
        Set<String> named = m.keeper.deletesActOnOthers() ? new HashSet<>() : null;
        for (Change change : known) {
          long id = ids.get(change.table());
          conflicts += merge.apply(id, tables.get(id), change, named);
        }
        m.keeper.collectActions(before, named);
        // the log keeps the transaction as received, not what it happened to change here: a
        // relay must pass on a delete of a row it never had, or a write of a value it already had
        if (!triggersLoggedItAsReceived(known, before, ids)) {
          m.dropLogRowsAfter(before);
          for (Change change : known) {
            long id = ids.get(change.table());
            logReceived.setLong(1, id);
            logReceived.setInt(2, opOf(change.kind()));
            logReceived.setObject(3, KeyCodec.encode(conn, change.key()));
            logReceived.setLong(
                4,
                change.kind() == ChangeKind.DELETE && change.life() != null
                    ? change.causalLength()
                    : TriggerBuilder.maskOf(tables.get(id).columns(), change.values().keySet()));
            Dot life = change.kind() == ChangeKind.INSERT ? null : change.life();
            logReceived.setString(5, life == null ? null : life.site());
            logReceived.setObject(6, life == null ? null : life.seq());
            logReceived.executeUpdate();
          }
        }
        marker.setString(1, dot.site());
        marker.setLong(2, dot.seq());
        marker.setLong(3, tx.hlc());
        marker.setString(4, tx.deps().toString());
        marker.setObject(5, tx.nonce() == 0 ? null : tx.nonce());
        marker.executeUpdate();
        head.setString(1, dot.site());
        head.setLong(2, dot.seq());
        head.executeUpdate();
        clock = clock.with(dot.site(), dot.seq());
        maxHlc = Math.max(maxHlc, tx.hlc());
        applied++;
      }
      if (pass != null) {
        pass.finish();
      }
      String stored = CaptureSchema.meta(conn, "hlc");
      if (stored == null || Long.parseLong(stored) < maxHlc) {
        CaptureSchema.setMeta(conn, "hlc", maxHlc);
      }
      long end = CaptureSchema.lastLogId(conn);
      if (applied > 0) {
        CaptureSchema.setMeta(conn, "local_seq", localHead[0]);
        CaptureSchema.setMeta(conn, "local_hlc", localHead[1]);
        CaptureSchema.setMeta(conn, "applied_upto", end);
      }
      conflicts += m.finish(end);
    }
    return new ApplyResult(applied, skipped, conflicts, changes);
  }

  /**
   * Merges the changes kept aside ({@link SetAside}) that the tables can take now that a migration
   * added their table or columns: by the merge rules, as if they arrived right after the statement
   * that added them. Runs inside the migration's transaction, right after that statement, so the
   * rest of the migration (a data migration's UPDATE, a seed row) sees the kept values; nothing the
   * fill writes is a local write, so the triggers' rows of it are dropped. What the transaction
   * logged before stays unfolded, and removals the constraints need stay unmarked: the
   * transaction's own commit marker takes both. Returns the cell conflicts it recorded.
   */
  int fill(SetAside aside, List<SetAside.Fill> fills) throws SQLException {
    Map<String, Long> ids = new HashMap<>();
    tables.forEach((id, t) -> ids.put(t.name(), id));
    int conflicts = 0;
    try (Merging m =
        new Merging(ids, new ChangeLog(conn, site).localHead(), new Renames.Mapper(conn, tables))) {
      m.state.fold(tables, m.rows::exists);
      for (SetAside.Fill fill : fills) {
        Merge merge = m.merge(fill.tx(), !fill.whole());
        for (Change kept : fill.tx().changes()) {
          Change change = SetAside.restricted(kept, fill.columns());
          long id = ids.get(change.table());
          if (fill.whole()
              && change.kind() == ChangeKind.UPDATE
              && m.rows.read(id, tables.get(id), change.key()) == null) {
            continue; // an update of a row the table does not hold (dropped with it since)
          }
          long before = CaptureSchema.lastLogId(conn);
          Set<String> named = m.keeper.deletesActOnOthers() ? new HashSet<>() : null;
          conflicts += merge.apply(id, tables.get(id), change, named);
          m.keeper.collectActions(before, named);
          m.dropLogRowsAfter(before);
        }
        aside.filled(fill);
      }
      m.keeper.finish(CaptureSchema.lastLogId(conn));
      conflicts += m.keeper.conflicts();
    }
    return conflicts;
  }

  /** What merging transactions needs, prepared once per apply or fill. */
  private final class Merging implements AutoCloseable {
    final MergeState state;
    final RowReader rows;
    final TableWriter writer;
    final Ledger ledger;
    final LostLives lives;
    final ConstraintKeeper keeper;
    final SameKeyRule rule;
    final SetAside aside;
    private final Renames.Mapper renames;
    private final Map<String, Long> ids;
    private final PreparedStatement dropLogRows;

    Merging(Map<String, Long> ids, long[] localHead, Renames.Mapper renames) throws SQLException {
      this.ids = ids;
      this.renames = renames;
      state = new MergeState(conn);
      rows = new RowReader(conn);
      writer = new TableWriter(conn);
      ledger = new Ledger(conn);
      lives = new LostLives(conn);
      // removals the constraints need are a local transaction: the next local dot
      keeper =
          new ConstraintKeeper(
              conn, tables, ids, state, rows, writer, ledger, new Dot(site, localHead[0] + 1));
      rule = new SameKeyRule(lives, state);
      aside = new SetAside(conn);
      dropLogRows = conn.prepareStatement("DELETE FROM chora_log WHERE id > ?");
    }

    Merge merge(Transaction tx, boolean filling) {
      return new Merge(tx, state, rows, keeper, ledger, rule, filling);
    }

    /**
     * Keeps aside what of {@code tx} this replica has no table or column for, and returns the rest,
     * to merge now: the same changes when it has them all. Values under a column's old name go to
     * its new one (Renames).
     */
    List<Change> keepMissing(Transaction tx) throws SQLException {
      List<Change> known = null;
      List<SetAside.Kept> kept = new ArrayList<>();
      for (int i = 0; i < tx.changes().size(); i++) {
        Change received = tx.changes().get(i);
        Change change = renames.map(received);
        Long id = ids.get(change.table());
        Change rest;
        if (id == null) {
          kept.add(new SetAside.Kept(received, true));
          rest = null;
        } else {
          rest = change;
          Set<String> missing = missing(tables.get(id), change);
          if (missing != null) {
            kept.add(new SetAside.Kept(SetAside.restricted(change, missing), false));
            Set<String> present = new LinkedHashSet<>(change.values().keySet());
            present.addAll(change.adds().keySet());
            present.removeAll(missing);
            rest = SetAside.restricted(change, present);
          }
        }
        if (rest != received && known == null) {
          known = new ArrayList<>(tx.changes().subList(0, i));
        }
        if (known != null && rest != null) {
          known.add(rest);
        }
      }
      if (!kept.isEmpty()) {
        aside.keep(tx, kept);
      }
      return known == null ? tx.changes() : known;
    }

    /** The columns the change writes or adds to that the table lacks here; null for none. */
    private Set<String> missing(TableInfo table, Change change) {
      Set<String> missing = null;
      for (String column : change.values().keySet()) {
        missing = missingColumn(table, column, missing);
      }
      for (String column : change.adds().keySet()) {
        missing = missingColumn(table, column, missing);
      }
      return missing;
    }

    private static Set<String> missingColumn(TableInfo table, String column, Set<String> missing) {
      if (table.columns().contains(column)) {
        return missing;
      }
      Set<String> more = missing == null ? new LinkedHashSet<>() : missing;
      more.add(column);
      return more;
    }

    void dropLogRowsAfter(long id) throws SQLException {
      dropLogRows.setLong(1, id);
      dropLogRows.executeUpdate();
    }

    /**
     * After the last transaction, with the log at {@code end}: the removals the constraints need,
     * committed as a local transaction; returns the conflicts the constraints recorded.
     */
    int finish(long end) throws SQLException {
      state.setFolded(end); // merged rows are in the state already; removals fold later
      if (keeper.finish(end)) {
        try (Statement st = conn.createStatement()) {
          st.executeUpdate(CaptureSchema.MARK_COMMIT); // the removals' local transaction
        }
      }
      return keeper.conflicts();
    }

    @Override
    public void close() throws SQLException {
      try (state;
          rows;
          writer;
          ledger;
          lives;
          keeper;
          aside;
          dropLogRows) {
        // closed in reverse order
      }
    }
  }

  /**
   * Whether the triggers' rows for a transaction are already what would be logged as received: the
   * common case of a set of new rows, each inserted whole as it came (one INSERT row per change, in
   * order, nothing else). Saves deleting and rewriting them. An insert that does not carry every
   * column (its writer ran a schema without some) is logged with the columns it carried, so that a
   * relay never tells it as writing the others.
   */
  private boolean triggersLoggedItAsReceived(List<Change> known, long before, Map<String, Long> ids)
      throws SQLException {
    for (Change change : known) {
      if (change.kind() != ChangeKind.INSERT
          || !whole(tables.get(ids.get(change.table())), change)) {
        return false;
      }
    }
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT tbl, op, pk FROM chora_log WHERE id > ? ORDER BY id")) {
      ps.setLong(1, before);
      try (ResultSet rs = ps.executeQuery()) {
        for (Change change : known) {
          // the same row, keyed the same way (a key stored with another type, say by column
          // affinity, would not match the merge state's)
          if (!rs.next()
              || rs.getInt(2) != LogOp.INSERT
              || rs.getLong(1) != ids.get(change.table())
              || !SqlValues.equal(
                  RowReader.normalize(rs.getObject(3)),
                  RowReader.normalize(KeyCodec.encode(conn, change.key())))) {
            return false;
          }
        }
        return !rs.next();
      }
    }
  }

  /** Whether an insert carries a value of every column of its table besides the key. */
  private static boolean whole(TableInfo table, Change change) {
    for (String column : table.columns()) {
      if (!change.values().containsKey(column) && !table.keyColumns().contains(column)) {
        return false;
      }
    }
    return true;
  }

  private static int opOf(ChangeKind kind) {
    return switch (kind) {
      case INSERT -> LogOp.INSERT;
      case UPDATE -> LogOp.UPDATE;
      case DELETE -> LogOp.DELETE;
    };
  }

  /**
   * The merge of one remote transaction's changes. {@code filling}: its cells of columns this
   * replica added since they came ({@link #fill}); then the row's life is settled already, and a
   * cell no write here has touched since the column was added has no writer to compare with.
   */
  private record Merge(
      Transaction tx,
      MergeState state,
      RowReader rows,
      ConstraintKeeper keeper,
      Ledger ledger,
      SameKeyRule rule,
      boolean filling) {

    /**
     * A fill of cells of a row that the open transaction wrote before the fill, so the state does
     * not know it yet: a table rebuilt by copying its rows into a new one (SQLite's way for changes
     * ALTER cannot make). The copy holds only the new column's default, which no write set: the
     * kept cells go into it, and the transaction's own change of the row carries them on.
     */
    private int fillUnfolded(long id, TableInfo table, Object stored, Change change)
        throws SQLException {
      Map<String, Object> current = rows.read(id, table, change.key());
      if (current == null) {
        return 0; // a row gone here
      }
      updateCells(id, table, stored, change.key(), current, change.values());
      return 0;
    }

    /** Writes {@code cells} over the row {@code current}, through the constraint rules. */
    private void updateCells(
        long id,
        TableInfo table,
        Object stored,
        List<Object> key,
        Map<String, Object> current,
        Map<String, Object> cells)
        throws SQLException {
      keeper.write(
          tx,
          id,
          table,
          stored,
          key,
          () -> {
            Map<String, Object> row = new LinkedHashMap<>(current);
            row.putAll(cells);
            return row;
          },
          true,
          () -> keeper.writer().update(table, key, cells));
    }

    /**
     * Applies one change and adds its row to {@code named} (when not null); returns the number of
     * cell conflicts it recorded.
     */
    int apply(long id, TableInfo table, Change change, Set<String> named) throws SQLException {
      Object stored = KeyCodec.encode(ledger.connection(), change.key());
      if (named != null) {
        named.add(KeyCodec.rowId(id, stored));
      }
      MergeState.RowState life = state.row(id, stored);
      long local = life == null ? 0 : life.cl();
      long incoming = change.causalLength();
      if (!table.rowidKey() // an older life, or both sides deleted it (rowid keys: see below)
          && (incoming < local || (incoming == local && incoming % 2 == 0))) {
        return 0;
      }
      // after folding, every tracked row is in the merge state: no state, no row to read
      Map<String, Object> current = life == null ? null : rows.read(id, table, change.key());
      if (filling && life == null) {
        return fillUnfolded(id, table, stored, change);
      }
      if (filling && (incoming != local || current == null)) {
        return 0; // cells of a life that ended here since (or of a row gone): nothing to fill
      }
      SameKeyRule.Outcome sameKey = rule.decide(tx, id, table, stored, change, life, () -> current);
      switch (sameKey.decision()) {
        case KEEP_LOCAL:
          return sameKey.opened();
        case TAKE_INCOMING:
          replaceLife(id, table, stored, change, life, current);
          return sameKey.opened();
        default:
          break;
      }
      if (incoming < local || (incoming == local && incoming % 2 == 0)) {
        return sameKey.opened(); // an older life, or both sides deleted it
      }
      if (incoming > local) {
        replaceLife(id, table, stored, change, life, current);
        addedToNewRow(id, table, stored, change);
        return sameKey.opened();
      }
      if (current == null) {
        insert(id, table, stored, change); // state says alive: heal the row
        addedToNewRow(id, table, stored, change);
        return 0;
      }
      // same life: life is not null here (incoming >= 1 and equal to it)
      int conflicts = 0;
      Map<String, Object> winners = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : change.values().entrySet()) {
        String column = e.getKey();
        Stamp mine =
            filling ? state.writtenCell(id, stored, column) : state.cell(id, stored, column, life);
        // a counting cell's absolute writes are its bases: they are what wins or loses
        Counters.Base base = state.counters().base(id, stored, column);
        if (mine == null || MergeState.isDefaultOnly(mine)) { // only its default: no write set it
          winners.put(column, counted(id, stored, column, base, e.getValue()));
          state.putCell(id, stored, column, tx.dot(), tx.hlc());
          continue;
        }
        boolean wins = Stamp.of(tx).beats(mine);
        boolean concurrent = tx.deps().get(mine.dot().site()) < mine.dot().seq();
        Object localValue = base != null ? base.value() : current.get(column);
        boolean differ = !SqlValues.equal(localValue, e.getValue());
        boolean key = table.keyColumns().contains(column); // the same in both: never a loss
        ledger
            .open()
            .written(table.name(), stored, column, tx.deps(), Stamp.of(tx), e.getValue(), wins);
        if (wins) {
          winners.put(column, counted(id, stored, column, base, e.getValue()));
          state.putCell(id, stored, column, tx.dot(), tx.hlc());
          if (concurrent && (differ || !key)) { // equal: unlisted, opens if another value wins
            ledger.record(
                table, stored, column, e.getValue(), Stamp.of(tx), localValue, mine, !differ);
            conflicts += differ ? 1 : 0;
          }
        } else if (concurrent && (differ || !key)) {
          ledger.record(
              table, stored, column, localValue, mine, e.getValue(), Stamp.of(tx), !differ);
          conflicts += differ ? 1 : 0;
        }
      }
      if (!change.adds().isEmpty()) {
        added(id, stored, change, life, current, winners);
      }
      if (!winners.isEmpty()) {
        updateCells(id, table, stored, change.key(), current, winners);
      }
      return conflicts;
    }

    /** What a winning absolute write leaves in the cell ({@link Counters#reset}). */
    private Object counted(long id, Object stored, String column, Counters.Base old, Object value)
        throws SQLException {
      return old == null
          ? value
          : state
              .counters()
              .reset(id, stored, column, new Counters.Base(Stamp.of(tx), tx.deps(), value));
    }

    /**
     * The increments of an update that made its row here: a set tells a row once, by the latest
     * write of it, so an increment may come before the insert that later rewrote the row (a
     * REPLACE): it still counts, on the cell's default until a base arrives.
     */
    private void addedToNewRow(long id, TableInfo table, Object stored, Change change)
        throws SQLException {
      if (change.adds().isEmpty() || change.kind() != ChangeKind.UPDATE) {
        return;
      }
      Map<String, Object> current = rows.read(id, table, change.key());
      if (current == null) {
        return;
      }
      Map<String, Object> winners = new LinkedHashMap<>();
      added(id, stored, change, state.row(id, stored), current, winners);
      if (!winners.isEmpty()) {
        updateCells(id, table, stored, change.key(), current, winners);
      }
    }

    /** Adds the change's increments ({@link Counters#add}); new counts go into {@code winners}. */
    private void added(
        long id,
        Object stored,
        Change change,
        MergeState.RowState life,
        Map<String, Object> current,
        Map<String, Object> winners)
        throws SQLException {
      for (Map.Entry<String, Long> add : change.adds().entrySet()) {
        String column = add.getKey();
        // a cell that did not count yet takes its last writer as base (its default when filling)
        Stamp winner =
            filling ? state.writtenCell(id, stored, column) : state.cell(id, stored, column, life);
        Object count =
            state.counters().add(id, stored, column, Stamp.of(tx), add.getValue(), winner, current);
        if (count != null) {
          winners.put(column, count);
        }
      }
    }

    /** The row's life this replica knows has ended: the incoming change's life takes the key. */
    private void replaceLife(
        long id,
        TableInfo table,
        Object stored,
        Change change,
        MergeState.RowState life,
        Map<String, Object> current)
        throws SQLException {
      if (current != null) {
        keeper.delete(table, change.key());
      }
      if (life != null) {
        ledger.open().rowEnded(table.name(), stored);
      }
      if (table.rowidKey()
          && life != null
          && life.life() != null
          && change.life() != null
          && !life.life().equals(change.life())) {
        rule.lives().tag(id, stored, life.life(), life.cl()); // another life takes the key
      }
      // a set of format version 2 names no life: an insert or update begins one, a delete ends
      // the one this replica knew
      Dot begun =
          change.life() != null
              ? change.life()
              : change.kind() != ChangeKind.DELETE ? tx.dot() : life == null ? null : life.life();
      state.putRow(id, stored, change.causalLength(), tx.dot(), tx.hlc(), begun);
      if (life != null) {
        state.dropCells(id, stored);
        state.counters().dropRow(id, stored);
      }
      if (change.kind() != ChangeKind.DELETE) {
        insert(id, table, stored, change); // its cells: the row's version
      }
    }

    private void insert(long id, TableInfo table, Object stored, Change change)
        throws SQLException {
      keeper.write(
          tx,
          id,
          table,
          stored,
          change.key(),
          () -> {
            Map<String, Object> row = new LinkedHashMap<>(change.values());
            for (int i = 0; i < change.key().size(); i++) {
              row.put(table.keyColumns().get(i), change.key().get(i));
            }
            return row;
          },
          false,
          () -> keeper.writer().insert(table, change.key(), change.values()));
      if (change.values().size() < table.columns().size()) {
        for (String column : table.columns()) {
          if (!change.values().containsKey(column) && !table.keyColumns().contains(column)) {
            // its writer had no such column: the cell holds its default, which no write set
            state.putCell(id, stored, column, MergeState.DEFAULT_ONLY, 0);
            state.noteDefaultsOnly(id);
          }
        }
      }
    }
  }
}
