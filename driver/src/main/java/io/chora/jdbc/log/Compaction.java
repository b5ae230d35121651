package io.chora.jdbc.log;

import io.chora.sync.Dot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code compact}: removes what of chora's own state no answer can need any more, whatever clock a
 * peer comes with, without waiting for every peer to have seen it (docs/replicas.md#compaction).
 * What goes:
 *
 * <ul>
 *   <li>cell conflicts closed as {@code SUPERSEDED}: nothing reads them again ({@link
 *       OpenConflicts} keeps only open and unlisted ones; the ledger lists the open ones);
 *   <li>logged updates that {@link ChangeAssembler} turns into nothing, now and for good: updates
 *       of a row life that ended before the row's current life began here, updates tagged with a
 *       life that gave way and that the ledger keeps nothing of, and (keys that are not rowids,
 *       where lives never give way) updates of a deleted row or whose every cell a later write won.
 *       The transaction itself stays (its commit marker: a peer's clock needs every dot), and so do
 *       inserts, deletes, and each key's last logged row (the divergence digest finds the rows to
 *       re-read from the log).
 * </ul>
 *
 * A write whose cell lost to a concurrent one stays while its conflict is open or unlisted: a set
 * tells it by its own value. Tables with counting columns keep their log.
 */
final class Compaction {
  private final Connection conn;
  private final Map<Long, TableInfo> tables;
  private final MergeState state;
  private final OpenConflicts ledger;
  private final LostLives lost;
  private final Set<Long> counting;
  private long[] markerIds = new long[0];
  private final Map<String, long[][]> markersBySite = new HashMap<>(); // site: {seqs, ids}
  private String[] markerSites = new String[0];
  private long[] markerSeqs = new long[0];

  private Compaction(Connection conn, Map<Long, TableInfo> tables, MergeState state)
      throws SQLException {
    this.conn = conn;
    this.tables = tables;
    this.state = state;
    this.ledger = new OpenConflicts(conn);
    this.lost = new LostLives(conn);
    this.counting = countingTables(conn);
  }

  /** Folds the log, then removes what is superseded; returns the rows removed. Call in a write. */
  static long run(Connection conn, Map<Long, TableInfo> tables) throws SQLException {
    try (RowReader rows = new RowReader(conn);
        MergeState state = new MergeState(conn)) {
      state.fold(tables, rows::exists);
      Compaction compaction = new Compaction(conn, tables, state);
      try {
        return compaction.supersededConflicts() + compaction.supersededUpdates(state.folded());
      } finally {
        compaction.lost.close();
      }
    }
  }

  private long supersededConflicts() throws SQLException {
    try (Statement st = conn.createStatement()) {
      return st.executeUpdate(
          "DELETE FROM chora_conflicts WHERE kind = 'CELL' AND status = 'SUPERSEDED' AND NOT"
              + " EXISTS (SELECT 1 FROM chora_conflict_rows WHERE conflict = chora_conflicts.id)");
    }
  }

  /** One logged row change: place, key, op, update mask, the life it is tagged with (or null). */
  private record Logged(long id, int op, long mask, Dot tag) {}

  private long supersededUpdates(long folded) throws SQLException {
    loadMarkers();
    List<Long> remove = new ArrayList<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT id, tbl, pk, op, cols, site, seq FROM chora_log WHERE op <> "
                + LogOp.COMMIT
                + " AND tbl IS NOT NULL AND id <= ? ORDER BY tbl, pk, id")) {
      ps.setLong(1, folded);
      try (ResultSet rs = ps.executeQuery()) {
        long table = -1;
        Object key = null;
        List<Logged> group = new ArrayList<>();
        while (rs.next()) {
          long t = rs.getLong(2);
          Object k = rs.getObject(3);
          if (t != table || !KeyCodec.identity(k).equals(KeyCodec.identity(key))) {
            removable(table, key, group, remove);
            group.clear();
            table = t;
            key = k;
          }
          String tagSite = rs.getString(6);
          group.add(
              new Logged(
                  rs.getLong(1),
                  rs.getInt(4),
                  rs.getLong(5),
                  tagSite == null ? null : new Dot(tagSite, rs.getLong(7))));
        }
        removable(table, key, group, remove);
      }
    }
    try (PreparedStatement ps = conn.prepareStatement("DELETE FROM chora_log WHERE id = ?")) {
      for (long id : remove) {
        ps.setLong(1, id);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    return remove.size();
  }

  /** Adds the ids of {@code group}'s updates that no answer needs any more; keeps the last row. */
  private void removable(long tableId, Object key, List<Logged> group, List<Long> remove)
      throws SQLException {
    TableInfo table = tables.get(tableId);
    if (group.size() < 2 || table == null || counting.contains(tableId)) {
      return;
    }
    MergeState.RowState now = state.row(tableId, key);
    if (now == null) {
      return;
    }
    Long lifeBegan = now.life() == null ? null : markerOf(now.life());
    for (Logged row : group.subList(0, group.size() - 1)) {
      if (row.op() != LogOp.UPDATE) {
        continue;
      }
      Dot dot = dotOf(row.id());
      if (dot == null || lostHere(table, key, row, dot)) {
        continue;
      }
      if (row.tag() != null) {
        // a life that gave way: told only through what the ledger keeps of it
        if (table.rowidKey()
            && now.life() != null
            && !row.tag().equals(now.life())
            && lost.find(table.name(), key, row.tag()) == null) {
          remove.add(row.id());
        }
        continue;
      }
      boolean earlierLife = lifeBegan != null && row.id() < lifeBegan && !dot.equals(now.life());
      if (earlierLife || (!table.rowidKey() && superseded(tableId, table, key, row, dot, now))) {
        remove.add(row.id());
      }
    }
  }

  /**
   * Deleted since, or every cell the update wrote has a later winner (keys that are not rowids).
   */
  private boolean superseded(
      long tableId, TableInfo table, Object key, Logged row, Dot dot, MergeState.RowState now)
      throws SQLException {
    if (!now.alive()) {
      return true;
    }
    for (String column : TriggerBuilder.columnsOf(row.mask(), table.columns())) {
      if (state.cell(tableId, key, column, now).dot().equals(dot)) {
        return false;
      }
    }
    return true;
  }

  /** Whether a cell the update wrote lost to a concurrent write whose conflict is still live. */
  private boolean lostHere(TableInfo table, Object key, Logged row, Dot dot) throws SQLException {
    if (!ledger.any()) {
      return false;
    }
    for (String column : TriggerBuilder.columnsOf(row.mask(), table.columns())) {
      if (ledger.lostValue(table.name(), key, column, dot) != OpenConflicts.UNKNOWN) {
        return true;
      }
    }
    return false;
  }

  /** The commit markers in log order, and per site by seq (seqs of a site grow along the log). */
  private void loadMarkers() throws SQLException {
    List<long[]> all = new ArrayList<>();
    List<String> sites = new ArrayList<>();
    Map<String, List<long[]>> bySite = new HashMap<>();
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT id, site, seq FROM chora_log WHERE op = "
                    + LogOp.COMMIT
                    + " ORDER BY id")) {
      while (rs.next()) {
        long[] marker = {rs.getLong(1), rs.getLong(3)};
        String site = rs.getString(2);
        all.add(marker);
        sites.add(site);
        bySite.computeIfAbsent(site, s -> new ArrayList<>()).add(marker);
      }
    }
    markerIds = new long[all.size()];
    markerSeqs = new long[all.size()];
    markerSites = sites.toArray(new String[0]);
    for (int i = 0; i < all.size(); i++) {
      markerIds[i] = all.get(i)[0];
      markerSeqs[i] = all.get(i)[1];
    }
    for (Map.Entry<String, List<long[]>> e : bySite.entrySet()) {
      List<long[]> markers = e.getValue();
      markers.sort((x, y) -> Long.compare(x[1], y[1]));
      long[] seqs = new long[markers.size()];
      long[] ids = new long[markers.size()];
      for (int i = 0; i < markers.size(); i++) {
        seqs[i] = markers.get(i)[1];
        ids[i] = markers.get(i)[0];
      }
      markersBySite.put(e.getKey(), new long[][] {seqs, ids});
    }
  }

  /** The transaction a logged row belongs to: the first marker after it; null if none. */
  private Dot dotOf(long logId) {
    int at = Arrays.binarySearch(markerIds, logId);
    int next = at >= 0 ? at + 1 : -at - 1;
    return next < markerIds.length ? new Dot(markerSites[next], markerSeqs[next]) : null;
  }

  /** Where transaction {@code dot}'s marker is in the log; null when this log lacks it. */
  private Long markerOf(Dot dot) {
    long[][] markers = markersBySite.get(dot.site());
    if (markers == null) {
      return null;
    }
    int at = Arrays.binarySearch(markers[0], dot.seq());
    return at >= 0 ? markers[1][at] : null;
  }

  /** Tables some of whose columns count ({@code counts:<table id>:<column>} in chora_meta). */
  private static Set<Long> countingTables(Connection conn) throws SQLException {
    Set<Long> ids = new HashSet<>();
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT key FROM chora_meta WHERE key >= ? AND key < ?")) {
      ps.setString(1, "counts:");
      ps.setString(2, "counts;");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(Long.parseLong(rs.getString(1).split(":", 3)[1]));
        }
      }
    }
    return ids;
  }
}
