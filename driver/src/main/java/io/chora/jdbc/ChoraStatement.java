package io.chora.jdbc;

import io.chora.jdbc.sql.SqlKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.jdbc4.JDBC4Statement;

/**
 * sqlite-jdbc's statement with its SQL classified before it runs. Reads go straight to sqlite-jdbc;
 * everything else goes through the connection's {@link CaptureSession}. Only the methods every
 * other execute variant funnels into are overridden.
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
    return session.run(ChoraJdbcConnection.CLASSIFIER.classify(sql), sql, action);
  }

  @Override
  public boolean execute(String sql) throws SQLException {
    return run(sql, () -> super.execute(sql));
  }

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    ResultSet rs = run(sql, () -> super.executeQuery(sql));
    if (chora.session() != null) {
      chora.session().holdCommitFor(this);
    }
    return rs;
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
          long logged = session == null ? 0 : session.logSize();
          long count = super.executeLargeUpdate(sql);
          return session == null ? count : count - (session.logSize() - logged);
        });
  }

  /** A batch of SQL strings is run like one script: one transaction in autocommit mode. */
  @Override
  public long[] executeLargeBatch() throws SQLException {
    CaptureSession session = chora.session();
    if (session == null || session.isInternal() || batch == null || batchPos == 0) {
      return super.executeLargeBatch();
    }
    List<SqlKind> kinds = new ArrayList<>();
    for (int i = 0; i < batchPos; i++) {
      kinds.add(ChoraJdbcConnection.CLASSIFIER.classify((String) batch[i]));
    }
    CaptureSession.refuseTransactionControl(kinds);
    boolean ddl = kinds.stream().anyMatch(SqlKind::changesTables);
    return session.run(ddl ? SqlKind.SCRIPT : SqlKind.WRITE, null, super::executeLargeBatch);
  }

  @Override
  public void close() throws SQLException {
    super.close();
    if (chora.session() != null) {
      chora.session().finishPendingCommit();
    }
  }
}
