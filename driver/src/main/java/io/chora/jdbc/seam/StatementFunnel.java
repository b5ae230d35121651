package io.chora.jdbc.seam;

import io.chora.jdbc.sql.SqlKind;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * What an engine does around each statement an application runs: every execute variant of {@link
 * FunnelStatement} and {@link FunnelPreparedStatement} ends here, classified once. Java mode wraps
 * writes in capture's transaction rules; native mode follows schema changes; {@link #NONE} passes
 * everything through (capture off, or the connection still being built).
 */
public interface StatementFunnel {
  /** Runs nothing around the statement. */
  StatementFunnel NONE =
      new StatementFunnel() {
        @Override
        public boolean isPassThrough() {
          return true;
        }

        @Override
        public <T> T run(SqlKind kind, String sql, SqlAction<T> action, Statement owner)
            throws SQLException {
          return action.run();
        }
      };

  /**
   * The text to prepare or run for the application's {@code sql}: java mode gives generated keys
   * from the replica's own key space this way. Parameters keep their numbers.
   */
  default String rewrite(String sql) throws SQLException {
    return sql;
  }

  /** What to prepare for the application's {@code sql}: {@link #rewrite}, or a key parameter. */
  default PreparedText prepare(String sql) throws SQLException {
    return PreparedText.unchanged(rewrite(sql));
  }

  /** True while everything runs untouched (chora's own work), so that no SQL is classified. */
  boolean isPassThrough();

  /** Runs {@code action}, the execution of {@code sql} (of {@code kind}) by {@code owner}. */
  <T> T run(SqlKind kind, String sql, SqlAction<T> action, Statement owner) throws SQLException;

  /**
   * Runs {@code update} (inside {@link #run}) and returns the rows it changed as sqlite-jdbc would
   * count them for the application.
   */
  default long userRows(SqlAction<Long> update) throws SQLException {
    return update.run();
  }

  /** Runs a batch of SQL strings none of which changes tables, as one statement. */
  default long[] batch(List<SqlKind> kinds, SqlAction<long[]> batch, Statement owner)
      throws SQLException {
    return batch.run();
  }

  /**
   * Whether {@code sql} increments a counting column (java mode's {@code chora.counters}): a batch
   * holding such a string runs its entries one at a time through {@link #entry}, inside {@link
   * #batch}, so that each one's writes are captured as what that entry does.
   */
  default boolean counts(String sql) {
    return false;
  }

  /** Runs one entry {@code sql} of a batch, inside {@link #batch}. */
  default <T> T entry(String sql, SqlAction<T> action) throws SQLException {
    return action.run();
  }

  /**
   * What SQLite's {@code changes()} tells the application after a statement: sqlite-jdbc's update
   * count of {@code execute} and of each batch entry. {@code sqlite} is SQLite's own count, which
   * in java mode may be that of chora's statements around the application's.
   */
  default long changes(long sqlite) throws SQLException {
    return sqlite;
  }

  /** A statement of this connection was closed: a commit it held open may go through now. */
  default void statementClosed() {}
}
