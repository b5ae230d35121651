package io.chora.jdbc;

import io.chora.jdbc.sql.SqlKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.sqlite.jdbc4.JDBC4PreparedStatement;

/**
 * sqlite-jdbc's prepared statement, classified once at prepare time and run through the
 * connection's {@link CaptureSession}. For a read that costs one check (is an earlier RETURNING
 * write still waiting to commit?). Only the methods the other execute variants funnel into are
 * overridden.
 */
final class ChoraPreparedStatement extends JDBC4PreparedStatement {
  private final ChoraJdbcConnection chora;
  private final SqlKind kind;
  private final String text;

  ChoraPreparedStatement(ChoraJdbcConnection conn, String sql, SqlKind kind) throws SQLException {
    super(conn, sql);
    this.chora = conn;
    this.kind = kind;
    this.text = sql;
  }

  private <T> T run(SqlAction<T> action) throws SQLException {
    CaptureSession session = chora.session();
    if (session == null) {
      return action.run();
    }
    T result = session.run(kind, text, action);
    if (kind != SqlKind.READ) {
      session.holdCommitFor(this);
    }
    return result;
  }

  @Override
  public boolean execute() throws SQLException {
    return run(super::execute);
  }

  @Override
  public ResultSet executeQuery() throws SQLException {
    return run(super::executeQuery);
  }

  @Override
  public long executeLargeUpdate() throws SQLException {
    return run(super::executeLargeUpdate);
  }

  @Override
  public long[] executeLargeBatch() throws SQLException {
    return run(super::executeLargeBatch);
  }

  @Override
  public void close() throws SQLException {
    super.close();
    if (chora.session() != null) {
      chora.session().finishPendingCommit();
    }
  }
}
