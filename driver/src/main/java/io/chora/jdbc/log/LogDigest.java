package io.chora.jdbc.log;

import io.chora.jdbc.shared.StateDigest;
import io.chora.jdbc.shared.StateDigest.TableSums;
import java.lang.ref.WeakReference;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The digest of a java-mode replica's synced tables ({@link StateDigest}), kept up to date from the
 * log: every row a local write, another program's write or an apply changed has a log row, so only
 * the buckets holding rows logged since the last digest are read again. The first digest of a
 * connection, and the first after a schema change, reads every table whole. Connections of this
 * process to one file share one ({@link #of}), so a pool's connections read the file whole once.
 */
final class LogDigest {
  private static final Map<String, WeakReference<LogDigest>> SHARED = new HashMap<>();

  private final Map<String, TableSums> tables = new TreeMap<>();
  private long schemaVersion = -1;
  private long logPosition;
  private long wholeRows; // rows the last whole read read

  /** The digest of the database at {@code address} (sqlite-jdbc's), shared by its connections. */
  static LogDigest of(String address) {
    if (address.isEmpty() || address.contains(":memory:") || address.contains("mode=memory")) {
      return new LogDigest(); // each connection its own database
    }
    synchronized (SHARED) {
      SHARED.values().removeIf(ref -> ref.get() == null);
      LogDigest digest = SHARED.computeIfAbsent(address, a -> new WeakReference<>(null)).get();
      if (digest == null) {
        digest = new LogDigest();
        SHARED.put(address, new WeakReference<>(digest));
      }
      return digest;
    }
  }

  /**
   * The digest now, or null while rows other programs wrote wait to be adopted as a local
   * transaction (the tables then hold more than the clock says); call inside chora's own reads.
   */
  synchronized StateDigest.Read current(Connection conn, Map<Long, TableInfo> tracked)
      throws SQLException {
    long schema = single(conn, "PRAGMA main.schema_version");
    long position = CaptureSchema.lastLogId(conn); // before reading
    if (CaptureSchema.openTransactionLogged(conn)) {
      return null; // another program wrote rows not adopted yet: this is not the clock's state
    }
    boolean whole = schema != schemaVersion;
    if (whole) {
      tables.clear();
      for (TableInfo t : tracked.values()) {
        tables.put(t.name(), StateDigest.read(conn, t.name(), t.rowidKey()));
      }
    } else if (position != logPosition) {
      for (Map.Entry<Long, Set<Long>> touched : touchedSince(conn, position).entrySet()) {
        TableInfo t = tracked.get(touched.getKey());
        TableSums sums = t == null ? null : tables.get(t.name());
        if (sums != null) {
          StateDigest.reread(conn, sums, touched.getValue());
        }
      }
    }
    schemaVersion = schema;
    logPosition = position;
    Map<String, Long> digest = new TreeMap<>();
    long rows = 0;
    for (TableSums t : tables.values()) {
      t.addTo(digest);
      rows += t.takeRowsRead();
    }
    if (whole) {
      wholeRows = rows;
    }
    return new StateDigest.Read(digest, rows);
  }

  /**
   * About how many rows the next {@link #current} reads: every tracked row after a schema change
   * (as many as last time read whole), else a bucket per row logged since.
   */
  synchronized long cost(Connection conn) throws SQLException {
    if (schemaVersion < 0) {
      return 0; // none yet: the first comparison is made whatever it costs
    }
    if (single(conn, "PRAGMA main.schema_version") != schemaVersion) {
      return wholeRows;
    }
    long logged = single(conn, "SELECT count(*) FROM chora_log WHERE id > " + logPosition);
    return Math.min(wholeRows, logged * 128);
  }

  /** Per table id, the buckets of rows logged after {@link #logPosition} up to {@code upTo}. */
  private Map<Long, Set<Long>> touchedSince(Connection conn, long upTo) throws SQLException {
    Map<Long, Set<Long>> touched = new HashMap<>();
    try (PreparedStatement st =
        conn.prepareStatement(
            "SELECT tbl, pk FROM chora_log WHERE id > ? AND id <= ? AND tbl IS NOT NULL")) {
      st.setLong(1, logPosition);
      st.setLong(2, upTo);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          Object key = rs.getObject(2);
          long bucket = key instanceof Number n ? StateDigest.bucketOf(n.longValue()) : 0;
          touched.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(bucket);
        }
      }
    }
    return touched;
  }

  private static long single(Connection conn, String sql) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }
}
