package io.chora.jdbc.log;

import io.chora.jdbc.shared.Refusals;
import io.chora.sync.Change;
import io.chora.sync.ChangeSetReader;
import io.chora.sync.ChangeSetWriter;
import io.chora.sync.Dot;
import io.chora.sync.Transaction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * What this replica received for tables and columns it does not have (yet, or any more): a peer
 * runs a newer (or older) version of the app. Kept in {@code chora_aside} with the transaction that
 * wrote them, so that nothing is lost: one row per run of a transaction's changes of one table that
 * keep the same columns (a set of new rows from a newer app takes a row per {@link #ROW_CHANGES}
 * rows, not one each: a lagging replica applies at nearly the rate of one that has the columns),
 * each row a one-transaction set, deflated ({@link #encode}):
 *
 * <ul>
 *   <li>passed on with that transaction ({@link #of}, used by {@link ChangeAssembler}), so a
 *       replica that is behind relays newer replicas' writes intact;
 *   <li>merged into the tables once a migration adds what was missing ({@link #pending}, applied by
 *       {@link ChangeApplier#fill}): by the merge rules, as if it arrived after the migration.
 * </ul>
 *
 * A row stays after it is filled: its transaction may still have to be passed on, and the log
 * records that transaction only with the columns this replica had when it arrived. {@code whole} is
 * 1 while the table was missing (the rows' inserts or deletes themselves are not applied yet);
 * {@code missing} lists the columns not filled yet, the same for each change of the row, {@code *}
 * standing for the whole changes.
 */
final class SetAside implements AutoCloseable {
  static final String TABLE = "chora_aside";
  static final String INDEX = "chora_aside_dot";

  static final String[] SCHEMA = {
    "CREATE TABLE IF NOT EXISTS chora_aside(id INTEGER PRIMARY KEY, site TEXT NOT NULL, seq"
        + " INTEGER NOT NULL, tbl TEXT NOT NULL, whole INTEGER NOT NULL, missing TEXT NOT NULL,"
        + " change BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS chora_aside_dot ON chora_aside(site, seq)"
  };

  private static final String WHOLE = "*";

  /** The most changes one row keeps: bounds what one row's blob holds. */
  static final int ROW_CHANGES = 1000;

  /**
   * Separates the names in {@code missing}: a control character, which no kept column's name holds
   * (ChangeChecks refuses them), where a comma could be part of a name.
   */
  private static final String SEPARATOR = "\u001f";

  private final Connection conn;
  private final boolean any;
  private PreparedStatement insert;
  private PreparedStatement byDot;

  SetAside(Connection conn) throws SQLException {
    this.conn = conn;
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM chora_aside)")) {
      this.any = rs.next() && rs.getInt(1) == 1;
    }
  }

  /** Whether anything kept is not merged yet: after table DDL, whether a fill may be due. */
  static boolean anyMissing(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT EXISTS (SELECT 1 FROM chora_aside WHERE missing <> '')")) {
      return rs.next() && rs.getInt(1) == 1;
    }
  }

  /** Whether anything is kept: when not, passing transactions on reads nothing more. */
  boolean any() {
    return any;
  }

  /**
   * A change of a transaction to keep: the whole change when its table is missing here ({@code
   * whole}), else the cells of the columns missing here (the rest is merged as usual).
   */
  record Kept(Change change, boolean whole) {
    /** Whether {@code other} can share this one's row: same table, both whole, same columns. */
    boolean sameRow(Kept other) {
      return whole == other.whole
          && change.table().equals(other.change.table())
          && change.values().keySet().equals(other.change.values().keySet())
          && change.adds().keySet().equals(other.change.adds().keySet());
    }
  }

  /**
   * Keeps {@code kept}, changes of {@code tx} in the order they came: a run of changes that {@link
   * Kept#sameRow share a row} takes one row (up to {@link #ROW_CHANGES}), encoded once.
   */
  void keep(Transaction tx, List<Kept> kept) throws SQLException {
    if (insert == null) {
      insert =
          conn.prepareStatement(
              "INSERT INTO chora_aside(site, seq, tbl, whole, missing, change)"
                  + " VALUES (?, ?, ?, ?, ?, ?)");
    }
    int from = 0;
    for (int i = 1; i <= kept.size(); i++) {
      if (i < kept.size() && i - from < ROW_CHANGES && kept.get(from).sameRow(kept.get(i))) {
        continue;
      }
      Kept first = kept.get(from);
      List<Change> changes = new ArrayList<>(i - from);
      kept.subList(from, i).forEach(k -> changes.add(k.change()));
      insert.setString(1, tx.dot().site());
      insert.setLong(2, tx.dot().seq());
      insert.setString(3, first.change().table());
      insert.setInt(4, first.whole() ? 1 : 0);
      insert.setString(
          5, first.whole() ? WHOLE : String.join(SEPARATOR, columnsOf(first.change())));
      insert.setBytes(6, encode(new Transaction(tx.dot(), tx.hlc(), tx.deps(), changes)));
      insert.executeUpdate();
      from = i;
    }
  }

  /** The changes kept of the transaction {@code dot}, in the order they came. */
  List<Change> of(Dot dot) throws SQLException {
    if (!any) {
      return List.of();
    }
    if (byDot == null) {
      byDot =
          conn.prepareStatement(
              "SELECT change FROM chora_aside WHERE site = ? AND seq = ? ORDER BY id");
    }
    byDot.setString(1, dot.site());
    byDot.setLong(2, dot.seq());
    List<Change> changes = new ArrayList<>();
    try (ResultSet rs = byDot.executeQuery()) {
      while (rs.next()) {
        changes.addAll(decode(rs.getBytes(1)).changes());
      }
    }
    return changes;
  }

  /** A row of kept changes that can now be merged, at least in part: what of them to merge. */
  record Fill(long id, Transaction tx, boolean whole, Set<String> columns, String stillMissing) {}

  /**
   * The rows of kept changes that the tables as they are now can take, in the order they came:
   * changes of a table that now exists (with their cells of columns that exist), cells of columns
   * added since.
   */
  List<Fill> pending(Map<String, TableInfo> tables) throws SQLException {
    List<Fill> fills = new ArrayList<>();
    if (!any) {
      return fills;
    }
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT id, tbl, whole, missing, change, site, seq FROM chora_aside WHERE missing <> ''"
                    + " ORDER BY id")) {
      while (rs.next()) {
        TableInfo table = tables.get(rs.getString(2));
        if (table == null) {
          continue;
        }
        boolean whole = rs.getInt(3) == 1;
        Transaction kept = decode(rs.getBytes(5));
        Change first = kept.changes().get(0); // the row's changes share their columns
        // the row's dot, which a fork repair may have moved
        Transaction tx =
            new Transaction(
                new Dot(rs.getString(6), rs.getLong(7)), kept.hlc(), kept.deps(), kept.changes());
        Set<String> missing =
            whole
                ? columnsOf(first)
                : new LinkedHashSet<>(Arrays.asList(rs.getString(4).split(SEPARATOR)));
        Set<String> now = new LinkedHashSet<>();
        for (String column : missing) {
          if (table.columns().contains(column)) {
            now.add(column);
          }
        }
        if (!whole && now.isEmpty()) {
          continue;
        }
        missing.removeAll(now);
        fills.add(new Fill(rs.getLong(1), tx, whole, now, String.join(SEPARATOR, missing)));
      }
    }
    return fills;
  }

  /** Records that a fill was merged: what it left missing stays kept. */
  void filled(Fill fill) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement("UPDATE chora_aside SET whole = 0, missing = ? WHERE id = ?")) {
      ps.setString(1, fill.stillMissing());
      ps.setLong(2, fill.id());
      ps.executeUpdate();
    }
  }

  /**
   * What is kept and not merged yet, per table: the number of changes of a missing table, or of
   * cells of missing columns.
   */
  static Map<String, Long> held(Connection conn) throws SQLException {
    Map<String, Long> held = new TreeMap<>();
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT tbl, whole, missing, change FROM chora_aside WHERE missing <> ''"
                    + " ORDER BY id")) {
      while (rs.next()) {
        long each = rs.getInt(2) == 1 ? 1 : rs.getString(3).split(SEPARATOR).length;
        held.merge(rs.getString(1), each * decode(rs.getBytes(4)).changes().size(), Long::sum);
      }
    }
    return held;
  }

  /** The columns a change writes or adds to. */
  private static Set<String> columnsOf(Change change) {
    Set<String> columns = new LinkedHashSet<>(change.values().keySet());
    columns.addAll(change.adds().keySet());
    return columns;
  }

  /** The change restricted to {@code columns}: what of a kept change a fill merges. */
  static Change restricted(Change change, Set<String> columns) {
    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, Long> adds = new LinkedHashMap<>();
    for (String column : columns) {
      if (change.adds().containsKey(column)) {
        adds.put(column, change.adds().get(column));
      } else {
        values.put(column, change.values().get(column));
      }
    }
    return change.withAdds(Map.of()).withValues(values).withAdds(adds);
  }

  /**
   * A fork repair moved {@code site}'s transactions after seq {@code shift} to {@code target}: the
   * kept changes' own dots, dependencies and lives follow (their rows' site and seq are moved with
   * the log's).
   */
  static void moveSite(Connection conn, String site, long shift, String target)
      throws SQLException {
    Map<Long, byte[]> moved = new LinkedHashMap<>();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, change FROM chora_aside")) {
      while (rs.next()) {
        Transaction tx = decode(rs.getBytes(2));
        List<Change> changes = new ArrayList<>();
        for (Change change : tx.changes()) {
          Dot life =
              change.life() == null
                  ? null
                  : ForkRepair.movedDot(change.life(), site, shift, target);
          changes.add(
              new Change(
                  change.table(),
                  change.key(),
                  change.kind(),
                  change.causalLength(),
                  change.values(),
                  life,
                  change.adds()));
        }
        Transaction now =
            new Transaction(
                ForkRepair.movedDot(tx.dot(), site, shift, target),
                tx.hlc(),
                ForkRepair.movedDeps(tx.deps(), site, shift, target),
                changes,
                tx.nonce());
        if (!now.equals(tx)) {
          moved.put(rs.getLong(1), encode(now));
        }
      }
    }
    try (PreparedStatement ps =
        conn.prepareStatement("UPDATE chora_aside SET change = ? WHERE id = ?")) {
      for (Map.Entry<Long, byte[]> e : moved.entrySet()) {
        ps.setBytes(1, e.getValue());
        ps.setLong(2, e.getKey());
        ps.executeUpdate();
      }
    }
  }

  /**
   * Kept changes of one transaction, in the wire format (as they came), deflated: a run of small
   * changes repeats its names, and deflating at the fastest level takes less time than writing (and
   * checkpointing) the bytes it saves; what is kept is kept for good, too.
   */
  private static byte[] encode(Transaction tx) throws SQLException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    try (DeflaterOutputStream deflated = new DeflaterOutputStream(out, deflater, 8192);
        ChangeSetWriter writer =
            new ChangeSetWriter(
                deflated, tx.dot().site(), tx.deps().with(tx.dot().site(), tx.dot().seq()))) {
      writer.write(tx);
    } catch (IOException e) {
      throw Refusals.unwritable(e);
    } finally {
      deflater.end();
    }
    return out.toByteArray();
  }

  /** Reads a row's changes: deflated, or plain JSON (rows kept before they were deflated). */
  private static Transaction decode(byte[] bytes) throws SQLException {
    InputStream in = new ByteArrayInputStream(bytes);
    try (ChangeSetReader reader =
        new ChangeSetReader(
            bytes.length > 0 && bytes[0] == '{' ? in : new InflaterInputStream(in))) {
      if (!reader.hasNext()) {
        throw new SQLException("chora: a change kept in chora_aside is empty");
      }
      return reader.next();
    } catch (IOException | IllegalArgumentException e) {
      throw new SQLException("chora: a change kept in chora_aside cannot be read: " + e, e);
    }
  }

  @Override
  public void close() throws SQLException {
    if (insert != null) {
      insert.close();
    }
    if (byDot != null) {
      byDot.close();
    }
  }
}
