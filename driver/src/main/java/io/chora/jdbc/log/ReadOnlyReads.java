package io.chora.jdbc.log;

import io.chora.jdbc.seam.SqlAction;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

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
