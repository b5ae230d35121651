package io.chora.jdbc.log;

import io.chora.jdbc.seam.SqlAction;
import io.chora.sync.Dot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a read-only connection reads its change set: in a plain read transaction (a savepoint, so
 * inside the application's own transaction too) instead of the write transaction a read-write one
 * uses. A change set is assembled from the merge state, which the log's committed rows since the
 * last sync are first folded into ({@link MergeState#fold}); a read-only connection cannot write
 * that fold to the file, so when there is something to fold it folds into TEMP copies of the state
 * tables, which shadow the file's (SQLite resolves an unqualified name in temp first) and are
 * rolled back with the savepoint. The file is never written. Rows that other programs logged after
 * the last commit marker are not adopted (that takes a write): they are left out until a read-write
 * open adopts them, as a read-write export leaves out a transaction still open.
 */
final class ReadOnlyReads {
  /**
   * What {@link MergeState#fold} writes: the state tables (counting cells' too), the fold's
   * position in the log, the open conflicts that local writes supersede, and the increments it
   * takes in.
   */
  private static final List<String> FOLD_WRITES =
      List.of(
          "chora_meta",
          "chora_rows",
          "chora_cells",
          "chora_conflicts",
          Counters.TABLE,
          CounterCapture.ADDS);

  private ReadOnlyReads() {}

  static <T> T run(Statement st, SqlAction<T> work) throws SQLException {
    st.execute("SAVEPOINT chora_read");
    try {
      if (somethingToFold(st)) {
        for (String table : FOLD_WRITES) {
          shadow(st, table);
        }
      }
      return work.run();
    } finally {
      try {
        st.execute("ROLLBACK TO chora_read"); // drops the shadows with what was folded into them
      } finally {
        st.execute("RELEASE chora_read");
      }
    }
  }

  /** Whether a commit marker follows the last fold: only then does a fold write. */
  private static boolean somethingToFold(Statement st) throws SQLException {
    try (ResultSet rs =
        st.executeQuery(
            "SELECT EXISTS (SELECT 1 FROM main.chora_log WHERE op = "
                + LogOp.COMMIT
                + " AND id > coalesce((SELECT value FROM main.chora_meta WHERE key = 'folded'),"
                + " 0))")) {
      return rs.next() && rs.getInt(1) == 1;
    }
  }

  /** Where a read-only fold keeps the lives it names on local deletes ({@link MergeState}). */
  private static final String NAMED = "temp.chora_named_deletes";

  /**
   * What {@link LostLives#nameDeleted} writes into the log, kept in TEMP instead (dropped with the
   * savepoint): a read-only connection sends the same set a read-write one does.
   */
  static void nameDeleted(Connection conn, long logId, Dot life, long cl) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute(
          "CREATE TEMP TABLE IF NOT EXISTS chora_named_deletes(id INTEGER PRIMARY KEY, site TEXT,"
              + " seq INTEGER, cl INTEGER)");
    }
    try (PreparedStatement ps =
        conn.prepareStatement("INSERT OR REPLACE INTO " + NAMED + " VALUES (?, ?, ?, ?)")) {
      ps.setLong(1, logId);
      ps.setString(2, life.site());
      ps.setLong(3, life.seq());
      ps.setLong(4, cl);
      ps.executeUpdate();
    }
  }

  /** The lives {@link #nameDeleted} named in this read, by log id: the life and its cl. */
  static Map<Long, Map.Entry<Dot, Long>> namedDeletes(Connection conn) throws SQLException {
    Map<Long, Map.Entry<Dot, Long>> named = new HashMap<>();
    try (Statement st = conn.createStatement();
        ResultSet exists =
            st.executeQuery(
                "SELECT 1 FROM sqlite_temp_schema WHERE name = 'chora_named_deletes'")) {
      if (!exists.next()) {
        return named;
      }
    }
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, site, seq, cl FROM " + NAMED)) {
      while (rs.next()) {
        named.put(rs.getLong(1), Map.entry(new Dot(rs.getString(2), rs.getLong(3)), rs.getLong(4)));
      }
    }
    return named;
  }

  /** A TEMP table of the same definition and rows, in front of {@code main.table}. */
  private static void shadow(Statement st, String table) throws SQLException {
    String ddl;
    try (ResultSet rs =
        st.executeQuery(
            "SELECT sql FROM main.sqlite_schema WHERE type = 'table' AND name = '" + table + "'")) {
      if (!rs.next()) {
        throw new SQLException("chora: " + table + " is missing from this replica");
      }
      ddl = rs.getString(1);
    }
    // sqlite_schema keeps "CREATE TABLE name(...)" with IF NOT EXISTS taken out
    if (!ddl.regionMatches(true, 0, "CREATE TABLE ", 0, "CREATE TABLE ".length())) {
      throw new SQLException("chora: unexpected definition of " + table + ": " + ddl);
    }
    st.execute("CREATE TEMP TABLE " + ddl.substring("CREATE TABLE ".length()));
    st.execute("INSERT INTO temp." + table + " SELECT * FROM main." + table);
  }
}
