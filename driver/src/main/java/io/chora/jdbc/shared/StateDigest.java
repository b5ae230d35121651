package io.chora.jdbc.shared;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A digest of what a replica's synced tables hold, to tell replicas that hold equal clocks but
 * different rows apart (docs/merge-rules.md#divergence): per tracked table, one sum over its rows'
 * keys ({@code "note"}) and one per column over each row's value of it ({@code "note.title"}). Sums
 * of per-row hashes do not depend on the order rows are read in, and a per-column sum lets two
 * replicas on different schema versions compare the columns both have. A 64-bit hash finds
 * accidental divergence (a bug, a write past capture); it is no proof against a forger.
 */
public final class StateDigest {
  private StateDigest() {}

  /** Rows of a table keyed by the rowid are summed in buckets of 128 rowids. */
  private static final int BUCKET_BITS = 7;

  /**
   * One table's sums: per bucket, the sum over its rows' keys and one sum per column. A table keyed
   * by the rowid keeps a bucket per 128 rowids, so that rows touched since are read again by bucket
   * ({@link #reread}); any other table keeps one bucket and is read again whole.
   */
  public static final class TableSums {
    private final String table;
    private final List<String> keys = new ArrayList<>();
    private final List<String> values = new ArrayList<>();
    private final boolean byRowid;
    private final Map<Long, long[]> buckets = new HashMap<>();
    private long rowsRead;

    private TableSums(String table, boolean byRowid) {
      this.table = table;
      this.byRowid = byRowid;
    }

    /** Whether rows are kept in buckets of rowids ({@link #bucketOf}). */
    public boolean byRowid() {
      return byRowid;
    }

    /** Rows read since the last call, and starts counting again. */
    public long takeRowsRead() {
      long n = rowsRead;
      rowsRead = 0;
      return n;
    }

    /** Adds this table's parts to {@code digest}. */
    public void addTo(Map<String, Long> digest) {
      long rows = 0;
      long[] columns = new long[values.size()];
      for (long[] b : buckets.values()) {
        rows += b[0];
        for (int c = 0; c < columns.length; c++) {
          columns[c] += b[c + 1];
        }
      }
      digest.put(table, rows);
      for (int c = 0; c < columns.length; c++) {
        digest.put(table + "." + values.get(c), columns[c]);
      }
    }
  }

  /** A digest and the rows read to make it (its cost, which decides how often it is compared). */
  public record Read(Map<String, Long> parts, long rowsRead) {}

  /** The bucket a row keyed by the rowid is summed in. */
  public static long bucketOf(long rowid) {
    return rowid >> BUCKET_BITS;
  }

  /** The digest of {@code tables} (names as the database spells them), read whole. */
  public static Read of(Connection conn, List<String> tables) throws SQLException {
    Map<String, Long> digest = new TreeMap<>();
    long rows = 0;
    for (String table : tables) {
      TableSums sums = read(conn, table, false);
      sums.addTo(digest);
      rows += sums.rowsRead;
    }
    return new Read(digest, rows);
  }

  /**
   * Reads {@code table} whole; {@code byRowid}: its single key column is the rowid, and its rows
   * are kept in buckets.
   */
  public static TableSums read(Connection conn, String table, boolean byRowid) throws SQLException {
    TableSums sums = new TableSums(table, byRowid);
    columns(conn, table, sums.keys, sums.values);
    if (sums.keys.isEmpty()) {
      sums.keys.add("rowid");
    }
    scan(conn, sums, null);
    return sums;
  }

  /** Reads the rows of {@code buckets} again (rows in them changed); a table not by rowid whole. */
  public static void reread(Connection conn, TableSums sums, Set<Long> buckets)
      throws SQLException {
    if (!sums.byRowid) {
      sums.buckets.clear();
      scan(conn, sums, null);
      return;
    }
    for (long bucket : buckets) {
      sums.buckets.remove(bucket);
      scan(conn, sums, bucket);
    }
  }

  /**
   * The parts both digests have that differ, in order; empty when they agree on everything they
   * share (a table or column one side lacks is not compared).
   */
  public static List<String> differences(Map<String, Long> mine, Map<String, Long> theirs) {
    List<String> differ = new ArrayList<>();
    for (Map.Entry<String, Long> e : mine.entrySet()) {
      Long other = theirs.get(e.getKey());
      if (other != null && !other.equals(e.getValue())) {
        differ.add(e.getKey());
      }
    }
    return differ;
  }

  private static void columns(Connection conn, String table, List<String> keys, List<String> values)
      throws SQLException {
    TreeMap<Integer, String> byPk = new TreeMap<>();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA main.table_info(" + quote(table) + ")")) {
      while (rs.next()) {
        int pk = rs.getInt("pk");
        if (pk > 0) {
          byPk.put(pk, rs.getString("name"));
        } else {
          values.add(rs.getString("name"));
        }
      }
    }
    keys.addAll(byPk.values());
  }

  /** Adds the rows of {@code bucket} (all rows: null) to their buckets. */
  private static void scan(Connection conn, TableSums t, Long bucket) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ");
    List<String> all = new ArrayList<>(t.keys);
    all.addAll(t.values);
    for (int i = 0; i < all.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append("typeof(").append(quote(all.get(i))).append("), ");
      sql.append(quote(all.get(i)));
    }
    sql.append(" FROM main.").append(quote(t.table));
    if (bucket != null) {
      sql.append(" WHERE ").append(quote(t.keys.get(0))).append(" BETWEEN ? AND ?");
    }
    int n = t.values.size();
    long[] names = new long[n];
    for (int c = 0; c < n; c++) {
      names[c] = text(SEED, t.values.get(c));
    }
    try (PreparedStatement st = conn.prepareStatement(sql.toString())) {
      if (bucket != null) {
        st.setLong(1, bucket << BUCKET_BITS);
        st.setLong(2, ((bucket + 1) << BUCKET_BITS) - 1);
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          t.rowsRead++;
          long slot = t.byRowid ? bucketOf(rs.getLong(2)) : 0;
          long[] sums = t.buckets.computeIfAbsent(slot, k -> new long[n + 1]);
          long row = text(SEED, t.table);
          for (int k = 0; k < t.keys.size(); k++) {
            row = value(row, rs, 1 + 2 * k);
          }
          row = mix(row);
          sums[0] += row;
          for (int c = 0; c < n; c++) {
            sums[c + 1] += mix(value(row ^ names[c], rs, 1 + 2 * (t.keys.size() + c)));
          }
        }
      }
    }
  }

  private static final long SEED = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;

  /**
   * Folds one value into {@code h}, as SQL compares values (and capture with them: {@code IS NOT}):
   * 1 and 1.0 are one value, '1' and X'31' are others.
   */
  private static long value(long h, ResultSet rs, int typeColumn) throws SQLException {
    String type = rs.getString(typeColumn);
    switch (type) {
      case "integer" -> h = bits(text(h, "integer"), rs.getLong(typeColumn + 1));
      case "real" -> {
        double d = rs.getDouble(typeColumn + 1) + 0.0; // -0.0 is 0.0
        long whole = (long) d;
        h =
            whole == d && whole != Long.MAX_VALUE && whole != Long.MIN_VALUE
                ? bits(text(h, "integer"), whole)
                : bits(text(h, "real"), Double.doubleToLongBits(d));
      }
      case "text" -> h = text(text(h, "text"), rs.getString(typeColumn + 1));
      case "blob" -> h = bytes(text(h, "blob"), rs.getBytes(typeColumn + 1));
      default -> h = text(h, type); // null
    }
    return h;
  }

  private static long text(long h, String s) {
    return bytes(h, s.getBytes(StandardCharsets.UTF_8));
  }

  private static long bytes(long h, byte[] b) { // FNV-1a, then the length, so "ab"+"c" != "a"+"bc"
    for (byte x : b) {
      h = (h ^ (x & 0xff)) * PRIME;
    }
    return bits(h, b.length);
  }

  private static long bits(long h, long v) {
    for (int i = 0; i < 8; i++) {
      h = (h ^ ((v >>> (8 * i)) & 0xff)) * PRIME;
    }
    return h;
  }

  /** splitmix64's finaliser: sums of FNV hashes alone would cancel too easily. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
