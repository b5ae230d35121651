package io.chora.jdbc.seam;

import io.chora.jdbc.sql.SqlClassifier;
import io.chora.jdbc.sql.SqlKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.sqlite.jdbc4.JDBC4PreparedStatement;

/**
 * sqlite-jdbc's prepared statement, classified once when prepared and run through the connection's
 * {@link StatementFunnel}, in both modes. Only the methods the other execute variants funnel into
 * are overridden.
 */
final class FunnelPreparedStatement extends JDBC4PreparedStatement {
  private final StatementFunnel funnel;
  private final SqlKind kind;
  private final String text;

  FunnelPreparedStatement(SqliteConnection conn, String sql, StatementFunnel funnel)
      throws SQLException {
    super(conn, sql);
    this.funnel = funnel;
    this.kind = SqlClassifier.SHARED.classify(sql);
    this.text = sql;
  }

  @Override
  public boolean execute() throws SQLException {
    return funnel.run(kind, text, super::execute, this);
  }

  @Override
  public ResultSet executeQuery() throws SQLException {
    return funnel.run(kind, text, super::executeQuery, this);
  }

  @Override
  public long executeLargeUpdate() throws SQLException {
    return funnel.run(kind, text, super::executeLargeUpdate, this);
  }

  @Override
  public long[] executeLargeBatch() throws SQLException {
    return funnel.run(kind, text, super::executeLargeBatch, this);
  }

  @Override
  public void close() throws SQLException {
    super.close();
    funnel.statementClosed();
  }
}
