package io.chora.jdbc.log;

import io.chora.jdbc.log.ChangeLog.LoggedRow;
import io.chora.jdbc.log.ChangeLog.LoggedTx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link ChangeAssembler} reads of each logged row of one transaction, its merge state ({@link
 * MergeState#row}) and current values ({@link RowReader#read}), read set-based: one statement per
 * table and transaction joins the transaction's log rows with {@code chora_rows} and the user
 * table, instead of two look-ups per row, which cost most of a large first sync's sending.
 *
 * <p>It answers exactly what the look-ups would: it runs in the same read of the database (sending
 * writes nothing), and only for tables whose key is the rowid and for log rows whose key is an
 * integer. There the look-ups' comparisons ({@code pk = ?} on {@code chora_rows}, {@code key IS ?}
 * on the table) and the join's ({@code pk = l.pk}, {@code key IS l.pk}) apply the same affinities
 * to the same integer, and an integer comes back from the log unchanged. Any other row is not
 * fetched here and goes through the look-ups ({@link #has} is false).
 */
final class SentRows implements AutoCloseable {
  /** A row's state and values; {@code values} null when the table holds no such row. */
  private record Fetched(MergeState.RowState state, Map<String, Object> values) {}

  private final Connection conn;
  private final Map<Long, TableInfo> tables;
  private final Map<Long, PreparedStatement> statements = new HashMap<>();
  private final Map<Long, Fetched> byLogId = new HashMap<>();

  SentRows(Connection conn, Map<Long, TableInfo> tables) {
    this.conn = conn;
    this.tables = tables;
  }

  /** Reads the rows of {@code tx} that this can answer for, forgetting the last transaction's. */
  void read(LoggedTx tx) throws SQLException {
    byLogId.clear();
    if (tx.rows().isEmpty()) {
      return;
    }
    // the rows of one transaction are contiguous in the log; TreeMap: a stable order of tables
    Map<Long, long[]> ranges = new TreeMap<>();
    for (LoggedRow row : tx.rows()) {
      TableInfo table = tables.get(row.table());
      if (table != null && table.rowidKey() && isInteger(row.key())) {
        long[] range = ranges.computeIfAbsent(row.table(), k -> new long[] {row.id(), row.id()});
        range[0] = Math.min(range[0], row.id());
        range[1] = Math.max(range[1], row.id());
      }
    }
    for (Map.Entry<Long, long[]> e : ranges.entrySet()) {
      read(e.getKey(), tables.get(e.getKey()), e.getValue()[0], e.getValue()[1]);
    }
  }

  /** Whether {@link #state} and {@link #values} answer for this row. */
  boolean has(LoggedRow row) {
    return byLogId.containsKey(row.id());
  }

  /** What {@link MergeState#row} returns for the row. */
  MergeState.RowState state(LoggedRow row) {
    return byLogId.get(row.id()).state();
  }

  /** What {@link RowReader#read} returns for the row: a fresh map, or null when it is gone. */
  Map<String, Object> values(LoggedRow row) {
    Map<String, Object> values = byLogId.get(row.id()).values();
    return values == null ? null : new LinkedHashMap<>(values);
  }

  private static boolean isInteger(Object key) {
    return key instanceof Long || key instanceof Integer;
  }

  private void read(long id, TableInfo table, long from, long to) throws SQLException {
    PreparedStatement ps = statements.get(id);
    if (ps == null) {
      ps = conn.prepareStatement(sql(table));
      statements.put(id, ps);
    }
    ps.setLong(1, from);
    ps.setLong(2, to);
    ps.setLong(3, id);
    int n = table.columns().size();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        MergeState.RowState state =
            rs.getObject(2) == null
                ? null
                : MergeState.rowState(
                    rs.getLong(2),
                    rs.getString(3),
                    rs.getLong(4),
                    rs.getLong(5),
                    rs.getString(6),
                    rs.getLong(7));
        Map<String, Object> values = null;
        if (rs.getInt(8) == 1) {
          values = new LinkedHashMap<>();
          for (int i = 0; i < n; i++) {
            values.put(table.columns().get(i), RowReader.normalize(rs.getObject(9 + i)));
          }
        }
        byLogId.put(rs.getLong(1), new Fetched(state, values));
      }
    }
  }

  /**
   * The transaction's log rows of one table with their state and row: the same tables, names and
   * comparisons as MergeState's and RowReader's look-ups. The key column of a rowid table is never
   * NULL, so it tells whether the row was found.
   */
  private static String sql(TableInfo table) {
    String key = "t." + Sql.id(table.keyColumns().get(0));
    StringBuilder sql =
        new StringBuilder(
            "SELECT l.id, r.cl, r.site, r.seq, r.hlc, r.life_site, r.life_seq, "
                + key
                + " IS NOT NULL");
    for (String column : table.columns()) {
      sql.append(", t.").append(Sql.id(column));
    }
    return sql.append(" FROM chora_log l LEFT JOIN chora_rows r ON r.tbl = l.tbl AND r.pk = l.pk")
        .append(" LEFT JOIN ")
        .append(Sql.id(table.name()))
        .append(" t ON ")
        .append(key)
        .append(" IS l.pk WHERE l.id BETWEEN ? AND ? AND l.tbl = ? AND typeof(l.pk) = 'integer'")
        .toString();
  }

  @Override
  public void close() throws SQLException {
    for (PreparedStatement ps : statements.values()) {
      ps.close();
    }
  }
}
