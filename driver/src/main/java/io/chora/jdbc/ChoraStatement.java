package io.chora.jdbc;

import io.chora.jdbc.sql.SqlKind;
import java.sql.BatchUpdateException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sqlite.jdbc4.JDBC4Statement;

/**
 * sqlite-jdbc's statement with its SQL classified before it runs, and run through the connection's
 * {@link CaptureSession}. Only the methods every other execute variant funnels into are overridden.
 */
final class ChoraStatement extends JDBC4Statement {
  private final ChoraJdbcConnection chora;

  ChoraStatement(ChoraJdbcConnection conn) {
    super(conn);
    this.chora = conn;
  }

  private <T> T run(String sql, SqlAction<T> action) throws SQLException {
    CaptureSession session = chora.session();
    if (session == null || session.isInternal() || sql == null) {
      return action.run();
    }
    T result = session.run(ChoraJdbcConnection.CLASSIFIER.classify(sql), sql, action);
    session.holdCommitFor(this);
    return result;
  }

  @Override
  public boolean execute(String sql) throws SQLException {
    return run(sql, () -> super.execute(sql));
  }

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    return run(sql, () -> super.executeQuery(sql));
  }

  /**
   * sqlite-jdbc counts this call's rows as the growth of total_changes(), which includes the rows
   * capture triggers append to the log: those are taken back out.
   */
  @Override
  public long executeLargeUpdate(String sql) throws SQLException {
    return run(
        sql,
        () -> {
          CaptureSession session = chora.session();
          if (session == null) {
            return super.executeLargeUpdate(sql);
          }
          long logged = session.logSize();
          long count = super.executeLargeUpdate(sql);
          return count - Math.max(0, session.logSize() - logged);
        });
  }

  /**
   * A batch of SQL strings runs as sqlite-jdbc runs it (one transaction in autocommit mode), except
   * that a batch with table DDL runs statement by statement, so that capture is refreshed between
   * them.
   */
  @Override
  public long[] executeLargeBatch() throws SQLException {
    CaptureSession session = chora.session();
    if (session == null || session.isInternal() || batch == null || batchPos == 0) {
      return super.executeLargeBatch();
    }
    List<String> sqls = new ArrayList<>();
    List<SqlKind> kinds = new ArrayList<>();
    for (int i = 0; i < batchPos; i++) {
      sqls.add((String) batch[i]);
      kinds.add(ChoraJdbcConnection.CLASSIFIER.classify((String) batch[i]));
    }
    if (kinds.stream().noneMatch(SqlKind::changesTables)) {
      CaptureSession.refuseUnfollowable(kinds);
      return session.run(SqlKind.WRITE, null, super::executeLargeBatch);
    }
    clearBatch();
    long[] counts = new long[sqls.size()];
    for (int i = 0; i < counts.length; i++) {
      try {
        counts[i] = executeLargeUpdate(sqls.get(i));
      } catch (SQLException e) {
        throw new BatchUpdateException(
            "batch entry " + i + ": " + e.getMessage(),
            e.getSQLState(),
            e.getErrorCode(),
            Arrays.copyOf(counts, i),
            e);
      }
    }
    return counts;
  }

  @Override
  public void close() throws SQLException {
    super.close();
    if (chora.session() != null) {
      chora.session().finishPendingCommit();
    }
  }
}
